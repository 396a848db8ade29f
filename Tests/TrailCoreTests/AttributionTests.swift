import Foundation
import Testing
@testable import TrailCore

/// Ingests record sets into a scratch database and reads back the attribution contract.
struct AttributionHarness {
    let directory: URL
    var database: String { directory.appendingPathComponent("trail.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trail-attr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/attribution")
    }

    /// Writes `records` as one CloudTrail log file and returns its path.
    @discardableResult
    func write(_ name: String, records: [[String: Any]]) throws -> String {
        let url = directory.appendingPathComponent("logs").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["Records": records]).write(to: url)
        return url.path
    }

    /// The records of one of the spec's example sets (Fixtures/attribution/E1.json …).
    static func example(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("\(name).json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(object?["Records"] as? [[String: Any]])
    }

    @discardableResult
    func ingest(_ paths: [String]) throws -> IngestSummary {
        var options = IngestOptions()
        options.jobs = 2
        return try Ingester(databasePath: database, options: options).run(InputDiscovery.discover(paths))
    }

    func rows(_ sql: String, _ bindings: [SQLValue] = []) throws -> [[String: SQLValue]] {
        let db = try TrailDatabase.openForReading(database)
        let statement = try db.prepare(sql)
        try statement.bind(bindings)
        var result: [[String: SQLValue]] = []
        while try statement.step() {
            var row: [String: SQLValue] = [:]
            for i in 0..<statement.columnCount { row[statement.columnName(i)] = statement.value(i) }
            result.append(row)
        }
        return result
    }

    /// The attribution row of one event, as text values.
    func attribution(_ eventID: String) throws -> [String: String] {
        let found = try rows("SELECT * FROM event_attribution WHERE event_id = ?", [.text(eventID)])
        let row = try #require(found.first, "no attribution row for \(eventID)")
        return row.compactMapValues(\.textValue)
    }

    func session(_ key: String) throws -> [String: String] {
        let found = try rows("SELECT * FROM sessions WHERE session_key = ?", [.text(key)])
        return try #require(found.first, "no session \(key)").compactMapValues(\.textValue)
    }

    /// Everything attribution decides, in a stable order, for comparing runs.
    func snapshot() throws -> [String] {
        let events = try rows("""
            SELECT event_id, session_key, role_arn, role_name, session_name, origin_type, origin_id, origin_detail,
                   source_identity, source_identity_status, chain, chain_depth, mfa, mfa_origin, mfa_chain,
                   link_method, confidence, reason FROM event_attribution ORDER BY event_id
            """)
        // Row ids depend on arrival order; everything else must not.
        let sessions = try rows("SELECT * FROM sessions ORDER BY session_key").map { $0.filter { $0.key != "id" } }
        return (events + sessions).map { row in
            row.keys.sorted().map { "\($0)=\(row[$0]?.textValue ?? "NULL")" }.joined(separator: "|")
        }
    }
}

/// Runs `body` with a fresh harness.
func withHarness(_ body: (AttributionHarness) throws -> Void) throws {
    let harness = try AttributionHarness()
    defer { harness.cleanUp() }
    try body(harness)
}

@Suite("Attribution: the spec's example record sets")
struct AttributionExampleTests {
    @Test("E1: EC2 instance role reading S3, with a credential refresh")
    func ec2InstanceRole() throws {
        try withHarness { h in
            try h.ingest([h.write("e1.json", records: AttributionHarness.example("E1"))])
            let first = try h.attribution("e1000000-0000-4000-8000-000000000002")
            let second = try h.attribution("e1000000-0000-4000-8000-000000000004")
            #expect(first["session_key"] == "AROAEXAMPLEWEBROLE001:i-0a1b2c3d4e5f60718@2025-03-04T08:00:11Z")
            #expect(second["session_key"] == "AROAEXAMPLEWEBROLE001:i-0a1b2c3d4e5f60718@2025-03-04T09:00:14Z")
            for row in [first, second] {
                #expect(row["origin_type"] == "aws_service")
                #expect(row["origin_id"] == "ec2.amazonaws.com")
                #expect(row["origin_detail"] == "i-0a1b2c3d4e5f60718")
                #expect(row["role_arn"] == "arn:aws:iam::210987654321:role/app/web-tier-role")
                #expect(row["role_name"] == "web-tier-role")
                #expect(row["session_name"] == "i-0a1b2c3d4e5f60718")
                #expect(row["chain"] == #"["arn:aws:iam::210987654321:role/app/web-tier-role"]"#)
                #expect(row["chain_depth"] == "1")
                #expect(row["source_identity_status"] == "absent")
                #expect(row["mfa"] == "0")
                #expect(row["link_method"] == "L1 key+arn+time")
                #expect(row["confidence"] == "exact")
            }
            #expect(try h.session(first["session_key"] ?? "")["issuing_event_id"] == "e1000000-0000-4000-8000-000000000001")
            #expect(try h.session(second["session_key"] ?? "")["issuing_event_id"] == "e1000000-0000-4000-8000-000000000003")
        }
    }

    @Test("E2: Dev IAM user assumes a Prod role; both copies of the AssumeRole are paired")
    func crossAccountBothCopies() throws {
        try withHarness { h in
            try h.ingest([h.write("e2.json", records: AttributionHarness.example("E2"))])
            let usage = try h.attribution("e2000000-0000-4000-8000-00000000000c")
            #expect(usage["session_key"] == "AROAEXAMPLEPRODDEPL01:alice-deploy@2025-05-12T14:03:27Z")
            #expect(usage["origin_type"] == "iam_user")
            #expect(usage["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(usage["chain"] == #"["arn:aws:iam::444455556666:role/ProdDeployer"]"#)
            #expect(usage["chain_depth"] == "1")
            #expect(usage["mfa"] == "1")
            #expect(usage["mfa_origin"] == "1")
            #expect(usage["confidence"] == "exact")
            // The role owner's copy acts under alice's own session, not under "the Dev account".
            let ownerCopy = try h.attribution("e2000000-0000-4000-8000-00000000000b")
            #expect(ownerCopy["origin_type"] == "iam_user")
            #expect(ownerCopy["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(ownerCopy["account_id"] == "444455556666")
            let link = try h.rows("SELECT method, evidence_event_id FROM event_links WHERE event_id = ?", [.text("e2000000-0000-4000-8000-00000000000b")])
            #expect(link.first?["method"]?.textValue == "shared_event_id")
            #expect(link.first?["evidence_event_id"]?.textValue == "e2000000-0000-4000-8000-00000000000a")
        }
    }

    @Test("E2 without the Dev account's logs: the origin is the external account")
    func crossAccountCallerNotIngested() throws {
        try withHarness { h in
            let records = try AttributionHarness.example("E2").filter { ($0["eventID"] as? String) != "e2000000-0000-4000-8000-00000000000a" }
            try h.ingest([h.write("e2-prod-only.json", records: records)])
            let usage = try h.attribution("e2000000-0000-4000-8000-00000000000c")
            #expect(usage["origin_type"] == "external_account")
            #expect(usage["origin_id"] == "111122223333")
            #expect(usage["origin_detail"] == "AIDAEXAMPLEDEVUSER001")
        }
    }

    @Test("E3: Lambda execution role, and the poller session beside it")
    func lambdaExecutionRole() throws {
        try withHarness { h in
            try h.ingest([h.write("e3.json", records: AttributionHarness.example("E3"))])
            for id in ["e3000000-0000-4000-8000-000000000002", "e3000000-0000-4000-8000-000000000003", "e3000000-0000-4000-8000-000000000004"] {
                let row = try h.attribution(id)
                #expect(row["session_key"] == "AROAEXAMPLEORDERPROC1:order-processor@2025-06-01T10:15:00Z")
                #expect(row["origin_type"] == "aws_service")
                #expect(row["origin_id"] == "lambda.amazonaws.com")
                #expect(row["origin_detail"] == "order-processor")
                #expect(row["confidence"] == "exact")
            }
            let poller = try h.attribution("e3000000-0000-4000-8000-000000000006")
            #expect(poller["session_key"] == "AROAEXAMPLEORDERPROC1:awslambda_412_20250601102000123@2025-06-01T10:20:00Z")
            #expect(poller["origin_id"] == "lambda.amazonaws.com")
            #expect(poller["origin_detail"] == "event source poller")
            #expect(poller["role_name"] == "order-processor-role")
        }
    }

    @Test("E4: SAML user chains into a second role; source identity observed on both hops")
    func samlChainWithSourceIdentity() throws {
        try withHarness { h in
            try h.ingest([h.write("e4.json", records: AttributionHarness.example("E4"))])
            let row = try h.attribution("e4000000-0000-4000-8000-000000000003")
            #expect(row["session_key"] == "AROAEXAMPLEDBAROLE001:jdoe-dba@2025-07-08T07:41:12Z")
            #expect(row["origin_type"] == "saml_user")
            #expect(row["origin_id"] == "jdoe@corp.example")
            #expect(row["origin_detail"] == "arn:aws:iam::444455556666:saml-provider/Okta")
            #expect(row["chain"] == #"["arn:aws:iam::444455556666:role/Okta-Engineer","arn:aws:iam::444455556666:role/BreakGlassDBA"]"#)
            #expect(row["chain_depth"] == "2")
            #expect(row["source_identity"] == "jdoe")
            #expect(row["source_identity_status"] == "observed")
            let session = try h.session("AROAEXAMPLEDBAROLE001:jdoe-dba@2025-07-08T07:41:12Z")
            #expect(session["parent_session_key"] == "AROAEXAMPLEOKTAENG001:jdoe@corp.example@2025-07-08T07:30:00Z")
        }
    }

    @Test("E5: Identity Center user whose usage key differs from the issued key")
    func identityCenterKeyMismatch() throws {
        try withHarness { h in
            try h.ingest([h.write("e5.json", records: AttributionHarness.example("E5"))])
            let row = try h.attribution("e5000000-0000-4000-8000-000000000003")
            #expect(row["session_key"] == "AROAEXAMPLEIDCROAN001:maria.silva@example.org@2025-09-02T16:00:03Z")
            #expect(row["link_method"] == "L2 arn+creation")
            #expect(row["confidence"] == "strong")
            #expect(row["origin_type"] == "identity_center_user")
            #expect(row["origin_id"] == "maria.silva@example.org")
            #expect(row["origin_detail"] == "93a4EXAMPLE-1b2c-4d5e-8f90-1234567890ab")
            #expect(row["chain_depth"] == "1")
        }
    }

    @Test("E6: two GitHub OIDC runs with the same session name in the same second")
    func githubRunsSameSecond() throws {
        try withHarness { h in
            try h.ingest([h.write("e6.json", records: AttributionHarness.example("E6"))])
            let row = try h.attribution("e6000000-0000-4000-8000-000000000003")
            #expect(row["link_method"] == "L1 key+arn+time")
            #expect(row["origin_type"] == "web_identity_user")
            #expect(row["origin_id"] == "repo:acme/payments-api:environment:production")
            #expect(row["origin_detail"] == "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com")
        }
    }

    @Test("E6 with usage from both runs: the shared session key is split by issued access key")
    func githubRunsBothActive() throws {
        try withHarness { h in
            var records = try AttributionHarness.example("E6")
            var second = try #require(records.last)
            second["eventID"] = "e6000000-0000-4000-8000-000000000004"
            var identity = try #require(second["userIdentity"] as? [String: Any])
            identity["accessKeyId"] = "ASIAEXAMPLEGHAKEY002"
            second["userIdentity"] = identity
            records.append(second)
            try h.ingest([h.write("e6b.json", records: records)])
            let run1 = try h.attribution("e6000000-0000-4000-8000-000000000003")
            let run2 = try h.attribution("e6000000-0000-4000-8000-000000000004")
            #expect(run1["origin_id"] == "repo:acme/payments-api:environment:production")
            #expect(run2["origin_id"] == "repo:acme/payments-api:pull_request")
            #expect(run1["session_key"] != run2["session_key"])
            #expect(run1["confidence"] == "exact")
            #expect(run2["confidence"] == "exact")

            // Every event of the shared session moved to the split ones: it is emptied, so the
            // stored counts still add up to the events (who answers from them).
            let totals = try h.rows("SELECT (SELECT coalesce(sum(events), 0) FROM sessions) AS stored, (SELECT count(*) FROM events WHERE session_id IS NOT NULL) AS actual")
            #expect(totals.first?["stored"] == totals.first?["actual"])
            let emptied = try h.rows("SELECT events, reason FROM sessions WHERE reason LIKE '%split from it by access key%'")
            #expect(emptied.count == 1 && emptied.first?["events"] == .integer(0))
            try Self.expectWhoPathsAgree(h)

            // Events that arrive without an attribution pass are counted all the same.
            var late = try #require(records.last)
            late["eventID"] = "e6000000-0000-4000-8000-000000000005"
            late["eventTime"] = "2026-11-20T10:30:00Z"
            var options = IngestOptions()
            options.attribute = false
            _ = try Ingester(databasePath: h.database, options: options).run(InputDiscovery.discover([h.write("late.json", records: [late])]))
            try Self.expectWhoPathsAgree(h)
        }
    }

    /// `who` from stored per-session counts (a time window alone) and from the events (any event
    /// filter) must give the same origins, sessions, counts and times.
    static func expectWhoPathsAgree(_ h: AttributionHarness) throws {
        let investigator = Investigator(database: try TrailDatabase.openForReading(h.database), now: 0)
        let columns = ["origin", "origin_type", "role", "sessions", "first_seen", "last_seen", "events", "errors"]
        func rows(_ filter: EventFilter) throws -> [[String?]] {
            let result = try investigator.who(role: "*", filter: filter).sections[0].result
            return result.rows.map { row in columns.map { result.index(of: $0).map { row[$0].textValue } ?? nil } }
                .sorted { "\($0)" < "\($1)" }
        }
        let fast = try rows(EventFilter())
        #expect(!fast.isEmpty)
        #expect(fast == (try rows(EventFilter(event: "*"))))
    }

    @Test("E6 without a usable key: ambiguous, with both candidates listed")
    func githubRunsAmbiguous() throws {
        try withHarness { h in
            var records = try AttributionHarness.example("E6")
            let last = records.popLast()
            var usage = try #require(last)
            var identity = try #require(usage["userIdentity"] as? [String: Any])
            identity["accessKeyId"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
            usage["userIdentity"] = identity
            records.append(usage)
            try h.ingest([h.write("e6c.json", records: records)])
            let row = try h.attribution("e6000000-0000-4000-8000-000000000003")
            #expect(row["confidence"] == "ambiguous")
            // Tie-broken by source IP continuity: the usage came from run 1's address.
            #expect(row["origin_id"] == "repo:acme/payments-api:environment:production")
            let session = try h.session(row["session_key"] ?? "")
            #expect(session["candidates"] == #"["e6000000-0000-4000-8000-000000000001","e6000000-0000-4000-8000-000000000002"]"#)
        }
    }

    @Test("E7: source identity set by an IAM user, chained across accounts")
    func sourceIdentityAcrossAccounts() throws {
        try withHarness { h in
            try h.ingest([h.write("e7.json", records: AttributionHarness.example("E7"))])
            let row = try h.attribution("e7000000-0000-4000-8000-000000000004")
            #expect(row["origin_type"] == "iam_user")
            #expect(row["origin_id"] == "arn:aws:iam::111122223333:user/bob")
            #expect(row["chain_depth"] == "2")
            #expect(row["chain"] == #"["arn:aws:iam::111122223333:role/JumpRole","arn:aws:iam::444455556666:role/ProdAdmin"]"#)
            #expect(row["source_identity"] == "bob")
            #expect(row["source_identity_status"] == "observed")
        }
    }

    @Test("E8: console user signs in with MFA, then switches role into Prod")
    func consoleSwitchRole() throws {
        try withHarness { h in
            try h.ingest([h.write("e8.json", records: AttributionHarness.example("E8"))])
            let console = try h.attribution("e8000000-0000-4000-8000-000000000002")
            #expect(console["session_key"] == "arn:aws:iam::111122223333:user/carol@2025-12-01T08:59:59Z")
            #expect(console["link_method"] == "L5 console login")
            #expect(console["mfa"] == "1")
            let switched = try h.attribution("e8000000-0000-4000-8000-000000000004")
            #expect(switched["link_method"] == "L6 switch role")
            #expect(switched["origin_type"] == "iam_user")
            #expect(switched["origin_id"] == "arn:aws:iam::111122223333:user/carol")
            #expect(switched["mfa_origin"] == "1")
            #expect(switched["confidence"] == "heuristic")
            let session = try h.session(switched["session_key"] ?? "")
            #expect(session["parent_session_key"] == "arn:aws:iam::111122223333:user/carol@2025-12-01T08:59:59Z")
        }
    }
}
