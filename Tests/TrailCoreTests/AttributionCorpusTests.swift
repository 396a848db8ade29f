import Foundation
import Testing
@testable import TrailCore

@Suite("Attribution over real and sample logs")
struct AttributionCorpusTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var corpus: String { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path }

    @Test("sample-logs: the EC2 instance, the Dev account user and the Lambda function are named")
    func sampleLogStories() throws {
        try withHarness { h in
            let summary = try h.ingest([Self.repositoryRoot.appendingPathComponent("sample-logs").path])
            #expect(summary.filesFailed == 0 && summary.filesPartial == 0)
            let ec2 = try h.rows("SELECT DISTINCT origin_type, origin_id, origin_detail FROM event_attribution WHERE role_name = 'WebAppInstanceRole'")
            #expect(ec2.map { $0.compactMapValues(\.textValue) } == [["origin_type": "aws_service", "origin_id": "ec2.amazonaws.com", "origin_detail": "i-0a1b2c3d4e5f67890"]])
            let reads = try h.rows("SELECT count(*) AS n FROM event_attribution WHERE role_name = 'WebAppInstanceRole' AND event_name = 'GetObject'")
            #expect((reads.first?["n"]?.intValue ?? 0) >= 4)
            let prod = try h.rows("SELECT DISTINCT origin_type, origin_id FROM event_attribution WHERE role_name = 'ProdAdmin'")
            #expect(prod.map { $0.compactMapValues(\.textValue) } == [["origin_type": "iam_user", "origin_id": "arn:aws:iam::111122223333:user/alice"]])
            let lambda = try h.rows("SELECT DISTINCT origin_type, origin_id, origin_detail FROM event_attribution WHERE role_name = 'order-processor-role'")
            #expect(lambda.map { $0.compactMapValues(\.textValue) } == [["origin_type": "aws_service", "origin_id": "lambda.amazonaws.com", "origin_detail": "order-processor"]])
            let calls = try h.rows("SELECT DISTINCT event_source || ':' || event_name AS call FROM event_attribution WHERE role_name = 'order-processor-role' AND event_source <> 'sts.amazonaws.com' ORDER BY 1")
            #expect(calls.compactMap { $0["call"]?.textValue } == ["dynamodb.amazonaws.com:GetItem", "logs.amazonaws.com:CreateLogStream",
                                                                  "logs.amazonaws.com:PutLogEvents", "sqs.amazonaws.com:SendMessage"])
        }
    }

    /// Records of each corpus source directory, read with Foundation the way stats.py reads them.
    static func corpusRecords() throws -> [String: [[String: Any]]] {
        var bySource: [String: [[String: Any]]] = [:]
        let root = URL(fileURLWithPath: corpus)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [:] }
        for case let url as URL in walker where ["json", "jsonl"].contains(url.pathExtension) {
            let source = url.path.dropFirst(root.path.count + 1).split(separator: "/").first.map(String.init) ?? ""
            guard let data = try? Data(contentsOf: url) else { continue }
            var objects: [Any] = []
            if let whole = try? JSONSerialization.jsonObject(with: data) {
                objects = [whole]
            } else {
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                    if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) { objects.append(o) }
                }
            }
            for object in objects {
                let records = (object as? [String: Any])?["Records"] as? [[String: Any]]
                    ?? (object as? [[String: Any]]) ?? [(object as? [String: Any]) ?? [:]]
                bySource[source, default: []].append(contentsOf: records.filter { $0["eventID"] is String })
            }
        }
        return bySource
    }

    @Test("shared corpus: every record whose ASIA key was issued in the same source resolves to that call's origin", .enabled(if: TS.runCorpusTests, TS.corpusSkipReason))
    func corpusIssuedKeysResolve() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus), "the shared corpus is missing at \(Self.corpus)")
        var linked: [(usage: String, issuer: String)] = []
        for (_, records) in try Self.corpusRecords() {
            var issuerByKey: [String: String] = [:]
            for r in records where (r["eventSource"] as? String) == "sts.amazonaws.com" {
                let key = ((r["responseElements"] as? [String: Any])?["credentials"] as? [String: Any])?["accessKeyId"] as? String
                if let key, let id = r["eventID"] as? String { issuerByKey[key] = id }
            }
            var seen = Set<String>()
            for r in records {
                guard let key = (r["userIdentity"] as? [String: Any])?["accessKeyId"] as? String, SessionKey.isAccessKey(key),
                      key.hasPrefix("ASIA"), !key.contains("EXAMPLE"), let issuer = issuerByKey[key],
                      let id = r["eventID"] as? String, id != issuer, seen.insert(id).inserted else { continue }
                linked.append((id, issuer))
            }
        }
        #expect(linked.count == 59, "stats.py counts 59 such records")
        try withHarness { h in
            try h.ingest([Self.corpus])
            for pair in linked {
                let usage = try h.attribution(pair.usage)
                let issuer = try h.attribution(pair.issuer)
                #expect(usage["origin_type"] != "unknown", "\(pair.usage) unresolved")
                #expect(usage["origin_type"] == issuer["origin_type"], "\(pair.usage)")
                #expect(usage["origin_id"] == issuer["origin_id"], "\(pair.usage)")
                let session = try h.session(usage["session_key"] ?? "")
                #expect(session["issuing_event_id"] == pair.issuer, "\(pair.usage) linked to another call")
            }
        }
    }

    @Test("shared corpus: every parseable record stored, broken files named, a second run adds nothing", .enabled(if: TS.runCorpusTests, TS.corpusSkipReason))
    func corpusIngestAndRerun() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus), "the shared corpus is missing at \(Self.corpus)")
        try withHarness { h in
            let first = try h.ingest([Self.corpus])
            #expect(first.eventsNew > 500)
            // The processing library's deliberately malformed fixture is the one file that cannot be read.
            #expect(first.failures.contains { $0.path.hasSuffix("SerializerTestFileBadJsonFormat.json") && $0.status == "failed" })
            #expect(first.filesFailed == 1, "\(first.failures.filter { $0.status == "failed" })")
            let second = try h.ingest([Self.corpus])
            #expect(second.eventsNew == 0)
            #expect(second.filesUnchanged == second.filesSeen)
            #expect(second.filesFailed == 0)
            #expect(second.filesPreviouslyFailed == 1)
        }
    }

    @Test("shared corpus: no record gets an origin its own data contradicts", .enabled(if: TS.runCorpusTests, TS.corpusSkipReason))
    func corpusNoContradictions() throws {
        try #require(FileManager.default.fileExists(atPath: Self.corpus), "the shared corpus is missing at \(Self.corpus)")
        try withHarness { h in
            try h.ingest([Self.corpus])
            // An IAM user acting with its own credentials is its own origin.
            let users = try h.rows("""
                SELECT event_id, origin_type, origin_id, actor_arn FROM event_attribution
                WHERE identity_type = 'IAMUser' AND actor_arn LIKE 'arn:%:user/%'
                  AND (origin_type <> 'iam_user' OR origin_id <> actor_arn)
                """)
            #expect(users.isEmpty, "\(users.prefix(3))")
            let roots = try h.rows("""
                SELECT event_id FROM event_attribution e JOIN events x USING (event_id)
                WHERE e.identity_type = 'Root' AND coalesce(x.assumed_root, '') <> 'true' AND e.origin_type <> 'root'
                """)
            #expect(roots.isEmpty, "\(roots.prefix(3))")
            let services = try h.rows("SELECT event_id FROM event_attribution WHERE identity_type = 'AWSService' AND origin_type <> 'aws_service'")
            #expect(services.isEmpty)
            // A linked session's issuing call predicted exactly this session's ARN.
            let mismatched = try h.rows("""
                SELECT s.session_key FROM sessions s JOIN events i ON i.event_id = s.issuing_event_id
                WHERE i.event_name LIKE 'AssumeRole%' AND json_valid(i.response_elements)
                  AND json_extract(i.response_elements, '$.assumedRoleUser.arn') IS NOT NULL
                  AND json_extract(i.response_elements, '$.assumedRoleUser.arn') <> s.session_arn
                """)
            #expect(mismatched.isEmpty)
            // A role session's chain ends with its own role.
            let chains = try h.rows("""
                SELECT session_key FROM sessions WHERE kind = 'role' AND role_arn IS NOT NULL
                  AND json_extract(chain, '$[#-1]') <> role_arn
                """)
            #expect(chains.isEmpty)
        }
    }
}
