import Foundation
import Testing
@testable import TrailCore

/// Every record comes back byte for byte from the input the database keeps (`blobs`), and the
/// members the `events` view reads from it are what the normaliser would have stored.
@Suite("Store: records kept as their inputs' bytes")
struct RecordArchiveTests {
    static func records(_ db: Database, _ sql: String = "SELECT event_id, trail_record(blob_id, record_offset, record_length) FROM events") throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try db.rows(sql) { found[row[0].textValue ?? ""] = row[1].textValue }
        return found
    }

    @Test("a generated corpus: each file's records, in order, rebuild the file's inflated bytes exactly")
    func generatedCorpusRoundTrip() throws {
        let bench = try #require(TS.trailExecutable.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("trail-bench").path },
                                 "the trail executable is not built next to the tests")
        try #require(FileManager.default.isExecutableFile(atPath: bench), "trail-bench is not built next to the tests")
        try TS.withTempDir { dir in
            let corpus = dir.file("corpus")
            let generated = try TS.runProcess(bench, ["generate", "--events", "5000", "--seed", "7", "--days", "1", "--out", corpus])
            #expect(generated.status == 0, "\(generated.stderrText)")
            let summary = try TS.ingest([corpus + "/AWSLogs"], into: dir.database)
            #expect(summary.eventsNew == 5_000)
            let db = try TS.openDB(dir.database)
            let files = try db.rows("SELECT id, path FROM files WHERE kind = 'events' ORDER BY id")
            #expect(files.count > 100)
            let records = try db.prepare("""
                SELECT trail_record(blob_id, record_offset, record_length) FROM events WHERE file_id = ? ORDER BY record_index
                """)
            var checked = 0
            for file in files {
                guard case .integer(let id) = file[0], let path = file[1].textValue else { continue }
                let inflated = try #require(TS.gunzipWithSystemTool(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
                try records.bind([.integer(id)])
                var parts: [[UInt8]] = []
                while try records.step() { parts.append(Array(records.textBytes(0) ?? UnsafeBufferPointer(start: nil, count: 0))) }
                records.reset()
                // The generator writes {"Records":[r1,r2,…]} with nothing between records but commas.
                let rebuilt = Array("{\"Records\":[".utf8) + Array(parts.joined(separator: [UInt8](",".utf8))) + Array("]}".utf8)
                #expect(rebuilt == inflated || rebuilt + [0x0A] == inflated, "\(path)")
                checked += parts.count
            }
            #expect(checked == 5_000)
            // The stored inputs are the files' own gzip bytes, once each.
            #expect(try TS.count(db, "SELECT count(*) FROM blobs") == files.count)
            #expect(try TS.count(db, "SELECT count(*) FROM files f JOIN blobs b ON b.id = f.blob_id WHERE length(b.gzip) <> f.size") == 0)
        }
    }

    @Test("plain JSON, NDJSON, EventBridge envelopes and lookup-events output: each record's own text")
    func everyShape() throws {
        try TS.withTempDir { dir in
            let a = TS.record(id: "p1"), b = TS.record(id: "p2", overrides: ["requestParameters": ["bucketName": "x y"]])
            let plain = dir.write("plain.json", "{\"Records\": [\n  " + a + ",\n  " + b + "\n]}\n")
            let ndjson = dir.write("lines.jsonl", TS.record(id: "n1") + "\n" + TS.record(id: "n2") + "\n")
            let envelopeRecord = TS.record(id: "eb1")
            let envelope = dir.write("eb.json", "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":" + envelopeRecord + "}")
            let embedded = TS.record(id: "le1", overrides: ["userAgent": "quote \" and \\ slash"])
            let lookup = dir.write("lookup.json", TS.json(["Events": [["EventId": "le1", "CloudTrailEvent": embedded]]]))
            let gz = dir.writeGzip("gz.json.gz", TS.recordsFile([TS.record(id: "g1")]))
            try TS.ingest([plain, ndjson, envelope, lookup, gz], into: dir.database)
            let db = try TS.openDB(dir.database)
            let found = try Self.records(db)
            #expect(found["p1"] == a)
            #expect(found["p2"] == b)
            #expect(found["n1"] == TS.record(id: "n1"))
            #expect(found["eb1"] == envelopeRecord)
            #expect(found["le1"] == embedded)
            #expect(found["g1"] == TS.record(id: "g1"))
            // A plain input is compressed once for storage and inflates to the file's bytes.
            let stored = try db.prepare("SELECT b.gzip FROM files f JOIN blobs b ON b.id = f.blob_id WHERE f.path = ?")
            try stored.bind([.text(plain)])
            #expect(try stored.step())
            let bytes = Array(stored.textBytes(0) ?? UnsafeBufferPointer(start: nil, count: 0))
            #expect(TS.gunzipWithSystemTool(bytes) == Array(try Data(contentsOf: URL(fileURLWithPath: plain))))
        }
    }

    @Test("members read from the record match the normaliser: any case, the last occurrence, null and absent")
    func membersFromTheRecord() throws {
        try TS.withTempDir { dir in
            let record = """
                {"eventVersion":"1.08","eventID":"m1","eventTime":"2026-11-20T10:00:00Z","eventSource":"s3.amazonaws.com",\
                "eventName":"GetObject","awsRegion":"us-east-1","recipientAccountId":"111122223333",\
                "REQUESTPARAMETERS":{"a":1},"requestParameters":{"bucketName":"b", "key" : "k"},"responseElements":null,\
                "userIdentity":{"type":"AssumedRole","sessionContext":{"webIdFederationData":{"federatedProvider":"p"}},"onBehalfOf":{"userId":"u"}},\
                "tlsDetails":{"tlsVersion":"TLSv1.3"},"ev\\u0065ntContext":{"x":[1,2]},"requestID":"r\\u00e9q \\"1\\"","apiVersion":7}
                """
            let path = dir.write("m.json", "{\"Records\":[" + record + "]}")
            try TS.ingest([path], into: dir.database)
            let db = try TS.openDB(dir.database)
            let row = try #require(try TS.eventRow(db, id: "m1"))
            #expect(row["request_parameters"] == "{\"bucketName\":\"b\", \"key\" : \"k\"}")
            #expect(row["response_elements"] == .some(nil))
            #expect(row["additional_event_data"] == .some(nil))
            #expect(row["web_id_federation_data"] == "{\"federatedProvider\":\"p\"}")
            #expect(row["on_behalf_of"] == "{\"userId\":\"u\"}")
            #expect(row["tls_details"] == "{\"tlsVersion\":\"TLSv1.3\"}")
            #expect(row["event_context"] == "{\"x\":[1,2]}")
            // Scalar fields read from the record are decoded as the row stored them.
            #expect(row["event_version"] == "1.08")
            #expect(row["request_id"] == "réq \"1\"")
            #expect(row["api_version"] == "7")
            #expect(row["vpc_endpoint_id"] == .some(nil))
            #expect(row["user_identity"]??.hasPrefix("{\"type\":\"AssumedRole\"") == true)
            // Not an issuing call: the row keeps none of the request and response members.
            #expect(try TS.count(db, "SELECT count(*) FROM event_rows WHERE request_parameters IS NOT NULL") == 0)
        }
    }

    @Test("identity calls keep their request and response in the row: issuing calls for the attribution, IAM changes for the audits")
    func issuingCallsStored() throws {
        try TS.withTempDir { dir in
            let call = TS.record(id: "s1", name: "AssumeRole", overrides: [
                "eventSource": "sts.amazonaws.com",
                "requestParameters": ["roleArn": "arn:aws:iam::111122223333:role/R", "roleSessionName": "s"],
                "responseElements": ["credentials": ["accessKeyId": "ASIAEXAMPLE"]],
            ])
            let change = TS.record(id: "i1", name: "CreateUser", overrides: [
                "eventSource": "iam.amazonaws.com", "readOnly": false, "requestParameters": ["userName": "mallory"]])
            let lookup = TS.record(id: "i2", name: "GetUser", overrides: [
                "eventSource": "iam.amazonaws.com", "readOnly": true, "requestParameters": ["userName": "mallory"]])
            let path = dir.write("s.json", TS.recordsFile([call, TS.record(id: "o1"), change, lookup]))
            try TS.ingest([path], into: dir.database)
            let db = try TS.openDB(dir.database)
            #expect(try db.scalarText("SELECT json_extract(request_parameters, '$.roleArn') FROM event_rows WHERE event_id = 's1'")
                    == "arn:aws:iam::111122223333:role/R")
            #expect(try db.scalarText("SELECT json_extract(response_elements, '$.credentials.accessKeyId') FROM events WHERE event_id = 's1'")
                    == "ASIAEXAMPLE")
            #expect(try TS.count(db, "SELECT count(*) FROM event_rows WHERE event_id = 'o1' AND request_parameters IS NULL") == 1)
            // An IAM change keeps its request for iam-changes; a read-only IAM call does not.
            #expect(try db.scalarText("SELECT request_parameters FROM event_rows WHERE event_id = 'i1'") == "{\"userName\":\"mallory\"}")
            #expect(try TS.count(db, "SELECT count(*) FROM event_rows WHERE event_id = 'i2' AND request_parameters IS NULL") == 1)
            #expect(try db.scalarText("SELECT request_parameters FROM events WHERE event_id = 'i2'") == "{\"userName\":\"mallory\"}")
        }
    }

    @Test("a file whose content changes keeps the old records readable from the old bytes")
    func changedFileKeepsOldBytes() throws {
        try TS.withTempDir { dir in
            let first = TS.recordsFile([TS.record(id: "c1")])
            let path = dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/c.json", first)
            try TS.ingest([path], into: dir.database)
            let second = TS.recordsFile([TS.record(id: "c2", name: "ListBuckets"), TS.record(id: "c3")])
            dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/c.json", second)
            try TS.ingest([path], into: dir.database)
            let db = try TS.openDB(dir.database)
            let found = try Self.records(db)
            #expect(found["c1"] == TS.record(id: "c1"))
            #expect(found["c2"] == TS.record(id: "c2", name: "ListBuckets"))
            #expect(found["c3"] == TS.record(id: "c3"))
            #expect(try TS.count(db, "SELECT count(*) FROM blobs") == 2)
        }
    }

    @Test("the same record delivered twice is stored once; the same id at another time is another record")
    func dedupeByTimeAndID() throws {
        try TS.withTempDir { dir in
            let a = dir.write("a.json", TS.recordsFile([TS.record(id: "d1"), TS.record(id: "d2")]))
            let b = dir.write("b.json", TS.recordsFile([TS.record(id: "d1", name: "ListBuckets"), TS.record(id: "d2", time: "2026-11-20T11:00:00Z")]))
            let summary = try TS.ingest([a, b], into: dir.database, options: {
                var options = TS.testOptions()
                options.jobs = 1
                return options
            }())
            #expect(summary.eventsNew == 3)
            #expect(summary.eventsDuplicate == 1)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'd1'") == 1)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'd2'") == 2)
            #expect(try TS.count(db, "SELECT count(*) FROM event_rows WHERE id_hash <> trail_hash(event_id)") == 0)
        }
    }

    @Test("trail show prints each record byte for byte; an unknown id exits 5 and the others still print")
    func showCommand() throws {
        let trail = try #require(TS.trailExecutable, "the trail executable is not built next to the tests")
        try TS.withTempDir { dir in
            let spaced = "{ \"eventID\" : \"x1\", \"eventTime\":\"2026-11-20T10:00:00Z\", \"eventName\":\"ListBuckets\",\"eventSource\":\"s3.amazonaws.com\" }"
            let path = dir.writeGzip("x.json.gz", "{\"Records\":[" + spaced + "," + TS.record(id: "x2") + "]}")
            try TS.ingest([path], into: dir.database)
            let shown = try TS.runProcess(trail, ["show", "--db", dir.database, "x1", "x2"])
            #expect(shown.status == 0, "\(shown.stderrText)")
            #expect(shown.stdoutText == spaced + "\n" + TS.record(id: "x2") + "\n")
            let missing = try TS.runProcess(trail, ["show", "--db", dir.database, "nope", "x1"])
            #expect(missing.status == 5)
            #expect(missing.stdoutText == spaced + "\n")
            #expect(missing.stderrText.contains("no event with id 'nope'"))
        }
    }
}
