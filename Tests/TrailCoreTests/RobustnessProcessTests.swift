import Foundation
import Testing
@testable import TrailCore

/// Runs the real `trail` binary as separate processes: killed mid-run, and several at once.
@Suite("Robustness: crashes and concurrent processes", .serialized)
struct RobustnessProcessTests {
    static var trail: String? { TS.trailExecutable }

    /// A tree of `files` log files in the S3 layout, `perFile` records each, all eventIDs distinct;
    /// a few role sessions so that the session tallies are exercised too.
    static func writeTree(_ root: URL, files: Int, perFile: Int, prefix: String = "", sessions sessionPrefix: String = "") throws {
        for f in 0..<files {
            var records: [[String: Any]] = []
            for r in 0..<perFile {
                let n = f * perFile + r
                let session = n % 7
                records.append([
                    "eventVersion": "1.08", "eventID": "\(prefix)ev-\(f)-\(r)",
                    "eventTime": Timestamp.format(1_763_625_600 + Int64(n)), "eventSource": "s3.amazonaws.com",
                    "eventName": n % 11 == 0 ? "PutObject" : "GetObject", "awsRegion": "us-east-1",
                    "sourceIPAddress": "10.0.0.\(session)", "recipientAccountId": "444455556666",
                    "requestParameters": ["bucketName": "b", "key": "k/\(n)"],
                    "userIdentity": [
                        "type": "AssumedRole", "principalId": "AROAEXAMPLEROLE00000\(session):\(sessionPrefix)s\(session)",
                        "arn": "arn:aws:sts::444455556666:assumed-role/R\(session)/\(sessionPrefix)s\(session)",
                        "accountId": "444455556666", "accessKeyId": "ASIAEXAMPLEKEY00000\(session)",
                        "sessionContext": ["attributes": ["creationDate": "2025-11-20T08:00:0\(session)Z", "mfaAuthenticated": "false"],
                                           "sessionIssuer": ["type": "Role", "arn": "arn:aws:iam::444455556666:role/R\(session)"]],
                    ],
                ])
            }
            let dir = root.appendingPathComponent("AWSLogs/444455556666/CloudTrail/us-east-1/2025/11/\(String(format: "%02d", 1 + f % 28))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ["Records": records])
                .write(to: dir.appendingPathComponent("444455556666_CloudTrail_us-east-1_\(prefix)\(f).json"))
        }
    }

    struct Counts: Equatable {
        var events: Int64
        var filesIngested: Int64
        var ledgerRecords: Int64
        var sessionEvents: Int64
        var sessions: Int64
    }

    static func counts(_ database: String) throws -> Counts {
        let db = try TrailDatabase.openForReading(database)
        func n(_ sql: String) throws -> Int64 { try db.scalarInt(sql) ?? -1 }
        return Counts(events: try n("SELECT count(*) FROM events"),
                      filesIngested: try n("SELECT count(*) FROM files WHERE status = 'ingested'"),
                      ledgerRecords: try n("SELECT coalesce(sum(new_events), 0) FROM files"),
                      sessionEvents: try n("SELECT coalesce(sum(raw_events), 0) FROM sessions WHERE derived = 0") == (try n("SELECT coalesce(sum(events), 0) FROM sessions")) ? try n("SELECT coalesce(sum(events), 0) FROM sessions") : -2,
                      sessions: try n("SELECT count(*) FROM sessions WHERE origin_type <> 'unknown' OR events > 0"))
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(trail))
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("SIGKILL at random points, then a rerun, always ends with exactly one clean run's counts")
    func killAndResume() throws {
        try #require(Self.trail != nil, "the trail executable is not built next to the tests")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trail-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = root.appendingPathComponent("logs")
        try Self.writeTree(tree, files: 60, perFile: 150)

        // Two clean runs: the second, warm, gives the duration the kills are spread over.
        var duration = 0.0
        let cleanDB = root.appendingPathComponent("clean.db").path
        for warm in [false, true] {
            try? FileManager.default.removeItem(atPath: cleanDB)
            let started = Date()
            let clean = try Self.run(["ingest", "--db", cleanDB, "--quiet", tree.path])
            if warm { duration = Date().timeIntervalSince(started) }
            #expect(clean.status == 0, "\(clean.stderr)")
        }
        let expected = try Self.counts(cleanDB)
        #expect(expected.events == 9000)
        #expect(expected.filesIngested == 60)
        #expect(expected.ledgerRecords == expected.events)
        #expect(expected.sessionEvents == expected.events)

        var generator = TS.SplitMix64(seed: 7)
        var killedMidRun = 0
        var trial = 0
        // Until 20 kills have landed while the ingest was running (at most 60 attempts).
        while killedMidRun < 20 && trial < 60 {
            defer { trial += 1 }
            let database = root.appendingPathComponent("kill-\(trial).db").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.trail))
            process.arguments = ["ingest", "--db", database, "--quiet", tree.path]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let delay = Double.random(in: 0.0...max(duration * 0.9, 0.05), using: &generator)
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedMidRun += 1
            }
            process.waitUntilExit()
            let rerun = try Self.run(["ingest", "--db", database, "--quiet", tree.path])
            #expect(rerun.status == 0, "trial \(trial): \(rerun.stderr)")
            #expect(try Self.counts(database) == expected, "trial \(trial) after a kill at \(delay) s")
            let again = try Self.run(["ingest", "--db", database, "--quiet", tree.path])
            #expect(again.status == 0)
            #expect(try Self.counts(database) == expected, "trial \(trial): a third run changed the counts")
        }
        #expect(killedMidRun == 20, "only \(killedMidRun) of \(trial) kills landed while the ingest ran")
    }

    @Test("Two ingests over overlapping trees and a query loop, at once: all succeed, counts exact")
    func concurrentWritersAndReader() throws {
        try #require(Self.trail != nil, "the trail executable is not built next to the tests")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trail-conc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = root.appendingPathComponent("shared")
        try Self.writeTree(shared, files: 30, perFile: 120)
        let onlyA = root.appendingPathComponent("only-a")
        // Each process also meets session keys the other never sees: both create sessions at once.
        try Self.writeTree(onlyA, files: 10, perFile: 120, prefix: "a", sessions: "a-")
        let onlyB = root.appendingPathComponent("only-b")
        try Self.writeTree(onlyB, files: 10, perFile: 120, prefix: "b", sessions: "b-")
        let database = root.appendingPathComponent("trail.db").path

        let results = ConcurrentResults()
        let group = DispatchGroup()
        for tree in [[shared.path, onlyA.path], [onlyB.path, shared.path]] {
            group.enter()
            DispatchQueue.global().async {
                let result = Result { try Self.run(["ingest", "--db", database, "--quiet"] + tree) }
                results.add(result)
                group.leave()
            }
        }
        // A reader polling while both write: it must never fail, and counts never go down.
        group.enter()
        DispatchQueue.global().async {
            var last: Int64 = 0
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline && results.count < 2 {
                if FileManager.default.fileExists(atPath: database), let db = try? TrailDatabase.openForReading(database) {
                    do {
                        let n = try db.scalarInt("SELECT count(*) FROM events") ?? 0
                        if n < last { results.readerError("event count went down: \(last) -> \(n)") }
                        last = n
                        _ = try db.rows("SELECT origin_type, count(*) FROM event_attribution GROUP BY 1")
                    } catch {
                        results.readerError("\(error)")
                    }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            group.leave()
        }
        group.wait()
        for result in results.all {
            let outcome = try result.get()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("locked"), "\(outcome.stderr)")
        }
        #expect(results.readerErrors.isEmpty, "\(results.readerErrors)")
        let counts = try Self.counts(database)
        #expect(counts.events == 50 * 120)
        #expect(counts.sessionEvents == counts.events)
        let db = try TrailDatabase.openForReading(database)
        #expect(try db.scalarInt("SELECT count(DISTINCT path) FROM files") == 50)
        // Every event sits in the session of its own key: no two keys were given one id.
        #expect(try db.scalarInt("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE e.principal_id <> s.principal_id") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM sessions WHERE raw_events > 0") == 21)
    }
}

/// Collects results from the concurrent test's threads.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<(status: Int32, stderr: String), Error>] = []
    private var errors: [String] = []

    func add(_ result: Result<(status: Int32, stderr: String), Error>) { lock.lock(); results.append(result); lock.unlock() }
    func readerError(_ message: String) { lock.lock(); errors.append(message); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return results.count }
    var all: [Result<(status: Int32, stderr: String), Error>] { lock.lock(); defer { lock.unlock() }; return results }
    var readerErrors: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
