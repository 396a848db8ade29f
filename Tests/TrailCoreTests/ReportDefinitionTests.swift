import Foundation
import Testing
@testable import TrailCore

@Suite("Report: definitions, catalog and window")
struct ReportDefinitionTests {
    static func query(_ header: String, name: String = "x", source: String = "/tmp/x.sql") throws -> NamedQuery {
        try QueryHeaderParser.parse("-- name: \(name)\n-- description: d\n" + header + "\nSELECT 1", fileName: "\(name).sql", source: source)
    }

    @Test("the built-in checks: CIS 4.1 to 4.15 with their metadata, hygiene, cross-account roles, log coverage")
    func builtIn() throws {
        let catalog = ReportFixture.catalog
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        let ids = catalog.reports.map(\.id)
        #expect(Array(ids.prefix(15)) == (1...15).map { "cis-4.\($0)" })
        #expect(ids.dropFirst(15) == ["cross-account-roles", "hygiene-console-login-without-mfa", "hygiene-keys-many-ips",
                                      "hygiene-long-term-keys", "hygiene-root-activity", "hygiene-unknown-origin", "log-coverage"])
        for report in catalog.reports {
            #expect(!report.title.isEmpty && report.rationale != nil, "\(report.id)")
            for name in ["since", "until", "account"] { #expect(report.accepts(name), "\(report.id) lacks \(name)") }
            if report.id.hasPrefix("cis-") {
                #expect(report.cis?.hasPrefix(String(report.id.dropFirst(4)) + " ") == true, "\(report.id)")
                #expect(report.filter?.hasPrefix("{") == true, "\(report.id)")
                #expect(report.severity != .info)
            }
        }
        let cis41 = try catalog.report(named: "cis-4.1")
        #expect(cis41.title == "Unauthorized API calls")
        #expect(cis41.severity == .medium)
        #expect(cis41.query.name == "cis-4-1-unauthorized-api-calls")
        // A rationale continued on a second line is joined.
        #expect(cis41.rationale?.hasSuffix("an AccessDenied only in errorMessage does not count.") == true)
        #expect(try catalog.report(named: "cis-4-1-unauthorized-api-calls") == cis41)
    }

    @Test("header: title falls back to the description, severity to info; bad values are refused")
    func parse() throws {
        #expect(try ReportDefinition.parse(Self.query("-- param: since time optional")) == nil)
        let minimal = try #require(try ReportDefinition.parse(Self.query("-- report: mine")))
        #expect(minimal.id == "mine" && minimal.title == "d" && minimal.severity == .info && minimal.cis == nil && minimal.filter == nil)
        let full = try #require(try ReportDefinition.parse(Self.query("""
            -- report: mine.2
            -- title: My check
            -- severity: HIGH
            -- cis: 9.9
            -- rationale: first part,
            -- rationale: second part.
            -- filter: {($.eventName=X)}
            -- param: limit int default 5
            """)))
        #expect(full.id == "mine.2" && full.title == "My check" && full.severity == .high && full.cis == "9.9")
        #expect(full.rationale == "first part, second part." && full.filter == "{($.eventName=X)}")

        for (header, message) in [
            ("-- report: Bad Id", "report id"),
            ("-- report: x\n-- severity: critical", "severity 'critical'"),
            ("-- report: x\n-- title: a\n-- title: b", "a second title line"),
            ("-- report: x\n-- param: role text required", "must be optional or have a default"),
            ("-- report: x\n-- param: since text optional", "must be of type time"),
        ] {
            let error = try #require(throws: QueryError.self) { try ReportDefinition.parse(Self.query(header)) }
            #expect(error.description.contains(message), "\(header): \(error)")
            #expect(error.exitStatus == .queryError)
        }
    }

    @Test("severity order and natural id order")
    func ordering() {
        #expect(ReportDefinition.Severity.high < .medium && ReportDefinition.Severity.low < .info)
        #expect(ReportDefinition.Severity.medium.isAtLeast(.low) && !ReportDefinition.Severity.low.isAtLeast(.medium))
        let ids = ["cis-4.10", "cis-4.2", "cis-4.1", "a", "cis-4.15", "cis-10.1", "cis-4.2a"]
        #expect(ids.sorted(by: ReportDefinition.naturalOrder) == ["a", "cis-4.1", "cis-4.2", "cis-4.2a", "cis-4.10", "cis-4.15", "cis-10.1"])
    }

    @Test("users' checks: listed with the built-in ones, a same-named file overrides, a broken one is explained")
    func userChecks() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        try scratch.write("mine.sql", "-- description: mine\n-- report: mine\n-- severity: low\n-- param: since time optional\nSELECT :since AS time")
        try scratch.write("cis-4-3-root-account-usage.sql", "-- description: replaced\n-- report: cis-4.3\n-- title: My root check\nSELECT 1 AS x")
        try scratch.write("broken.sql", "-- description: broken\n-- report: broken\n-- severity: urgent\nSELECT 1")
        try scratch.write("takes-id.sql", "-- description: takes an id\n-- report: cis-4.1\nSELECT 2 AS x")
        let catalog = ReportCatalog(QueryCatalog.load(userDirectories: [scratch.path]))
        #expect(try catalog.report(named: "mine").severity == .low)
        #expect(try catalog.report(named: "cis-4.3").title == "My root check")
        // A user's file may take a built-in check's id; the built-in query stays a query.
        #expect(try catalog.report(named: "cis-4.1").query.name == "takes-id")
        #expect(catalog.problems.contains { $0.contains("broken.sql") && $0.contains("urgent") })
        #expect(throws: QueryError.self) { try catalog.report(named: "broken") }
        #expect(catalog.reports.count == ReportFixture.catalog.reports.count + 1)
    }

    @Test("lookup: by id or query name, suggestions for a typo, a plain query is not a report")
    func lookup() throws {
        let catalog = ReportFixture.catalog
        let typo = try #require(throws: ReportError.self) { try catalog.report(named: "cis-4.01") }
        #expect(typo.description.contains("did you mean"))
        #expect(typo.exitStatus == .queryError)
        #expect(throws: ReportError.notAReport("who-assumed-role")) { try catalog.report(named: "who-assumed-role") }
        let chosen = try catalog.select(["cis-4.10", "cis-4.2", "cis-4-2-console-signin-without-mfa"], all: false)
        #expect(chosen.map(\.id) == ["cis-4.2", "cis-4.10"])
        #expect(try catalog.select([], all: true, minimumSeverity: .high).allSatisfy { $0.severity == .high })
    }

    @Test("window: a duration ends now, times leave the end open, errors are query errors")
    func window() throws {
        let now: Int64 = 1_795_219_200
        #expect(try ReportWindow.parse(from: "24h", to: nil, now: now) == ReportWindow(from: now - 86_400, to: now))
        #expect(try ReportWindow.parse(from: "2026-11-20", to: nil, now: now) == ReportWindow(from: 1_795_132_800, to: nil))
        #expect(try ReportWindow.parse(from: "7d", to: "2026-11-20T12:00:00Z", now: now) == ReportWindow(from: now - 7 * 86_400, to: 1_795_176_000))
        #expect(try ReportWindow.parse(from: nil, to: nil, now: now) == ReportWindow())
        #expect(try ReportWindow.parse(from: "", to: " ", now: now) == ReportWindow())
        #expect(throws: QueryError.self) { try ReportWindow.parse(from: "yesterday", to: nil, now: now) }
        #expect(throws: QueryError.self) { try ReportWindow.parse(from: "2026-11-21", to: "2026-11-20", now: now) }
    }

    @Test("the README's example check loads and runs")
    func readmeExample() throws {
        let readme = try String(contentsOf: AttributionCorpusTests.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```sql\n-- name: s3-deletes"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let sql = String(readme[readme.index(start.lowerBound, offsetBy: 7)..<end.lowerBound])
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        try scratch.write("s3-deletes.sql", sql)
        let catalog = ReportCatalog(QueryCatalog.load(userDirectories: [scratch.path]))
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        let check = try catalog.report(named: "my-s3-deletes")
        #expect(check.severity == .medium && check.title == "S3 object deletions")
        let report = try ReportRunner(database: try TrailDatabase.openForReading(ReportFixture.sampleDatabase), now: 0)
            .run([check], window: ReportFixture.sampleDay, account: nil)
        #expect(try report.check("my-s3-deletes").notes.isEmpty)
    }

    @Test("a check that cannot be limited to the account or window says so in its notes")
    func notes() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        try scratch.write("plain.sql", "-- description: plain\n-- report: plain\nSELECT 1 AS x")
        let catalog = ReportCatalog(QueryCatalog.load(userDirectories: [scratch.path]))
        let db = try TrailDatabase.openForReading(ReportFixture.sampleDatabase)
        let report = try ReportRunner(database: db, now: 0).run([try catalog.report(named: "plain")], window: ReportFixture.sampleDay, account: "1")
        #expect(try report.check("plain").notes.count == 3)
        #expect(JSONReport.render(report).contains("not limited to account 1"))
    }
}
