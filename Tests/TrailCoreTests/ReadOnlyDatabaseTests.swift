import Foundation
import Testing
@testable import TrailCore

#if canImport(Glibc)
import Glibc
#endif

/// A database on read-only media: the folder cannot take SQLite's `-shm` index. Tests run as
/// root, which ignores mode bits, so the folder and file are also made immutable (`chattr +i`,
/// which binds root too) when the file system allows it; the test is skipped where it does not.
@Suite("Read-only evidence: a database in a folder nothing can write")
struct ReadOnlyDatabaseTests {
    static let chattr = ["/usr/bin/chattr", "/bin/chattr"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func setImmutable(_ on: Bool, _ paths: [String]) -> Bool {
        guard let chattr else { return false }
        return (try? TS.runProcess(chattr, [on ? "+i" : "-i"] + paths).status) == 0
    }

    /// Whether `chattr +i` works here (it needs CAP_LINUX_IMMUTABLE and ext4, xfs, btrfs…).
    static let immutableWorks: Bool = {
        let dir = TS.TempDir("trail-chattr-probe")
        defer { _ = setImmutable(false, [dir.path]); dir.remove() }
        guard setImmutable(true, [dir.path]) else { return false }
        return !FileManager.default.createFile(atPath: dir.file("x"), contents: Data())
    }()

    /// A copy of the fixture in a folder made 0555 and immutable, the file 0444 and immutable.
    static func withReadOnlyCopy(_ extra: [String: [UInt8]] = [:], _ body: (String) throws -> Void) throws {
        let dir = TS.TempDir("trail-readonly")
        let path = dir.file("evidence.db")
        try FileManager.default.copyItem(atPath: QueryFixture.databasePath, toPath: path)
        for (name, bytes) in extra { dir.write(name, bytes) }
        chmod(path, 0o444)
        chmod(dir.path, 0o555)
        try #require(setImmutable(true, [path, dir.path]))
        defer {
            _ = setImmutable(false, [path, dir.path])
            chmod(dir.path, 0o755)
            dir.remove()
        }
        try body(path)
    }

    @Test("queries, investigations and stats answer from a read-only folder, and leave no file beside it",
          .enabled(if: immutableWorks && QueryCLI.executable != nil, "chattr +i is not available here"))
    func readsFromReadOnlyFolder() throws {
        try Self.withReadOnlyCopy { path in
            // The ordinary read-only open is what fails there: SQLite cannot create the -shm.
            #expect(throws: (any Error).self) {
                let plain = try Database(path: path, mode: .readOnly)
                _ = try plain.scalarInt("SELECT count(*) FROM events")
            }
            #expect(try TrailDatabase.readingMode(path) == .immutable)
            let count = try QueryCLI.run(["query", "--db", path, "--sql", "SELECT count(*) AS n FROM events", "--format", "csv"])
            #expect(count.status == 0 && count.stdout == "n\r\n23\r\n", "\(count)")
            let who = try QueryCLI.run(["who", "ProdAdmin", "--db", path, "--format", "csv"])
            #expect(who.status == 0 && who.stdout.contains("user/alice"), "\(who)")
            let named = try QueryCLI.run(["query", "top-talkers", "--db", path, "--format", "csv"])
            #expect(named.status == 0, "\(named)")
            let stats = try QueryCLI.run(["stats", "--db", path])
            #expect(stats.status == 0, "\(stats)")
            let folder = (path as NSString).deletingLastPathComponent
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["evidence.db"])
        }
    }

    @Test("a -wal with changes and no -shm in a read-only folder is refused, naming the file and the cause",
          .enabled(if: immutableWorks && QueryCLI.executable != nil, "chattr +i is not available here"))
    func refusesUnreadableLog() throws {
        try Self.withReadOnlyCopy(["evidence.db-wal": Array(repeating: 1, count: 64)]) { path in
            let run = try QueryCLI.run(["query", "--db", path, "--sql", "SELECT 1"])
            #expect(run.status == 3, "\(run)")
            #expect(run.stderr.contains("\(path)-wal holds changes not yet in the database"), "\(run.stderr)")
            #expect(run.stderr.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test("a writable folder keeps the ordinary read-only open")
    func writableFolder() throws {
        #expect(try TrailDatabase.readingMode(QueryFixture.databasePath) == .readOnly)
    }

    @Test("the immutable open's URI escapes what a URI gives meaning to")
    func uri() {
        #expect(Database.immutableURI("/tmp/a b/x.db") == "file:///tmp/a b/x.db?immutable=1")
        #expect(Database.immutableURI("/e/100%?#.db") == "file:///e/100%25%3F%23.db?immutable=1")
        #expect(Database.immutableURI("rel/x.db") == "file:rel/x.db?immutable=1")
        #expect(Database.immutableURI("//host/x.db") == "file:////host/x.db?immutable=1")
    }
}
