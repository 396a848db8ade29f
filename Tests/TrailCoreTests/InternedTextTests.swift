import Foundation
import Testing
@testable import TrailCore

/// `userIdentity` and `userAgent` are stored once per distinct text in `interned_text`, each
/// identity's fields once in `identities`; `tlsDetails` is read from the stored record. The
/// `events` view must still show every record's own bytes.
@Suite("Interned texts and members read from the record")
struct InternedTextTests {
    @Test("the hash is MurmurHash64A (seed 0), the same in Swift and in SQL")
    func hashIsStable() throws {
        // Values fixed when the hash was first persisted: changing the function would orphan every stored text.
        #expect(ByteHash.murmur64("") == 0)
        #expect(ByteHash.murmur64("a") != ByteHash.murmur64("b"))
        #expect(ByteHash.murmur64("12345678") != ByteHash.murmur64("123456789"))
        let db = try Database(path: ":memory:")
        for text in ["", "x", "aws-cli/2.15.0", "{\"type\":\"IAMUser\",\"userName\":\"zoë\"}", String(repeating: "abcdefg", count: 99)] {
            let sql = try db.scalarInt("SELECT trail_hash(?)", [.text(text)])
            #expect(sql == Int64(bitPattern: ByteHash.murmur64(text)), "\(text)")
        }
        #expect(try db.scalarInt("SELECT trail_hash(NULL)") == nil)
    }

    @Test("records sharing a user agent share one row; each record reads back its own bytes")
    func sharedRowsExactBytes() throws {
        try TS.withTempDir { dir in
            let alice: [String: Any] = ["type": "IAMUser", "principalId": "AIDA1", "arn": "arn:aws:iam::111122223333:user/alice",
                                        "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLE", "userName": "alice"]
            let bob: [String: Any] = ["type": "IAMUser", "principalId": "AIDA2", "arn": "arn:aws:iam::111122223333:user/bob",
                                      "accountId": "111122223333", "userName": "bob"]
            // Same identity written with different spacing: two distinct texts, kept byte for byte.
            let spaced = TS.record(id: "e4", overrides: ["userIdentity": alice])
                .replacingOccurrences(of: "\"userName\":\"alice\"", with: "\"userName\" : \"alice\"")
            let records = [
                TS.record(id: "e1", overrides: ["userIdentity": alice]),
                TS.record(id: "e2", overrides: ["userIdentity": alice, "userAgent": "console.amazonaws.com"]),
                TS.record(id: "e3", overrides: ["userIdentity": bob, "tlsDetails": ["tlsVersion": "TLSv1.3"]]),
                spaced,
                TS.record(id: "e5", overrides: ["userIdentity": NSNull(), "userAgent": true]),
            ]
            let path = dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/a.json", TS.recordsFile(records))
            try TS.ingest([path], into: dir.database)
            let db = try TS.openDB(dir.database)
            var identities: [String: String?] = [:]
            for row in try db.rows("SELECT event_id, user_identity, user_agent, tls_details FROM events ORDER BY event_id") {
                identities[row[0].textValue ?? ""] = row[1].textValue
                if row[0].textValue == "e2" { #expect(row[2].textValue == "console.amazonaws.com") }
                if row[0].textValue == "e3" { #expect(row[3].textValue == "{\"tlsVersion\":\"TLSv1.3\"}") }
                if row[0].textValue == "e5" { #expect(row[2].textValue == "true") }
            }
            #expect(identities["e1"] == TS.json(alice))
            #expect(identities["e2"] == TS.json(alice))
            #expect(identities["e3"] == TS.json(bob))
            #expect(identities["e4"]??.contains("\"userName\" : \"alice\"") == true)
            #expect(identities["e5"] == .some(nil))
            // e1 and e2 point at one identity; e4's spacing makes one of its own, flattened once
            // each into `identities`. The user agents are interned too: e1, e3 and e4 share one.
            #expect(try TS.count(db, "SELECT count(DISTINCT user_identity_ref) FROM event_rows") == 3)
            #expect(try TS.count(db, "SELECT count(*) FROM identities") == 3)
            #expect(try TS.count(db, "SELECT count(*) FROM identities i JOIN interned_text t ON t.id = i.text_id") == 3)
            #expect(try db.scalarText("SELECT user_name FROM events WHERE event_id = 'e4'") == "alice")
            #expect(try TS.count(db, "SELECT count(DISTINCT user_agent_ref) FROM event_rows") == 3)
            let distinct = try TS.count(db, "SELECT count(DISTINCT value) FROM interned_text")
            #expect(try TS.count(db, "SELECT count(*) FROM interned_text") == distinct)
            #expect(try TS.count(db, "SELECT count(*) FROM interned_text WHERE hash <> trail_hash(value)") == 0)
            // A second ingest of other files reuses the rows already there.
            let before = try TS.count(db, "SELECT count(*) FROM interned_text")
            let again = dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/b.json",
                                  TS.recordsFile([TS.record(id: "e6", overrides: ["userIdentity": alice])]))
            try TS.ingest([again], into: dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM interned_text") == before)
            #expect(try db.scalarText("SELECT user_identity FROM events WHERE event_id = 'e6'") == TS.json(alice))
        }
    }
}
