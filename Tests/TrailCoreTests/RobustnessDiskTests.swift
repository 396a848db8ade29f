import Foundation
import Testing
@testable import TrailCore

/// The database in trouble: read-only, out of space, corrupt. Each must give a clear error and
/// a non-zero exit, and leave what was stored intact.
@Suite("Robustness: disk and database trouble", .serialized)
struct RobustnessDiskTests {
    static let sampleLogs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-logs").path

    static func shell(_ script: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func withDirectory(_ body: (URL, String) throws -> Void) throws {
        let trail = try #require(RobustnessProcessTests.trail, "the trail executable is not built next to the tests")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trail-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try body(root, trail)
    }

    @Test("a file-size limit (a full disk) fails the ingest with exit 3; a rerun completes exactly")
    func fullDisk() throws {
        try Self.withDirectory { root, trail in
            let tree = root.appendingPathComponent("logs")
            try RobustnessProcessTests.writeTree(tree, files: 40, perFile: 100)
            let db = root.appendingPathComponent("t.db").path
            // 400 KiB is far less than the database needs.
            let limited = try Self.shell("ulimit -f 400; exec '\(trail)' ingest --quiet --db '\(db)' '\(tree.path)'")
            #expect(limited.status == 3, "\(limited.stderr)")
            #expect(limited.stderr.contains("disk I/O error") || limited.stderr.contains("disk is full"), "\(limited.stderr)")
            #expect(limited.stderr.split(separator: "\n").count == 1, "one line: \(limited.stderr)")
            // What was committed is consistent; the rerun adds exactly the rest.
            let check = try TrailDatabase.openForReading(db)
            #expect(try check.scalarText("PRAGMA integrity_check") == "ok")
            let stored = try check.scalarInt("SELECT count(*) FROM events") ?? -1
            #expect(stored < 4000)
            #expect(try check.scalarInt("SELECT coalesce(sum(new_events), 0) FROM files") == stored)
            let rerun = try Self.shell("exec '\(trail)' ingest --quiet --db '\(db)' '\(tree.path)'")
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let counts = try RobustnessProcessTests.counts(db)
            #expect(counts.events == 4000 && counts.ledgerRecords == 4000 && counts.sessionEvents == 4000)
        }
    }

    @Test("a read-only database: exit 3 with a clear reason, contents unchanged")
    func readOnlyDatabase() throws {
        try Self.withDirectory { root, trail in
            let db = root.appendingPathComponent("ro.db").path
            let first = try Self.shell("exec '\(trail)' ingest --quiet --db '\(db)' '\(Self.sampleLogs)'")
            #expect(first.status == 0, "\(first.stderr)")
            let before = try RobustnessProcessTests.counts(db)
            let tree = root.appendingPathComponent("more")
            try RobustnessProcessTests.writeTree(tree, files: 2, perFile: 10)
            // Root ignores file modes, so the second ingest runs as nobody against files it may only read.
            _ = try Self.shell("chmod 755 '\(root.path)' '\(tree.path)'; chmod -R a+rX '\(tree.path)'; chmod 444 '\(db)'")
            let denied = try Self.shell("exec setpriv --reuid=65534 --regid=65534 --clear-groups '\(trail)' ingest --quiet --db '\(db)' '\(tree.path)'")
            #expect(denied.status == 3, "\(denied.stderr)")
            #expect(denied.stderr.contains("read-only") || denied.stderr.contains("readonly") || denied.stderr.contains("cannot open"), "\(denied.stderr)")
            _ = try Self.shell("chmod 644 '\(db)'")
            #expect(try RobustnessProcessTests.counts(db) == before)
        }
    }

    @Test("a corrupt database file: exit 3 naming it, for ingest and for reads")
    func corruptDatabase() throws {
        try Self.withDirectory { root, trail in
            let db = root.appendingPathComponent("bad.db").path
            try Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: db))
            let original = try Data(contentsOf: URL(fileURLWithPath: db))
            let ingest = try Self.shell("exec '\(trail)' ingest --quiet --db '\(db)' '\(Self.sampleLogs)'")
            #expect(ingest.status == 3)
            #expect(ingest.stderr.contains("corrupt or not a trail database") && ingest.stderr.contains(db), "\(ingest.stderr)")
            let stats = try Self.shell("exec '\(trail)' stats --db '\(db)'")
            #expect(stats.status == 3)
            #expect(stats.stderr.contains("corrupt or not a trail database"), "\(stats.stderr)")
            // trail never rewrites a file it cannot read as its own.
            #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == original)
        }
    }

    @Test("a database written by a newer trail is refused, not modified")
    func newerSchema() throws {
        try Self.withDirectory { root, trail in
            let db = root.appendingPathComponent("new.db").path
            do {
                let handle = try Database(path: db)
                try handle.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = \(Schema.formatVersion + 1); CREATE TABLE future(x)")
            }
            let ingest = try Self.shell("exec '\(trail)' ingest --quiet --db '\(db)' '\(Self.sampleLogs)'")
            #expect(ingest.status == 3)
            #expect(ingest.stderr.contains("newer than this trail"), "\(ingest.stderr)")
            let check = try Database(path: db, mode: .readOnly)
            #expect(try check.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == 0)
        }
    }

    @Test("a database of the unreleased schemas before format 1, or of another program, is refused untouched")
    func olderAndForeignDatabases() throws {
        try Self.withDirectory { root, trail in
            let older = root.appendingPathComponent("older.db").path
            let foreign = root.appendingPathComponent("foreign.db").path
            do {
                let handle = try Database(path: older)
                try handle.execute("CREATE TABLE files(id); CREATE TABLE sessions(id); PRAGMA user_version = 14")
                let other = try Database(path: foreign)
                try other.execute("CREATE TABLE notes(x); INSERT INTO notes VALUES ('keep me')")
            }
            let olderBytes = try Data(contentsOf: URL(fileURLWithPath: older))
            let foreignBytes = try Data(contentsOf: URL(fileURLWithPath: foreign))
            for (db, expected) in [(older, "before database format 1 (its schema 14)"), (foreign, "SQLite database of another program")] {
                for command in ["ingest --quiet --db '\(db)' '\(Self.sampleLogs)'", "stats --db '\(db)'", "who --db '\(db)' x"] {
                    let run = try Self.shell("exec '\(trail)' \(command)")
                    #expect(run.status == 3, "\(command)")
                    #expect(run.stderr.contains(expected), "\(command): \(run.stderr)")
                    #expect(run.stderr.split(separator: "\n").count == 1, "\(command): \(run.stderr)")
                }
            }
            // Not converted (no trail tables, no switch to WAL): the bytes are as they were.
            #expect(try Data(contentsOf: URL(fileURLWithPath: older)) == olderBytes)
            #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == foreignBytes)
            #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))
            // An empty file is a new database.
            let empty = root.appendingPathComponent("empty.db").path
            #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
            #expect(try Self.shell("exec '\(trail)' ingest --quiet --db '\(empty)' '\(Self.sampleLogs)'").status == 0)
            let made = try Database(path: empty, mode: .readOnly)
            #expect(try made.scalarInt("PRAGMA application_id") == Schema.applicationID)
            #expect(try made.scalarInt("PRAGMA user_version") == Int64(Schema.formatVersion))
        }
    }
}
