import Foundation
import Testing
@testable import TrailCore

// Shared helpers for the TrailCore tests: temporary directories, gzip, CloudTrail record
// builders, ingest + query shortcuts, and finding the corpus and the `trail` executable.

/// Test helpers, namespaced so they cannot collide with other test files' helpers.
enum TS {
    // MARK: - Temporary directories

    /// A fresh directory under the system temporary directory, removed by `remove()`.
    struct TempDir {
        let url: URL
        var path: String { url.path }

        init(_ label: String = "trail-tests") {
            url = FileManager.default.temporaryDirectory
                .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
            try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(at: url) }

        /// Absolute path of `relative` inside the directory.
        func file(_ relative: String) -> String { url.appendingPathComponent(relative).path }

        /// A database path inside the directory (not created).
        var database: String { file("trail.db") }

        /// Writes `bytes` at `relative`, creating intermediate directories. Returns the absolute path.
        @discardableResult
        func write(_ relative: String, _ bytes: [UInt8]) -> String {
            let target = url.appendingPathComponent(relative)
            try! FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data(bytes).write(to: target)
            return target.path
        }

        @discardableResult
        func write(_ relative: String, _ text: String) -> String { write(relative, Array(text.utf8)) }

        /// Writes `text` gzip-compressed at `relative`.
        @discardableResult
        func writeGzip(_ relative: String, _ text: String) -> String { write(relative, gzip(Array(text.utf8))) }
    }

    /// Runs `body` with a temporary directory that is removed afterwards.
    static func withTempDir<T>(_ label: String = "trail-tests", _ body: (TempDir) throws -> T) rethrows -> T {
        let dir = TempDir(label)
        defer { dir.remove() }
        return try body(dir)
    }

    // MARK: - Processes and gzip

    struct ProcessOutput {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs an executable to completion, feeding `stdin`, and returns what it wrote.
    static func runProcess(_ executable: String, _ arguments: [String], stdin: [UInt8] = [],
                    environment: [String: String]? = nil, currentDirectory: String? = nil) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        // Files rather than pipes: no risk of a full pipe blocking the child while we wait.
        let scratch = TempDir("trail-proc")
        defer { scratch.remove() }
        let inPath = scratch.write("stdin", stdin)
        _ = FileManager.default.createFile(atPath: scratch.file("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.file("stderr"), contents: nil)
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stdout")))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stderr")))
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try input.close()
        try output.close()
        try errors.close()
        let out = try Data(contentsOf: URL(fileURLWithPath: scratch.file("stdout")))
        let err = try Data(contentsOf: URL(fileURLWithPath: scratch.file("stderr")))
        return ProcessOutput(status: process.terminationStatus, stdout: Array(out), stderr: Array(err))
    }

    static let gzipExecutable: String = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/bin/gzip"

    /// gzip-compresses `bytes` with the system `gzip` (one member, default level).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let result = try! runProcess(gzipExecutable, ["-c", "-n"], stdin: bytes)
        precondition(result.status == 0, "gzip failed: \(result.stderrText)")
        return result.stdout
    }

    static func gzip(_ text: String) -> [UInt8] { gzip(Array(text.utf8)) }

    /// Decompresses with the system `gzip`, independently of trail's Gunzip.
    static func gunzipWithSystemTool(_ bytes: [UInt8]) -> [UInt8]? {
        guard let result = try? runProcess(gzipExecutable, ["-dc"], stdin: bytes), result.status == 0 else { return nil }
        return result.stdout
    }

    // MARK: - CloudTrail records

    /// JSON text of a value built from Swift literals (keys sorted, so output is stable).
    static func json(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// A minimal valid CloudTrail record as a dictionary; `overrides` replace or add members
    /// (an `NSNull()` value stays as JSON null; use `removing` to drop members).
    static func recordObject(id: String, time: String = "2026-11-20T10:00:00Z", name: String = "DescribeInstances",
                      overrides: [String: Any] = [:], removing: [String] = []) -> [String: Any] {
        var record: [String: Any] = [
            "eventVersion": "1.09",
            "userIdentity": [
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLE\(id)",
                "arn": "arn:aws:iam::111122223333:user/alice",
                "accountId": "111122223333",
                "accessKeyId": "AKIAEXAMPLE",
                "userName": "alice",
            ] as [String: Any],
            "eventTime": time,
            "eventSource": "ec2.amazonaws.com",
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": "192.0.2.10",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": ["instancesSet": ["items": [["instanceId": "i-0123456789abcdef0"]]]] as [String: Any],
            "responseElements": NSNull(),
            "requestID": "req-\(id)",
            "eventID": id,
            "readOnly": true,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "111122223333",
            "eventCategory": "Management",
        ]
        for (key, value) in overrides { record[key] = value }
        for key in removing { record[key] = nil }
        return record
    }

    /// A record as one line of JSON.
    static func record(id: String, time: String = "2026-11-20T10:00:00Z", name: String = "DescribeInstances",
                overrides: [String: Any] = [:], removing: [String] = []) -> String {
        json(recordObject(id: id, time: time, name: name, overrides: overrides, removing: removing))
    }

    /// `{"Records":[…]}` around record JSON texts.
    static func recordsFile(_ records: [String]) -> String { "{\"Records\":[" + records.joined(separator: ",") + "]}" }

    /// Record JSON texts for ids `prefix-0` … `prefix-(n-1)`.
    static func records(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { record(id: "\(prefix)-\($0)") } }

    /// A CloudTrail-style S3 key for a log file.
    static func s3Key(account: String = "111122223333", region: String = "us-east-1", day: Int = 20, name: String) -> String {
        "AWSLogs/\(account)/CloudTrail/\(region)/2026/11/\(String(format: "%02d", day))/\(account)_CloudTrail_\(region)_202611\(String(format: "%02d", day))T1000Z_\(name).json.gz"
    }

    // MARK: - Decoding shortcuts

    static func decode(_ text: String, expecting: LogFileDecoder.Expectation = .events) -> ParsedFile {
        LogFileDecoder.decode(Array(text.utf8), expecting: expecting)
    }

    /// Every stored record's eventID, in order.
    static func eventIDs(_ file: ParsedFile) -> [String] { (0..<file.recordCount).map { file.string($0, .eventID) ?? "<nil>" } }

    /// The rejects' record indexes and reasons.
    static func rejectIndexes(_ file: ParsedFile) -> [Int] { file.rejects.map(\.index) }
    static func rejectReasons(_ file: ParsedFile) -> [String] { file.rejects.map(\.reason) }

    // MARK: - Ingest shortcuts

    /// Options for tests: two parser threads, attribution off (the ingest is what is under test).
    static func testOptions(retryFailed: Bool = false, strict: Bool = false, attribute: Bool = false) -> IngestOptions {
        var options = IngestOptions()
        options.jobs = 2
        options.attribute = attribute
        options.retryFailed = retryFailed
        options.strict = strict
        return options
    }

    /// Collects what the ingest reports.
    final class RecordingReporter: IngestReporter, @unchecked Sendable {
        private let lock = NSLock()
        private var _problems: [String] = []
        var problems: [String] { lock.lock(); defer { lock.unlock() }; return _problems }
        func problem(_ line: String) { lock.lock(); _problems.append(line); lock.unlock() }
        func progress(filesDone: Int, filesTotal: Int, events: Int, elapsed: Double) {}
        func finishProgress() {}
    }

    /// Discovers `paths` and ingests them into `database`.
    @discardableResult
    static func ingest(_ paths: [String], into database: String, options: IngestOptions = testOptions(),
                reporter: IngestReporter? = nil) throws -> IngestSummary {
        // scan, not discover: what the walk skips is counted as the command line counts it.
        let inputs = try InputDiscovery.scan(paths)
        return try Ingester(databasePath: database, options: options, reporter: reporter).run(inputs)
    }

    /// A read-only connection to a test database.
    static func openDB(_ path: String) throws -> Database { try TrailDatabase.openForReading(path) }

    static func count(_ db: Database, _ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        Int(try db.scalarInt(sql, bindings) ?? -1)
    }

    /// One ledger row, as the tests look at it.
    struct LedgerRow: Equatable {
        var path: String
        var status: String
        var records: Int
        var newEvents: Int
        var duplicateEvents: Int
        var rejected: Int
        var error: String?
        var duplicateOf: Int64?
        var id: Int64
    }

    static func ledgerRows(_ db: Database) throws -> [LedgerRow] {
        try db.rows("SELECT path, status, records, new_events, duplicate_events, rejected, error, duplicate_of, id FROM files ORDER BY path").map {
            LedgerRow(path: $0[0].textValue ?? "", status: $0[1].textValue ?? "", records: Int($0[2].intValue ?? -1),
                      newEvents: Int($0[3].intValue ?? -1), duplicateEvents: Int($0[4].intValue ?? -1),
                      rejected: Int($0[5].intValue ?? -1), error: $0[6].textValue, duplicateOf: $0[7].intValue, id: $0[8].intValue ?? -1)
        }
    }

    /// The ledger row whose path ends with `suffix`.
    static func ledgerRow(_ db: Database, endingWith suffix: String) throws -> LedgerRow? {
        try ledgerRows(db).first { $0.path.hasSuffix(suffix) }
    }

    /// `rejected_records` rows of the file whose ledger path ends with `suffix`, as (record_index, reason).
    static func rejectedRows(_ db: Database, fileEndingWith suffix: String) throws -> [(Int, String)] {
        try db.rows("""
            SELECT r.record_index, r.reason, f.path FROM rejected_records r JOIN files f ON f.id = r.file_id ORDER BY r.record_index
            """).filter { ($0[2].textValue ?? "").hasSuffix(suffix) }.map { (Int($0[0].intValue ?? -1), $0[1].textValue ?? "") }
    }

    /// One events row as column name → text (NULL → nil).
    static func eventRow(_ db: Database, id: String, table: String = "events") throws -> [String: String?]? {
        let statement = try db.prepare("SELECT * FROM \(table) WHERE event_id = ?")
        try statement.bind([.text(id)])
        guard try statement.step() else { return nil }
        var row: [String: String?] = [:]
        for i in 0..<statement.columnCount {
            row[statement.columnName(i)] = statement.value(i).textValue
        }
        return row
    }

    // MARK: - Locations

    /// The repository root, found from this file's location.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `../shared/corpus` next to the repository (CI provides it).
    static let corpusDirectory: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    /// The tests over `../shared/corpus` run where it is; a clone without it skips them, with
    /// this reason. CI sets `TRAIL_REQUIRE_CORPUS` (`.ci/run`), so there a missing corpus fails.
    static let runCorpusTests: Bool = {
        var isDirectory: ObjCBool = false
        let present = FileManager.default.fileExists(atPath: corpusDirectory.path, isDirectory: &isDirectory) && isDirectory.boolValue
        return present || ProcessInfo.processInfo.environment["TRAIL_REQUIRE_CORPUS"] != nil
    }()
    static let corpusSkipReason: Comment = "../shared/corpus is not beside the repository (CI provides it and sets TRAIL_REQUIRE_CORPUS)"

    /// The `trail` executable built alongside the test bundle, if there is one.
    static let trailExecutable: String? = {
        var candidates: [URL] = []
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent())
            candidates.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in candidates {
            var dir = directory
            // The bundle may be a directory (macOS .xctest) whose parent holds the products.
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent("trail").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    // MARK: - Randomness

    /// A small deterministic generator, so "random" inputs are the same on every run.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
