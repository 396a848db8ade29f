import Foundation
import Testing
@testable import TrailCore

// Shared by the Query*, Format* and Investigate* tests: a database built once from the
// hand-written records in Fixtures/query/ (ingest + attribution), and small helpers. Kept apart
// from the other suites' helpers, which change independently.
//
// The fixture (two files, 23 records, all on 2026-11-20 UTC):
//   Dev 111122223333: alice (IAM user, key AKIAFIXTUREALICE0001, 198.51.100.23) calls
//     GetCallerIdentity (q-dev-001), is denied s3:GetObject on dev-finance-reports/payroll
//     (q-dev-002), assumes Prod's ProdAdmin (q-dev-003, caller's copy), is refused
//     DescribeInstances (q-dev-004), lists users with a formula-like user agent (q-dev-005),
//     and fails to assume BreakGlass (q-dev-006).
//   Prod 444455556666: the role owner's copy of that AssumeRole (q-prod-001, AWSAccount, same
//     sharedEventID); alice-prod lists buckets (q-prod-002), is denied iam:CreateUser
//     (q-prod-003), assumes AuditReader with source identity alice (q-prod-004: a chain of
//     depth 2), and puts a role policy (q-prod-017); alice-audit reads an S3 object (q-prod-005)
//     and is denied a PutObject (q-prod-006); outsider 936482017355 is refused ProdAdmin from
//     203.0.113.77 (q-prod-007); EC2 assumes app/WebAppInstanceRole for i-0a1b2c3d4e5f67890
//     (q-prod-008), which reads my-app-bucket objects (q-prod-009, q-prod-010 in eu-west-1,
//     q-prod-016 at 09:30); BatchJobRole/nightly-batch acts with no AssumeRole in the logs
//     (q-prod-015, unresolved); Lambda assumes service-role/order-processor-role (q-prod-011)
//     and the function calls DynamoDB and SQS (q-prod-012, q-prod-013); root signs in to the
//     console without MFA (q-prod-014).

enum QueryFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/query")

    /// "Now" for every relative time in these tests: the day after the fixture's events.
    static let now: Int64 = 1_795_219_200  // 2026-11-21T00:00:00Z

    /// The fixture database, ingested (with attribution) once per test run.
    static let databasePath: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trail-query-fixture-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("fixture.db").path
            var options = IngestOptions()
            options.jobs = 2
            let summary = try Ingester(databasePath: path, options: options).run(InputDiscovery.discover([directory.path]))
            precondition(summary.eventsNew == 23 && !summary.hasProblems, "fixture ingest: \(summary.text)")
            // The database must outlive every test of the run; remove it when the process ends.
            atexit { QueryFixture.removeDatabaseFolder() }
            return path
        } catch {
            preconditionFailure("cannot build the query fixture database: \(error)")
        }
    }()

    static func open() throws -> Database { try TrailDatabase.openForReading(databasePath) }

    /// A copy of the fixture database at `name` in `dir`, for a test that changes it.
    static func copy(in dir: TS.TempDir, named name: String) throws -> String {
        let path = dir.file(name)
        try FileManager.default.copyItem(atPath: databasePath, toPath: path)
        return path
    }

    static func removeDatabaseFolder() {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: databasePath).deletingLastPathComponent())
    }

    static func runner() throws -> QueryRunner { QueryRunner(database: try open(), now: now) }

    static func investigator() throws -> Investigator { Investigator(database: try open(), now: now) }

    static let builtIn = QueryCatalog.load(userDirectories: [])

    /// Runs a built-in named query.
    static func run(_ name: String, _ arguments: [String: String] = [:]) throws -> ResultSet {
        try runner().run(try builtIn.query(named: name), arguments: arguments)
    }
}

extension ResultSet {
    /// The rows projected on `names`, as text (NULL → nil), for compact expectations.
    func project(_ names: String...) -> [[String?]] {
        let indexes = names.map { index(of: $0) }
        return rows.map { row in indexes.map { i in i.flatMap { $0 < row.count ? row[$0].textValue : nil } } }
    }

    /// One column as text.
    func column(_ name: String) -> [String?] { texts(name) }
}

/// A scratch folder removed at the end of a test.
struct QueryScratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("trail-query-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The `trail` executable and a way to run it, for the command-line tests.
enum QueryCLI {
    static var executable: String? { TS.trailExecutable }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs trail with `arguments`; the environment has no TRAIL_DB / TRAIL_QUERIES unless given.
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Output {
        let executable = try #require(executable, "the trail executable was not built next to the tests")
        let run = try spawn(executable, arguments, environment: extra)
        return Output(status: run.status, stdout: run.stdoutText, stderr: run.stderrText)
    }

    /// What a process left: how it ended and its output as bytes.
    struct Raw {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: [UInt8]
        var stderr: [UInt8]
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `program` in a scratch directory, outside the source tree (the built-in queries must
    /// come from the binary), with stdout and stderr in files and no TRAIL_DB, TRAIL_QUERIES or
    /// COLUMNS unless `extra` gives them.
    static func spawn(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Raw {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TRAIL_DB"] = nil
        environment["TRAIL_QUERIES"] = nil
        environment["COLUMNS"] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.currentDirectoryURL = scratch.url
        let out = scratch.url.appendingPathComponent("out"), err = scratch.url.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Raw(status: process.terminationStatus, reason: process.terminationReason,
                   stdout: Array(try Data(contentsOf: out)), stderr: Array(try Data(contentsOf: err)))
    }
}
