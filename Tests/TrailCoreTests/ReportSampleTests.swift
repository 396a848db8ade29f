import Foundation
import Testing
@testable import TrailCore

/// The reports over sample-logs (see sample-logs/README.md, "Findings"): what they find, who
/// they name, the coverage they state, and that they do not change when nothing changed.
@Suite("Report: sample-logs findings, coverage, determinism, role policies")
struct ReportSampleTests {
    static let alice = "arn:aws:iam::111122223333:user/alice"
    static let prodRoot = "arn:aws:iam::444455556666:root"
    static let prodAdmin = "arn:aws:iam::444455556666:role/ProdAdmin"

    @Test("the root console login without MFA is found, with root as its origin")
    func rootLogin() throws {
        let report = try ReportFixture.run()
        for id in ["hygiene-console-login-without-mfa", "cis-4.3", "hygiene-root-activity"] {
            let rows = try report.check(id).records
            #expect(rows.count == 1, "\(id)")
            #expect(rows.first?["event_id"] == "4455906a-b9d8-436c-a4d8-9c162e52481d", "\(id)")
            #expect(rows.first?["origin_type"] == "root", "\(id)")
            #expect(rows.first?["origin"] == Self.prodRoot, "\(id)")
            #expect(rows.first?["time"] == "2026-11-20T17:21:09Z", "\(id)")
        }
        // CIS 4.2 (v1.4+) is about IAM users: the root login is not its finding.
        #expect(try report.check("cis-4.2").count == 0)
    }

    @Test("the policy change and the security-group change are alice's, through ProdAdmin")
    func prodChanges() throws {
        let report = try ReportFixture.run()
        let policy = try #require(try report.check("cis-4.4").records.first)
        #expect(try report.check("cis-4.4").count == 1)
        #expect(policy["event"] == "iam:PutRolePolicy")
        #expect(policy["event_id"] == "2dcaf700-f6ae-4796-9e4e-1c6b9128b8bd")
        let group = try #require(try report.check("cis-4.10").records.first)
        #expect(try report.check("cis-4.10").count == 1)
        #expect(group["event"] == "ec2:AuthorizeSecurityGroupIngress")
        #expect(group["event_id"] == "33a6f6b4-4470-4172-bd95-a59267dc9af1")
        for row in [policy, group] {
            #expect(row["account"] == "444455556666")
            #expect(row["origin_type"] == "iam_user")
            #expect(row["origin"] == Self.alice)
            #expect(row["chain"] == Self.prodAdmin)
            #expect(row["session"] == "AROAVRN4K7QZ5TG9WY2BL:alice-prod@2026-11-20T10:05:27Z")
        }
    }

    @Test("the AccessDenied and UnauthorizedOperation errors, each with its origin")
    func accessDenied() throws {
        let rows = try ReportFixture.run(["cis-4.1"]).check("cis-4.1").records
        #expect(rows.map { $0["event_id"] ?? "" } == [
            "52185044-14c5-4ff3-a0a9-808613302ba3", "3aaa044a-e3c1-4465-b161-9b4b1a1e8a55",
            "417672a0-d8b7-45d1-a752-bd8b4af752c7", "aa2e7ea2-668f-4d81-b8b6-a595cb848abc",
        ])
        #expect(rows.map { $0["error"] ?? "" } == ["AccessDenied", "Client.UnauthorizedOperation", "AccessDenied", "AccessDenied"])
        #expect(rows.map { $0["origin"] ?? "" } == [Self.alice, Self.alice, Self.alice, "936482017355"])
        #expect(rows.map { $0["origin_type"] ?? "" } == ["iam_user", "iam_user", "iam_user", "external_account"])
        #expect(rows.map { $0["chain"] ?? "" } == ["", "", Self.prodAdmin, ""])
        #expect(rows[0]["resources"]?.contains("arn:aws:s3:::dev-finance-reports/payroll/2026-11.csv") == true)
    }

    @Test("coverage: the ledger's files, the window's events and their span, hours with logs per account and region")
    func coverage() throws {
        let report = try ReportFixture.run(["cis-4.1"])
        let c = report.coverage
        #expect(c.files.ingested == 15 && c.files.partial == 0 && c.files.failed == 0 && c.files.digests == 1)
        #expect(c.files.withEventsInWindow == 15)
        #expect(c.events == 31)
        #expect(c.firstEvent.map(Timestamp.format) == "2026-11-20T08:04:17Z")
        #expect(c.lastEvent.map(Timestamp.format) == "2026-11-20T17:21:09Z")
        #expect(c.hourCount == 24)
        #expect(c.streams.map { "\($0.account) \($0.region) \($0.events)" } == ["111122223333 us-east-1 6", "444455556666 us-east-1 25"])
        #expect(c.streams[1].loggedHours.map { Timestamp.format($0) } == [
            "2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z",
            "2026-11-20T14:00:00Z", "2026-11-20T17:00:00Z",
        ])
        #expect(report.windowText == "2026-11-20T00:00:00Z .. 2026-11-21T00:00:00Z")
    }

    @Test("--account and the window narrow every check and the coverage")
    func accountAndWindow() throws {
        let dev = try ReportFixture.run(account: "111122223333")
        #expect(try dev.check("cis-4.1").values("account") == ["111122223333", "111122223333"])
        #expect(try dev.check("cis-4.4").count == 0)
        #expect(dev.coverage.events == 6)
        #expect(dev.coverage.streams.map(\.account) == ["111122223333"])
        // log-coverage: only Dev's silent hours, and none outside the window.
        #expect(try dev.check("log-coverage").values("account").allSatisfy { $0 == "111122223333" })

        let morning = try ReportFixture.run(window: ReportWindow(from: Timestamp.parse("2026-11-20T10:10:00Z"), to: Timestamp.parse("2026-11-20T10:15:00Z")))
        #expect(try morning.check("cis-4.1").count == 0)
        #expect(try morning.check("cis-4.4").count == 1)
        #expect(try morning.check("cis-4.10").count == 1)
        #expect(try morning.check("cis-4.3").count == 0)
        #expect(morning.coverage.events < 31)

        let empty = try ReportFixture.run(window: ReportWindow(from: Timestamp.parse("2020-01-01"), to: Timestamp.parse("2020-01-02")))
        #expect(!empty.hasFindings)
        #expect(empty.coverage.events == 0 && empty.coverage.streams.isEmpty)
    }

    @Test("aggregate checks count and list only what happened in the window")
    func aggregatesInWindow() throws {
        let morning = ReportWindow(from: Timestamp.parse("2026-11-20T10:10:00Z"), to: Timestamp.parse("2026-11-20T10:15:00Z"))
        let roles = try ReportFixture.run(["cross-account-roles"], window: morning).check("cross-account-roles").records
        #expect(roles.count == 1)
        #expect(roles.first?["actions"] == "ec2:AuthorizeSecurityGroupIngress iam:PutRolePolicy")
        #expect(roles.first?["events"] == "2")

        try withHarness { h in
            let key = "AKIAEXAMPLEDAVE00001"
            let dave = Rec.iamUser("dave", key: key, account: Rec.prod)
            var records: [[String: Any]] = []
            for (n, ip) in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"].enumerated() {
                var r = Rec.call("ip-\(n)", "2026-11-20T1\(n):00:00Z", dave)
                r["sourceIPAddress"] = ip
                records.append(r)
            }
            try h.ingest([h.write("dave.json", records: records)])
            // 10:00 to 13:00 holds three of the four addresses.
            let window = ReportWindow(from: Timestamp.parse("2026-11-20T10:00:00Z"), to: Timestamp.parse("2026-11-20T13:00:00Z"))
            let keys = try ReportFixture.run(["hygiene-keys-many-ips", "hygiene-long-term-keys"], database: h.database, window: window)
            let row = try #require(try keys.check("hygiene-keys-many-ips").records.first)
            #expect(row["addresses"] == "192.0.2.1 192.0.2.2 192.0.2.3")
            #expect(row["source_ips"] == "3")
            let longTerm = try #require(try keys.check("hygiene-long-term-keys").records.first)
            #expect(longTerm["keys"] == key && longTerm["long_term_events"] == "3" && longTerm["accounts"] == Rec.prod)
        }
    }

    @Test("log-coverage places a failed file by the time and account in its name, not by when it was ingested")
    func failedFiles() throws {
        try withHarness { h in
            let logs = h.directory.appendingPathComponent("logs/AWSLogs/444455556666/CloudTrail/eu-west-1/2026/11/20")
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            try Data("{\"Records\":[{\"eventID\":".utf8).write(to: logs.appendingPathComponent("444455556666_CloudTrail_eu-west-1_20261120T1305Z_Broken0000000001.json"))
            try Data("not json".utf8).write(to: h.directory.appendingPathComponent("logs/odd-name.json"))
            try h.write("one.json", records: [CISRec.call("one", 1, "s3.amazonaws.com", "ListBuckets")])
            try h.ingest([h.directory.appendingPathComponent("logs").path])
            func failures(_ window: ReportWindow, account: String? = nil) throws -> [[String?]] {
                let check = try ReportFixture.run(["log-coverage"], database: h.database, window: window, account: account).check("log-coverage")
                return check.result.rows.indices.compactMap { i in
                    let row = check.result.record(i)
                    guard row["file"]?.textValue != nil else { return nil }
                    return [row["hour"]?.textValue, row["account"]?.textValue, row["region"]?.textValue,
                            row["file"]?.textValue.map { URL(fileURLWithPath: $0).lastPathComponent }]
                }
            }
            let day = try failures(ReportFixture.sampleDay)
            #expect(day == [[nil, nil, nil, "odd-name.json"],
                            ["2026-11-20T13:00:00Z", "444455556666", "eu-west-1", "444455556666_CloudTrail_eu-west-1_20261120T1305Z_Broken0000000001.json"]])
            // Outside its hour, or for another account, the named file is not listed; the unnamed one always is.
            let earlier = ReportWindow(from: Timestamp.parse("2026-11-20T00:00:00Z"), to: Timestamp.parse("2026-11-20T12:00:00Z"))
            #expect(try failures(earlier).map { $0[3] } == ["odd-name.json"])
            #expect(try failures(ReportFixture.sampleDay, account: "111122223333").map { $0[3] } == ["odd-name.json"])
            let report = try ReportFixture.run(["log-coverage"], database: h.database)
            #expect(report.coverage.files.failed == 2)
        }
    }

    @Test("the same database and window give the same bytes in every format; ingesting the same logs again changes nothing")
    func deterministic() throws {
        try withHarness { h in
            try h.ingest([ReportFixture.sampleLogs])
            func renders() throws -> [String] {
                let report = try ReportFixture.run(database: h.database)
                return ReportFormat.allCases.map { $0.render(report) }
            }
            let first = try renders()
            #expect(try renders() == first)
            // Again from the same paths: every file is unchanged and skipped.
            try h.ingest([ReportFixture.sampleLogs])
            #expect(try renders() == first)
            // And from a copy elsewhere: the same bytes under other paths are duplicates.
            let copy = h.directory.appendingPathComponent("copy")
            try FileManager.default.copyItem(atPath: ReportFixture.sampleLogs, toPath: copy.path)
            let summary = try h.ingest([copy.path])
            #expect(summary.eventsNew == 0)
            #expect(try renders() == first)
            // A database built separately from the same files reports the same.
            let other = try ReportFixture.run(database: ReportFixture.sampleDatabase)
            #expect(ReportFormat.allCases.map { $0.render(other) } == first)
        }
    }

    @Test("the Lambda role's policy: exactly the four actions it used, on its table and queue")
    func lambdaPolicy() throws {
        let db = try TrailDatabase.openForReading(ReportFixture.sampleDatabase)
        let report = try RolePolicyReport.build(db, role: "order-processor-role", window: ReportWindow(), byOrigin: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.text.utf8)) as? [String: Any])
        #expect(object["Version"] as? String == "2012-10-17")
        let statements = try #require(object["Statement"] as? [[String: Any]])
        let actions = statements.flatMap { s -> [String] in (s["Action"] as? [String]) ?? [(s["Action"] as? String) ?? ""] }.sorted()
        #expect(actions == ["dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"])
        let resources = statements.flatMap { s -> [String] in (s["Resource"] as? [String]) ?? [(s["Resource"] as? String) ?? ""] }
        #expect(resources.contains { $0.hasSuffix(":table/orders") })
        #expect(resources.contains { $0.hasSuffix(":order-events") })
        #expect(report.deniedLines.isEmpty)
    }

    @Test("--by-origin: ProdAdmin's policy is alice's; denials are listed apart, in the JSON too")
    func byOrigin() throws {
        let db = try TrailDatabase.openForReading(ReportFixture.sampleDatabase)
        let report = try RolePolicyReport.build(db, role: "ProdAdmin", window: ReportWindow(), byOrigin: true)
        #expect(report.entries.count == 1)
        #expect(report.entries.first?.origin?.type == "iam_user")
        #expect(report.entries.first?.origin?.id == Self.alice)
        #expect(report.text.hasPrefix("# origin: iam_user \(Self.alice) (5 events)\n{"))
        #expect(report.deniedLines == ["denied: iam:CreateUser (origin iam_user \(Self.alice)), not granted by the policy"])
        let wrapper = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        let policies = try #require(wrapper["policies"] as? [[String: Any]])
        #expect(policies.first?["denied"] as? [String] == ["iam:CreateUser"])
        #expect((policies.first?["origin"] as? [String: Any])?["id"] as? String == Self.alice)
        #expect((policies.first?["policy"] as? [String: Any])?["Version"] as? String == "2012-10-17")
    }

    @Test("--by-origin also splits off sessions whose origin is unknown (they were left with an empty policy)")
    func byOriginUnknown() throws {
        try withHarness { h in
            // A role session whose AssumeRole is not in the logs: origin unknown, no origin id.
            let session = Rec.roleSession(role: "Orphan", roleID: "AROAEXAMPLEORPHAN001", session: "batch", key: "ASIAEXAMPLEORPHAN001",
                                          created: "2026-11-20T09:00:00Z")
            try h.ingest([h.write("orphan.json", records: [
                Rec.call("orphan-1", "2026-11-20T09:01:00Z", session, name: "GetItem", source: "dynamodb.amazonaws.com"),
            ])])
            let db = try TrailDatabase.openForReading(h.database)
            let report = try RolePolicyReport.build(db, role: "Orphan", window: ReportWindow(), byOrigin: true)
            #expect(report.entries.map { $0.origin?.type } == ["unknown"])
            #expect(report.entries.first?.policy.statements.flatMap(\.actions) == ["dynamodb:GetItem"])
        }
    }

    @Test("a role with no sessions in the window is NotFound (exit 5)")
    func policyNotFound() throws {
        let db = try TrailDatabase.openForReading(ReportFixture.sampleDatabase)
        #expect(throws: NotFound.self) {
            try RolePolicyReport.build(db, role: "NoSuchRole", window: ReportWindow(), byOrigin: false)
        }
        let error = try #require(throws: NotFound.self) {
            try RolePolicyReport.build(db, role: "order-processor-role", window: ReportFixture.sampleDay.shifted(days: -30), byOrigin: false)
        }
        #expect(error.exitStatus == .notFound)
        #expect(error.description.contains("no sessions with events in the window"))
    }
}

extension ReportWindow {
    func shifted(days: Int64) -> ReportWindow {
        ReportWindow(from: from.map { $0 + days * 86_400 }, to: to.map { $0 + days * 86_400 })
    }
}
