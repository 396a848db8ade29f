import Foundation
import Testing
@testable import TrailCore

// Shared by the Report* tests: the sample-logs database (built once), the injection fixture
// (Fixtures/report/), record builders for the CIS checks, a small RFC 4180 parser, and finding
// Chromium. Kept apart from the other suites' helpers, which change independently.

enum ReportFixture {
    static let sampleLogs = AttributionCorpusTests.repositoryRoot.appendingPathComponent("sample-logs").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/report")

    /// The sample-logs database, ingested with attribution once per test run. Read-only for tests.
    static let sampleDatabase: String = build("sample", [sampleLogs])

    /// sample-logs plus the injection fixture: records whose event name, user agent or source
    /// address carry markup and spreadsheet formulas.
    static let hostileDatabase: String = build("hostile", [sampleLogs, fixtures.appendingPathComponent("hostile").path])

    /// One folder for this run's fixture databases, removed when the test process exits.
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trail-report-fixtures-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: ReportFixture.root) }
        return url
    }()

    static func build(_ label: String, _ paths: [String]) -> String {
        let folder = root.appendingPathComponent(label)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("trail.db").path
            var options = IngestOptions()
            options.jobs = 2
            let summary = try Ingester(databasePath: path, options: options).run(InputDiscovery.discover(paths))
            precondition(!summary.hasProblems, "report fixture ingest: \(summary.text)")
            return path
        } catch {
            preconditionFailure("cannot build the report fixture database: \(error)")
        }
    }

    static let catalog = ReportCatalog(QueryCatalog.load(userDirectories: []))

    /// The whole sample day, as an explicit (closed) window.
    static let sampleDay = ReportWindow(from: 1_795_132_800, to: 1_795_219_200)  // 2026-11-20T00:00Z .. 2026-11-21T00:00Z

    /// Runs checks (every one when `names` is empty) over `database`.
    static func run(_ names: [String] = [], database: String = sampleDatabase, window: ReportWindow = sampleDay,
                    account: String? = nil) throws -> ComplianceReport {
        let db = try TrailDatabase.openForReading(database)
        let checks = try catalog.select(names, all: names.isEmpty)
        return try ReportRunner(database: db, now: window.to ?? 0).run(checks, window: window, account: account)
    }

    static let hostileScript = "<script>alert(1)</script>"
    static let hostileImage = "\"><img src=x onerror=alert(1)>"
}

extension ComplianceReport {
    func check(_ id: String) throws -> ComplianceReport.Check {
        try #require(checks.first { $0.definition.id == id }, "no check \(id) in the report")
    }
}

extension ComplianceReport.Check {
    /// Column `name` of every finding, as text.
    func values(_ name: String) -> [String?] { result.texts(name) }
    /// The findings as column → text maps.
    var records: [[String: String]] {
        result.rows.indices.map { result.record($0).compactMapValues(\.textValue) }
    }
}

/// RFC 4180: fields separated by commas, records by CRLF (a lone LF is accepted), fields in
/// double quotes may hold commas, quotes (doubled) and line breaks.
enum RFC4180 {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        chars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        guard chars.first == nil || chars.first == "," || chars.first == "\r" || chars.first == "\n" else {
                            throw Malformed(description: "text after a closing quote in record \(records.count + 1)")
                        }
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard !fieldStarted else { throw Malformed(description: "a quote inside an unquoted field in record \(records.count + 1)") }
                quoted = true
                fieldStarted = true
            case ",":
                record.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                guard chars.first == "\n" else { throw Malformed(description: "a CR without LF in record \(records.count + 1)") }
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                fieldStarted = false
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        guard !quoted else { throw Malformed(description: "an unterminated quoted field") }
        if fieldStarted || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}

/// Headless Chromium, as Debian (`chromium`), Ubuntu/snap (`chromium-browser`) or the
/// headless-only build (`chromium-headless-shell`) install it.
enum Chromium {
    static let candidates = ["chromium", "chromium-browser", "chromium-headless-shell", "google-chrome", "google-chrome-stable"]

    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in candidates {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()
}

/// Records for the CIS tests, built on the attribution tests' `Rec` helpers. Every record is in
/// Production (444455556666), on 2026-11-20, made by the IAM user carol unless said otherwise.
enum CISRec {
    static let account = Rec.prod
    static var carol: [String: Any] { Rec.iamUser("carol", key: "AKIAEXAMPLECAROL0001", account: account) }
    static var root: [String: Any] {
        ["type": "Root", "principalId": account, "arn": "arn:aws:iam::\(account):root", "accountId": account]
    }

    /// A call `tag` (its event id is `edge-<tag>`) at minute `minute` of 10:00.
    static func call(_ tag: String, _ minute: Int, _ source: String, _ name: String, identity: [String: Any]? = nil,
                     error: String? = nil, message: String? = nil, eventType: String = "AwsApiCall",
                     extra: [String: Any] = [:]) -> [String: Any] {
        var r = Rec.call(tag, String(format: "2026-11-20T10:%02d:00Z", minute), identity ?? carol, name: name, source: source, account: account)
        r["eventType"] = eventType
        r["readOnly"] = false
        if let error { r["errorCode"] = error }
        if let message { r["errorMessage"] = message }
        for (k, v) in extra { r[k] = v }
        return r
    }

    static func consoleLogin(_ tag: String, _ minute: Int, identity: [String: Any]? = nil, success: Bool = true,
                             mfa: String? = "No", message: String = "Failed authentication") -> [String: Any] {
        var additional: [String: Any] = ["LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No"]
        if let mfa { additional["MFAUsed"] = mfa }
        var extra: [String: Any] = [
            "responseElements": ["ConsoleLogin": success ? "Success" : "Failure"],
            "additionalEventData": additional,
        ]
        if !success { extra["errorMessage"] = message }
        return call(tag, minute, "signin.amazonaws.com", "ConsoleLogin", identity: identity, eventType: "AwsConsoleSignIn", extra: extra)
    }
}
