import Foundation
import Testing
@testable import TrailCore

/// `trail report` and `trail policy` as a user runs them: the real binary, its exit codes, its
/// files. The database is the sample-logs one, built once.
@Suite("Report: the trail report and trail policy commands")
struct ReportCLITests {
    static var db: String { ReportFixture.sampleDatabase }
    static let day = ["--from", "2026-11-20", "--to", "2026-11-21"]

    @Test("--fail-on-findings: 1 with findings, 0 without; without the flag findings exit 0")
    func failOnFindings() throws {
        let found = try QueryCLI.run(["report", "--all", "--db", Self.db, "--fail-on-findings"] + Self.day)
        #expect(found.status == 1, "\(found.stderr)")
        #expect(found.stdout.hasPrefix(ComplianceReport.title))
        let quiet = try QueryCLI.run(["report", "--all", "--db", Self.db, "--fail-on-findings", "--from", "2020-01-01", "--to", "2020-01-02"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let clean = try QueryCLI.run(["report", "cis-4.5", "cis-4.7", "--db", Self.db, "--fail-on-findings"] + Self.day)
        #expect(clean.status == 0, "\(clean.stderr)")
        let plain = try QueryCLI.run(["report", "--all", "--db", Self.db] + Self.day)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == found.stdout)
    }

    @Test("errors: 3 for a missing database, 4 for an unknown report or a bad time, 64 for no selection")
    func errors() throws {
        let missing = try QueryCLI.run(["report", "--all", "--db", "/nonexistent/trail.db"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("no trail database"))
        let unknown = try QueryCLI.run(["report", "cis-4.99", "--db", Self.db])
        #expect(unknown.status == 4)
        #expect(unknown.stderr.contains("no report 'cis-4.99'"))
        let notReport = try QueryCLI.run(["report", "who-assumed-role", "--db", Self.db])
        #expect(notReport.status == 4)
        #expect(notReport.stderr.contains("is not a report"))
        let badTime = try QueryCLI.run(["report", "--all", "--db", Self.db, "--since", "yesterday"])
        #expect(badTime.status == 4)
        #expect(badTime.stderr.contains("--since"))
        let backwards = try QueryCLI.run(["report", "--all", "--db", Self.db, "--from", "2026-11-21", "--to", "2026-11-20"])
        #expect(backwards.status == 4)
        let nothing = try QueryCLI.run(["report", "--db", Self.db])
        #expect(nothing.status == 64)
        // With --fail-on-findings an error keeps its own code, never 1.
        #expect(try QueryCLI.run(["report", "--all", "--db", "/nonexistent/trail.db", "--fail-on-findings"]).status == 3)
    }

    @Test("-o writes the file atomically, the same bytes as stdout, and leaves no temporary file")
    func outputFile() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let target = scratch.url.appendingPathComponent("report.html").path
        try Data("old report".utf8).write(to: URL(fileURLWithPath: target))
        let written = try QueryCLI.run(["report", "--all", "--db", Self.db, "--format", "html", "-o", target, "--fail-on-findings"] + Self.day)
        #expect(written.status == 1)
        #expect(written.stdout.isEmpty)
        #expect(written.stderr.isEmpty, "a cron job's report run is silent: \(written.stderr)")
        let stdout = try QueryCLI.run(["report", "--all", "--db", Self.db, "--format", "html"] + Self.day)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == stdout.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["report.html"])
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect(((attributes[.posixPermissions] as? Int) ?? 0) & 0o044 != 0, "the report is readable by others as umask allows")
        // An unwritable place: exit 4, the reason named, and nothing left behind.
        let bad = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", scratch.url.appendingPathComponent("no/such/dir/r.txt").path])
        #expect(bad.status == 4)
        #expect(bad.stderr.contains("cannot write"))
    }

    @Test("every format from the command line parses; --list shows id, title and severity")
    func formatsAndList() throws {
        let json = try QueryCLI.run(["report", "cis-4.1", "cis-4.4", "--db", Self.db, "--format", "json"] + Self.day)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["checks"] as? [[String: Any]])?.map { $0["id"] as? String ?? "" } == ["cis-4.1", "cis-4.4"])
        let csv = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "--format", "csv"] + Self.day)
        #expect(try RFC4180.parse(csv.stdout).count == 5)
        let markdown = try QueryCLI.run(["report", "cis-4-1-unauthorized-api-calls", "--db", Self.db, "--format", "markdown"] + Self.day)
        #expect(markdown.stdout.hasPrefix("# \(ComplianceReport.title)"))
        let list = try QueryCLI.run(["report", "--list"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("id ") == true && lines.first?.contains("title") == true && lines.first?.contains("severity") == true)
        #expect(lines.contains { $0.hasPrefix("cis-4.3 ") && $0.contains("Root account usage") && $0.contains("high") })
        #expect(lines.count == 2 + ReportFixture.catalog.reports.count)
        let listJSON = try QueryCLI.run(["report", "--list", "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])?.count == ReportFixture.catalog.reports.count)
    }

    @Test("a user's check from --queries or $TRAIL_QUERIES is listed and run like a built-in one")
    func userCheck() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        try scratch.write("s3-reads.sql", """
            -- name: s3-reads
            -- description: Object reads
            -- report: my-s3-reads
            -- title: S3 object reads
            -- severity: low
            -- param: since time optional
            -- param: until time optional
            -- param: account text optional
            SELECT time, account, event, resources, origin, chain, session, event_id FROM event_findings
            WHERE event_name = 'GetObject' AND error_code IS NULL
              AND (:since IS NULL OR event_ts >= :since) AND (:until IS NULL OR event_ts < :until)
              AND (:account IS NULL OR account = :account)
            ORDER BY event_ts, event_id
            """)
        let list = try QueryCLI.run(["report", "--list", "--queries", scratch.path])
        #expect(list.stdout.contains("my-s3-reads"))
        let run = try QueryCLI.run(["report", "my-s3-reads", "--db", Self.db, "--format", "json"] + Self.day, environment: ["TRAIL_QUERIES": scratch.path])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let check = try #require((object["checks"] as? [[String: Any]])?.first)
        #expect(check["severity"] as? String == "low")
        #expect(check["count"] as? Int == 7)
        // --min-severity leaves it out of --all.
        let high = try QueryCLI.run(["report", "--all", "--min-severity", "high", "--queries", scratch.path, "--db", Self.db, "--format", "json"] + Self.day)
        let ids = ((try JSONSerialization.jsonObject(with: Data(high.stdout.utf8)) as? [String: Any])?["checks"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["cis-4.2", "cis-4.3", "cis-4.5", "cis-4.7", "cis-4.15", "hygiene-console-login-without-mfa", "hygiene-root-activity"])
    }

    @Test("--since DURATION ends the window now; the window printed is the one asked for")
    func relativeWindow() throws {
        let result = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "--since", "24h", "--format", "json"])
        #expect(result.status == 0)
        let window = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["window"] as? [String: Any])
        let from = try #require((window["from"] as? String).flatMap(Timestamp.parse))
        let to = try #require((window["to"] as? String).flatMap(Timestamp.parse))
        #expect(to - from == 86_400)
        #expect(abs(to - Int64(Date().timeIntervalSince1970)) < 600)
        let open = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "--from", "2026-11-20", "--format", "json"])
        let openWindow = (try JSONSerialization.jsonObject(with: Data(open.stdout.utf8)) as? [String: Any])?["window"] as? [String: Any]
        #expect(openWindow?["to"] is NSNull)
    }

    @Test("trail policy: the Lambda role's document (text), the wrapper (json), by origin, exit 5 for no sessions")
    func policyCommand() throws {
        let text = try QueryCLI.run(["policy", "order-processor-role", "--db", Self.db])
        #expect(text.status == 0, "\(text.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.stdout.utf8)) as? [String: Any])
        #expect(document["Version"] as? String == "2012-10-17")
        let statements = try #require(document["Statement"] as? [[String: Any]])
        let actions = statements.flatMap { s -> [String] in (s["Action"] as? [String]) ?? [(s["Action"] as? String) ?? ""] }.sorted()
        #expect(actions == ["dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"])
        #expect(text.stderr.isEmpty)

        let admin = try QueryCLI.run(["policy", "ProdAdmin", "--db", Self.db])
        #expect(admin.status == 0)
        #expect(admin.stderr.contains("denied: iam:CreateUser"))
        let json = try QueryCLI.run(["policy", "ProdAdmin", "--by-origin", "--format", "json", "--db", Self.db])
        let wrapper = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let policies = try #require(wrapper["policies"] as? [[String: Any]])
        #expect(policies.count == 1)
        #expect((policies.first?["origin"] as? [String: Any])?["id"] as? String == ReportSampleTests.alice)
        #expect(policies.first?["denied"] as? [String] == ["iam:CreateUser"])
        #expect(json.stderr.isEmpty)

        let none = try QueryCLI.run(["policy", "order-processor-role", "--db", Self.db, "--from", "2020-01-01", "--to", "2020-02-01"])
        #expect(none.status == 5)
        #expect(try QueryCLI.run(["policy", "NoSuchRole", "--db", Self.db]).status == 5)
        #expect(try QueryCLI.run(["policy", "ProdAdmin", "--db", "/nonexistent/trail.db"]).status == 3)
    }
}
