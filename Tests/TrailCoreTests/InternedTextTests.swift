import Foundation
import Testing
@testable import TrailCore

/// `userIdentity`, `userAgent`, `tlsDetails` and the identity sub-objects are stored once per
/// distinct text in `interned_text`; the `events` view must still show every record's own bytes.
@Suite("Interned texts")
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

    @Test("records sharing an identity share one row; each record reads back its own bytes")
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
            // e1 and e2 point at one row; e4's spacing makes a row of its own.
            #expect(try TS.count(db, "SELECT count(DISTINCT user_identity_ref) FROM event_rows") == 3)
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

    @Test("a version 1 database is converted: texts move to interned_text and read back unchanged")
    func migrationFromVersion1() throws {
        try TS.withTempDir { dir in
            do {
                let db = try Database(path: dir.database)
                guard let v1 = Schema.migrations.first(where: { $0.version == 1 }) else {
                    Issue.record("no version 1 migration")
                    return
                }
                try db.execute(v1.sql)
                for index in Schema.indexes(on: "events") { try db.execute(index.sql) }
                try db.execute("PRAGMA user_version = 1")
                let insert = try db.prepare("""
                    INSERT INTO events(event_id, event_time, event_ts, file_id, record_index, event_name, user_identity, user_agent, tls_details, in_scope_of)
                    VALUES (?, '2026-11-20T10:00:00Z', 0, 1, ?, 'GetObject', ?, ?, ?, ?)
                    """)
                let rows: [(String, String?, String?, String?, String?)] = [
                    ("a", "{\"type\":\"AWSService\"}", "s3.amazonaws.com", nil, nil),
                    ("b", "{\"type\":\"AWSService\"}", "aws-cli/2", "{\"tlsVersion\":\"TLSv1.2\"}", nil),
                    ("c", nil, "s3.amazonaws.com", "{\"tlsVersion\":\"TLSv1.2\"}", "{\"credentialsIssuedTo\":\"i-1\"}"),
                ]
                for (index, row) in rows.enumerated() {
                    try insert.bind([.text(row.0), .integer(Int64(index)), row.1.map { .text($0) } ?? .null, row.2.map { .text($0) } ?? .null,
                                     row.3.map { .text($0) } ?? .null, row.4.map { .text($0) } ?? .null])
                    _ = try insert.step()
                    insert.reset()
                }
            }
            let db = try TrailDatabase.openForWriting(dir.database)
            #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.latestVersion))
            let back = try db.rows("SELECT event_id, user_identity, user_agent, tls_details, in_scope_of FROM events ORDER BY event_id")
            #expect(back.map { $0.map(\.textValue) } == [
                ["a", "{\"type\":\"AWSService\"}", "s3.amazonaws.com", nil, nil],
                ["b", "{\"type\":\"AWSService\"}", "aws-cli/2", "{\"tlsVersion\":\"TLSv1.2\"}", nil],
                ["c", nil, "s3.amazonaws.com", "{\"tlsVersion\":\"TLSv1.2\"}", "{\"credentialsIssuedTo\":\"i-1\"}"],
            ])
            #expect(try TS.count(db, "SELECT count(*) FROM interned_text") == 5)
            #expect(try TS.count(db, "SELECT count(*) FROM pragma_table_info('event_rows') WHERE name = 'user_identity'") == 0)
            #expect(try TS.count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_name' AND tbl_name = 'event_rows'") == 1)
            // Later migrations' indexes: the error index covers access-denied, writes have their own.
            #expect(try db.rows("SELECT name FROM pragma_index_info('events_error') ORDER BY seqno").map { $0.first?.textValue }
                    == ["error_code", "event_name", "event_ts", "session_id", "recipient_account_id", "identity_account_id", "aws_region", "event_source"])
            #expect(try TS.count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_writes' AND tbl_name = 'event_rows' AND sql LIKE '%WHERE read_only IS NOT 1'") == 1)
            #expect(try TS.count(db, "SELECT count(*) FROM event_attribution") == 3)
        }
    }
}
