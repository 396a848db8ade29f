import Foundation
import Testing
@testable import TrailCore

@Suite("Investigate: who, did, session, key, explain")
struct InvestigateTests {
    static let alice = "arn:aws:iam::111122223333:user/alice"

    @Test("who: the origins behind a role, with chains and a note on failed attempts")
    func who() throws {
        let investigator = try QueryFixture.investigator()
        let report = try investigator.who(role: "ProdAdmin", filter: EventFilter())
        #expect(report.sections.count == 1)
        #expect(report.sections[0].result.project("origin", "origin_type", "role", "sessions", "first_seen", "last_seen", "events", "errors", "chains")
            == [[Self.alice, "iam_user", "arn:aws:iam::444455556666:role/ProdAdmin", "1", "2026-11-20T10:06:00Z", "2026-11-20T10:14:00Z", "4", "1", "444455556666:ProdAdmin"]])
        #expect(report.notes.count == 1 && report.notes[0].contains("1 failed AssumeRole call"))

        let byARN = try investigator.who(role: "arn:aws:iam::444455556666:role/app/WebAppInstanceRole", filter: EventFilter())
        #expect(byARN.sections[0].result.project("origin", "events", "chains") == [["ec2.amazonaws.com (i-0a1b2c3d4e5f67890)", "3", "444455556666:app/WebAppInstanceRole"]])
        #expect(byARN.notes.isEmpty)
        let lambda = try investigator.who(role: "order-processor-*", filter: EventFilter())
        #expect(lambda.sections[0].result.column("origin") == ["lambda.amazonaws.com (order-processor)"])

        let none = try investigator.who(role: "NoSuchRole", filter: EventFilter())
        #expect(none.sections[0].result.isEmpty)
        #expect(none.notes == ["no session of a role matching 'NoSuchRole' in the database"])
        let filtered = try investigator.who(role: "ProdAdmin", filter: EventFilter(service: "sts.amazonaws.com"))
        #expect(filtered.sections[0].result.project("events") == [["1"]])
    }

    @Test("who and who-assumed-role: per-session counts in a time window equal counting the events")
    func whoWindowFromSessionCounts() throws {
        let investigator = try QueryFixture.investigator()
        // The ProdAdmin session runs 10:06–10:14 (4 events); windows inside, around and across it.
        let windows: [(Int64?, Int64?)] = [
            (nil, nil), (Timestamp.parse("2026-11-20T10:00:00Z"), nil), (nil, Timestamp.parse("2026-11-20T10:10:00Z")),
            (Timestamp.parse("2026-11-20T10:10:00Z"), Timestamp.parse("2026-11-20T10:14:00Z")),
            (Timestamp.parse("2026-11-20T10:06:00Z"), Timestamp.parse("2026-11-20T10:14:01Z")),
            (Timestamp.parse("2026-11-21T00:00:00Z"), nil),
        ]
        var sawPartial = false
        for (since, until) in windows {
            for role in ["ProdAdmin", "*", "order-processor-*", "webappinstancerole"] {
                // A window alone takes the session-count path; any event filter (here one that
                // matches every event) counts the events themselves.
                let fast = try investigator.who(role: role, filter: EventFilter(since: since, until: until))
                let slow = try investigator.who(role: role, filter: EventFilter(since: since, until: until, event: "*"))
                let columns = ["origin", "origin_type", "role", "sessions", "first_seen", "last_seen", "events", "errors"]
                let a = fast.sections[0].result.rows.map { row in columns.map { fast.sections[0].result.index(of: $0).map { row[$0].textValue } ?? nil } }
                let b = slow.sections[0].result.rows.map { row in columns.map { slow.sections[0].result.index(of: $0).map { row[$0].textValue } ?? nil } }
                #expect(a.sorted { "\($0)" < "\($1)" } == b.sorted { "\($0)" < "\($1)" }, "role \(role) window \(String(describing: since))–\(String(describing: until))")
                if role == "ProdAdmin", since == Timestamp.parse("2026-11-20T10:10:00Z") {
                    let events = fast.sections[0].result.project("events").first?.first ?? nil
                    #expect(events != nil && events != "4", "a window cutting the session counts only its events inside")
                    sawPartial = true
                }
                var arguments = ["role": role]
                if let since { arguments["since"] = Timestamp.format(since) }
                if let until { arguments["until"] = Timestamp.format(until) }
                let named = try QueryFixture.run("who-assumed-role", arguments)
                #expect(named.project("origin_type", "sessions", "events", "errors", "first_seen", "last_seen").sorted { "\($0)" < "\($1)" }
                        == slow.sections[0].result.project("origin_type", "sessions", "events", "errors", "first_seen", "last_seen").sorted { "\($0)" < "\($1)" })
            }
        }
        #expect(sawPartial)
        // Role names match whatever their case, through the NOCASE index.
        #expect(try investigator.who(role: "prodadmin", filter: EventFilter()).sections[0].result.rows.count == 1)
    }

    @Test("did: direct and chained activity of a user, an instance, a function, a service")
    func did() throws {
        let investigator = try QueryFixture.investigator()
        let alice = try investigator.did(identity: "alice", filter: EventFilter()).sections[0].result
        #expect(alice.columns == ["time", "account", "origin", "chain", "event", "resources", "error", "event_id"])
        #expect(alice.rows.count == 13)
        #expect(alice.project("time", "account", "chain", "event", "resources", "error", "event_id")[8]
            == ["2026-11-20T10:12:00Z", "444455556666", "444455556666:ProdAdmin > 444455556666:AuditReader", "s3:GetObject",
                "arn:aws:s3:::prod-audit-logs/2026/11/report.csv, arn:aws:s3:::prod-audit-logs", nil, "q-prod-005"])
        #expect(Set(alice.column("origin")) == [Self.alice])
        #expect(try investigator.did(identity: Self.alice, filter: EventFilter()).sections[0].result == alice)
        #expect(try investigator.did(identity: "ALICE", filter: EventFilter()).sections[0].result == alice)
        #expect(try investigator.did(identity: "arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod", filter: EventFilter())
            .sections[0].result.column("event_id") == ["q-prod-002", "q-prod-003", "q-prod-004", "q-prod-017"])

        let instance = try investigator.did(identity: "i-0a1b2c3d4e5f67890", filter: EventFilter()).sections[0].result
        #expect(instance.project("origin", "chain", "event", "event_id") == [
            ["ec2.amazonaws.com (i-0a1b2c3d4e5f67890)", "444455556666:app/WebAppInstanceRole", "s3:GetObject", "q-prod-009"],
            ["ec2.amazonaws.com (i-0a1b2c3d4e5f67890)", "444455556666:app/WebAppInstanceRole", "s3:GetObject", "q-prod-010"],
            ["ec2.amazonaws.com (i-0a1b2c3d4e5f67890)", "444455556666:app/WebAppInstanceRole", "s3:GetObject", "q-prod-016"],
        ])
        let function = try investigator.did(identity: "order-processor", filter: EventFilter()).sections[0].result
        #expect(function.project("event", "resources") == [
            ["dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:444455556666:table/orders"],
            ["sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:order-events"],
        ])
        #expect(try investigator.did(identity: "lambda.amazonaws.com", filter: EventFilter()).sections[0].result.column("event_id") == ["q-prod-011", "q-prod-012", "q-prod-013"])
        #expect(try investigator.did(identity: "936482017355", filter: EventFilter()).sections[0].result.column("event_id") == ["q-prod-007"])
        #expect(try investigator.did(identity: "*:root", filter: EventFilter()).sections[0].result.column("event_id") == ["q-prod-014"])

        let nobody = try investigator.did(identity: "mallory", filter: EventFilter())
        #expect(nobody.sections[0].result.isEmpty && nobody.notes == ["no identity matching 'mallory' in the database"])
        let injected = try investigator.did(identity: "x' OR 1=1 --", filter: EventFilter())
        #expect(injected.sections[0].result.isEmpty)
    }

    @Test("did and identity-activity match names on the sessions_identity index, not the sessions' wide rows")
    func identityMatchReadsTheIndex() throws {
        let db = try QueryFixture.open()
        func plan(_ sql: String) throws -> [String] {
            try db.rows("EXPLAIN QUERY PLAN " + sql).compactMap { $0.last?.textValue }
        }
        let did = try plan("SELECT s.chain FROM \(InvestigationSQL.matchingSessions)")
        #expect(did.contains { $0.hasSuffix("COVERING INDEX sessions_identity") }, "\(did)")
        #expect(!did.contains { $0.hasPrefix("SCAN s") && !$0.contains("INDEX") }, "\(did)")
        let activity = try plan(try QueryFixture.builtIn.query(named: "identity-activity").sql)
        #expect(activity.contains { $0.hasSuffix("COVERING INDEX sessions_identity") }, "\(activity)")
        #expect(!activity.contains { $0.hasPrefix("SCAN s") && !$0.contains("INDEX") }, "\(activity)")
    }

    @Test("session: summary, chain back to the origin with the evidence per hop, events")
    func session() throws {
        let investigator = try QueryFixture.investigator()
        let report = try investigator.session("alice-audit", filter: EventFilter())
        #expect(report.sections.map(\.title) == ["session", "chain", "events"])
        #expect(report.notes.isEmpty)
        let summary = report.sections[0].result.record(0)
        #expect(summary["kind"] == .text("role"))
        #expect(summary["session_arn"] == .text("arn:aws:sts::444455556666:assumed-role/AuditReader/alice-audit"))
        #expect(summary["origin"] == .text(Self.alice))
        #expect(summary["chain"] == .text("444455556666:ProdAdmin > 444455556666:AuditReader"))
        #expect(summary["chain_depth"] == .integer(2))
        #expect(summary["source_identity"] == .text("alice"))

        let chain = report.sections[1].result
        #expect(chain.columns == Investigator.chainColumns)
        #expect(chain.project("hop", "kind", "identity", "linked_by", "confidence", "evidence_event_id") == [
            ["1", "role", "arn:aws:sts::444455556666:assumed-role/AuditReader/alice-audit", "L1 key+arn+time", "exact", "q-prod-004"],
            ["2", "role", "arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod", "L1 key+arn+time", "exact", "q-dev-003"],
            ["3", "long_term_key", Self.alice, "identity", "exact", nil],
            ["4", "origin: iam_user", Self.alice, nil, "exact", nil],
        ])
        #expect(chain.column("evidence")[0] == "AssumeRole at 2026-11-20T10:10:00Z in 444455556666 by arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod")
        #expect(chain.column("evidence")[1] == "AssumeRole at 2026-11-20T10:05:00Z in 111122223333 by \(Self.alice)")
        #expect(report.sections[2].result.project("event", "access_key", "error", "event_id") == [
            ["s3:GetObject", "ASIAFIXTUREAUDITR001", nil, "q-prod-005"], ["s3:PutObject", "ASIAFIXTUREAUDITR001", "AccessDenied", "q-prod-006"],
        ])

        // The same session by access key, by session ARN, and by session key.
        let key = try investigator.session("ASIAFIXTUREAUDITR001", filter: EventFilter())
        let arn = try investigator.session("arn:aws:sts::444455556666:assumed-role/AuditReader/alice-audit", filter: EventFilter())
        let sessionKey = try #require(summary["session_key"]?.textValue)
        let byKey = try investigator.session(sessionKey, filter: EventFilter())
        #expect(key == report && arn == report && byKey == report)
        // Filters narrow the events only.
        let filtered = try investigator.session("alice-audit", filter: EventFilter(errorsOnly: true))
        #expect(filtered.sections[2].result.column("event_id") == ["q-prod-006"] && filtered.sections[1].result == chain)
    }

    @Test("session: heuristic and unresolved chains say why; several matches pick the latest with a note")
    func sessionEdges() throws {
        let investigator = try QueryFixture.investigator()
        let batch = try investigator.session("nightly-batch", filter: EventFilter()).sections[1].result
        #expect(batch.project("hop", "kind", "confidence") == [["1", "role", "none"], ["2", "origin: unknown", "none"]])
        #expect(batch.column("reason")[0]?.contains("no AssumeRole for arn:aws:sts::444455556666:assumed-role/BatchJobRole/nightly-batch") == true)

        let several = try investigator.session("arn:aws:iam::444455556666:role/*", filter: EventFilter())
        #expect(several.notes.first?.hasPrefix("5 sessions match 'arn:aws:iam::444455556666:role/*' by ARN; showing the latest") == true)
        #expect(several.notes.count == 5)
        #expect(several.sections[0].result.record(0)["session_name"] == .text("order-processor"))
        #expect(throws: NotFound.self) { try investigator.session("no-such-session", filter: EventFilter()) }
        #expect(throws: NotFound.self) { try investigator.session("ASIAFIXTURENOTUSED01", filter: EventFilter()) }
    }

    @Test("key: a long-term key's owner and use; a temporary key's issuing call and session")
    func key() throws {
        let investigator = try QueryFixture.investigator()
        let akia = try investigator.key("AKIAFIXTUREALICE0001", filter: EventFilter())
        #expect(akia.sections.map(\.title) == ["key", "sessions", "events"])
        let summary = akia.sections[0].result.record(0)
        #expect(summary["type"]?.textValue?.hasPrefix("long-term (AKIA)") == true)
        #expect(summary["belongs_to"] == .text(Self.alice))
        #expect(summary["origin"] == .text(Self.alice))
        #expect(summary["events"] == .integer(6) && summary["errors"] == .integer(3) && summary["sessions"] == .integer(1))
        #expect(summary["first_used"] == .text("2026-11-20T10:01:00Z") && summary["last_used"] == .text("2026-11-20T10:35:00Z"))
        #expect(summary["issued_by"] == .null)
        #expect(akia.sections[2].result.column("event_id") == ["q-dev-001", "q-dev-002", "q-dev-003", "q-dev-004", "q-dev-005", "q-dev-006"])
        #expect(try investigator.key("AKIAFIXTUREALICE0001", filter: EventFilter(errorsOnly: true)).sections[2].result.column("event_id") == ["q-dev-002", "q-dev-004", "q-dev-006"])

        let asia = try investigator.key("ASIAFIXTUREPRODADM01", filter: EventFilter())
        let temporary = asia.sections[0].result.record(0)
        #expect(temporary["type"]?.textValue?.hasPrefix("temporary (ASIA)") == true)
        #expect(temporary["belongs_to"] == .text("arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod"))
        #expect(temporary["origin"] == .text(Self.alice))
        #expect(temporary["issued_by"]?.textValue?.contains("q-dev-003 (sts:AssumeRole at 2026-11-20T10:05:00Z by \(Self.alice))") == true)
        #expect(temporary["issued_by"]?.textValue?.contains("q-prod-001") == true)
        #expect(asia.sections[1].result.project("kind", "chain", "issuing_event_id", "linked_by") == [["role", "444455556666:ProdAdmin", "q-dev-003", "L1 key+arn+time"]])
        #expect(asia.sections[2].result.column("event_id") == ["q-prod-002", "q-prod-003", "q-prod-004", "q-prod-017"])

        #expect(throws: NotFound.self) { try investigator.key("AKIAFIXTURENOBODY001", filter: EventFilter()) }
        #expect(throws: NotFound.self) { try investigator.key("x' OR 1=1 --", filter: EventFilter()) }
    }

    @Test("explain: a chained event, with the evidence for every link")
    func explainChained() throws {
        let report = try QueryFixture.investigator().explain(eventID: "q-prod-006")
        #expect(report.sections.map(\.title) == ["event", "attribution", "links"])
        let event = report.sections[0].result.record(0)
        #expect(event["event"] == .text("s3:PutObject") && event["error_code"] == .text("AccessDenied"))
        #expect(event["actor_arn"] == .text("arn:aws:sts::444455556666:assumed-role/AuditReader/alice-audit"))
        #expect(event["resources"] == .text("arn:aws:s3:::prod-audit-logs/2026/11/tampered.csv, arn:aws:s3:::prod-audit-logs"))
        let attribution = report.sections[1].result.record(0)
        #expect(attribution["origin"] == .text(Self.alice) && attribution["origin_type"] == .text("iam_user"))
        #expect(attribution["chain"] == .text("444455556666:ProdAdmin > 444455556666:AuditReader"))
        #expect(attribution["confidence"] == .text("exact") && attribution["source_identity"] == .text("alice"))
        #expect(report.sections[2].result.project("hop", "kind", "linked_by", "evidence_event_id") == [
            ["1", "role", "L1 key+arn+time", "q-prod-004"], ["2", "role", "L1 key+arn+time", "q-dev-003"],
            ["3", "long_term_key", "identity", nil], ["4", "origin: iam_user", nil, nil],
        ])
    }

    @Test("explain: the role owner's copy shows how it was re-pointed to the caller's session")
    func explainRepointed() throws {
        let report = try QueryFixture.investigator().explain(eventID: "q-prod-001")
        let links = report.sections[2].result
        #expect(links.project("hop", "kind", "linked_by", "evidence_event_id") == [
            ["0", "event link", "shared_event_id", "q-dev-003"], ["1", "long_term_key", "identity", nil], ["2", "origin: iam_user", nil, nil],
        ])
        #expect(links.column("session_key")[0]?.hasPrefix("acct:111122223333/") == true)
        #expect(links.column("evidence")[0] == "AssumeRole at 2026-11-20T10:05:00Z in 111122223333 by \(Self.alice)")
        #expect(links.column("reason")[0]?.contains("same sharedEventID") == true)
        #expect(report.sections[1].result.record(0)["origin"] == .text(Self.alice))
    }

    @Test("explain: unresolved and unknown events")
    func explainEdges() throws {
        let investigator = try QueryFixture.investigator()
        let batch = try investigator.explain(eventID: "q-prod-015").sections[1].result.record(0)
        #expect(batch["origin_type"] == .text("unknown") && batch["confidence"] == .text("none"))
        #expect(batch["reason"]?.textValue?.contains("no AssumeRole") == true)
        #expect {
            _ = try investigator.explain(eventID: "no-such-event")
        } throws: { error in
            (error as? NotFound)?.exitStatus == .notFound
        }
    }
}
