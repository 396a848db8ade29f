import Foundation
import Testing
@testable import TrailCore
#if canImport(Glibc)
import Glibc
#endif

// Every file under an input is either read or reported with its reason and counted (exit
// status 2); names are bytes, not necessarily UTF-8; links are followed, loops are not.

extension TS {
    /// Creates `relative` (raw bytes, not necessarily UTF-8) under `dir` with `text` in it.
    @discardableResult
    static func writeRaw(_ dir: TempDir, _ relative: [UInt8], _ text: String) throws -> [UInt8] {
        let path = Array(dir.path.utf8) + [0x2F] + relative
        let fd = FileIO.withCPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        guard fd >= 0 else { throw FileIO.Failure(description: "cannot create \(PathText.text(of: path)): \(FileIO.errorText(errno))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
        return path
    }

    struct Measured {
        var status: Int32
        var maxRSSKB: Int
        var stderr: String
    }

    /// Runs `arguments` (raw bytes, so a name need not be UTF-8) with stdin and stderr on files,
    /// and returns its exit status and its own peak RSS. The peak comes from GNU time, run
    /// between: posix_spawn's child starts inside this test process, and Linux counts that
    /// process's size into the child's own peak (wait4's ru_maxrss) even after its exec.
    static func spawnMeasured(_ arguments: [[UInt8]], stdinPath: String = "/dev/null") throws -> Measured {
        let scratch = TempDir("trail-spawn")
        defer { scratch.remove() }
        let errPath = scratch.file("stderr")
        let rssPath = scratch.file("rss")
        let time = try #require(["/usr/bin/time", "/bin/time"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                "GNU time is needed to measure a child's own peak memory")
        let arguments = [Array(time.utf8), Array("-q".utf8), Array("-f".utf8), Array("%M".utf8), Array("-o".utf8), Array(rssPath.utf8)] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { bytes in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
            buffer[bytes.count] = 0
            return buffer
        } + [nil]
        defer { for pointer in argv { pointer?.deallocate() } }
        var pid: pid_t = 0
        guard let program = argv.first ?? nil else { throw FileIO.Failure(description: "nothing to run") }
        let rc = argv.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, program, &actions, nil, UnsafeMutablePointer(mutating: base), environ)
        }
        guard rc == 0 else { throw FileIO.Failure(description: "posix_spawn: \(FileIO.errorText(rc))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let err = (try? Data(contentsOf: URL(fileURLWithPath: errPath))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let measured = (try? String(contentsOfFile: rssPath, encoding: .utf8))?
            .split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return Measured(status: exit, maxRSSKB: try #require(measured, "GNU time wrote no peak"), stderr: err)
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
}

@Suite("Input discovery: nothing under an input is skipped silently")
struct InputDiscoveryTests {
    static var trail: String? { TS.trailExecutable }

    @Test("PathText writes any bytes as text and reads them back; UTF-8 names stay as they are")
    func pathTextRoundTrips() {
        #expect(PathText.text(of: TS.bytes("AWSLogs/111122223333/CloudTrail/é/日本.json.gz")) == "AWSLogs/111122223333/CloudTrail/é/日本.json.gz")
        #expect(PathText.text(of: [0x61, 0xFF, 0x5C, 0x0A, 0xC3]) == "a\\xff\\\\\\x0a\\xc3")
        // The overlong and surrogate forms are not UTF-8 either.
        #expect(PathText.text(of: [0xC0, 0xAF, 0xED, 0xA0, 0x80]) == "\\xc0\\xaf\\xed\\xa0\\x80")
        var generator = TS.SplitMix64(seed: 99)
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) }
            let text = PathText.text(of: bytes)
            #expect(PathText.bytes(of: text) == bytes, "\(bytes)")
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{FFFD}" }, "\(text)")
        }
        // A literal "\x41" in a valid name is not confused with an escaped byte.
        #expect(PathText.bytes(of: PathText.text(of: TS.bytes("a\\x41"))) == TS.bytes("a\\x41"))
    }

    @Test("names that are not UTF-8 are all found, read, and recorded in the ledger in a form that round-trips")
    func nonUTF8Names() throws {
        try TS.withTempDir { dir in
            try FileManager.default.createDirectory(atPath: dir.file("logs"), withIntermediateDirectories: true)
            var raws: [[UInt8]] = []
            let oddBytes: [[UInt8]] = [[0xFF], [0xFE, 0xFF], [0xC3], [0xE2, 0x82], [0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8]]
            for (i, odd) in oddBytes.enumerated() {
                raws.append(try TS.writeRaw(dir, TS.bytes("logs/n\(i)-") + odd + TS.bytes(".json"), TS.recordsFile([TS.record(id: "raw-\(i)")])))
            }
            let found = try InputDiscovery.scan(raw: [TS.bytes(dir.file("logs"))])
            #expect(found.files.count == 8 && found.skipped.isEmpty)
            #expect(Set(found.files.map(\.rawPath)) == Set(raws))
            let summary = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(summary.eventsNew == 8 && summary.filesIngested == 8 && !summary.hasProblems)
            let db = try TS.openDB(dir.database)
            let stored = Set(try TS.ledgerRows(db).map { PathText.bytes(of: $0.path) })
            #expect(stored == Set(raws.map(InputDiscovery.absolute)))
        }
    }

    @Test("a name that is not UTF-8, given on the command line, is opened by its bytes",
          .enabled(if: trail != nil, "needs the trail executable"))
    func nonUTF8Argument() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            let raw = try TS.writeRaw(dir, TS.bytes("bad-") + [0xFF, 0xFE] + TS.bytes(".json"), TS.recordsFile([TS.record(id: "arg-0")]))
            let run = try TS.spawnMeasured([TS.bytes(trail), TS.bytes("ingest"), TS.bytes("--db"), TS.bytes(dir.database), raw])
            #expect(run.status == 0, "\(run.stderr)")
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'arg-0'") == 1)
            #expect(try TS.ledgerRows(db).first?.path == PathText.text(of: raw))
            #expect(try TS.ledgerRows(db).first?.path.contains("\\xff\\xfe") == true)
        }
    }

    @Test("links to files and directories are followed, the root too; loops, broken links and FIFOs in a tree are reported and counted")
    func symlinks() throws {
        try TS.withTempDir { dir in
            dir.write("target/real.json", TS.recordsFile([TS.record(id: "via-file-link")]))
            dir.write("target/deep/d.json", TS.recordsFile([TS.record(id: "via-dir-link")]))
            dir.write("logs/plain.json", TS.recordsFile([TS.record(id: "plain")]))
            dir.write("logs/notes.txt", "not a log")
            try FileManager.default.createDirectory(atPath: dir.file("logs/sub"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/link.json"), withDestinationPath: "../target/real.json")
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/linkdir"), withDestinationPath: "../target/deep")
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/sub/loop"), withDestinationPath: "..")
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/dangling.json"), withDestinationPath: "nowhere.json")
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/self"), withDestinationPath: "self")
            #expect(mkfifo(dir.file("logs/pipe.json"), 0o644) == 0)
            try FileManager.default.createSymbolicLink(atPath: dir.file("root"), withDestinationPath: "logs")

            let reporter = TS.RecordingReporter()
            let summary = try TS.ingest([dir.file("root")], into: dir.database, reporter: reporter)
            #expect(summary.eventsNew == 3, "the plain file, the linked file and the file in the linked directory")
            let db = try TS.openDB(dir.database)
            for id in ["plain", "via-file-link", "via-dir-link"] {
                #expect(try TS.eventRow(db, id: id) != nil, "\(id)")
            }
            #expect(summary.filesSkipped == 4)
            #expect(summary.filesIgnored == 1, "notes.txt")
            #expect(summary.hasProblems, "skipped entries make the exit status 2")
            let skipped = summary.failures.filter { $0.status == "skipped" }
            func reason(_ name: String) -> String? { skipped.first { $0.path.hasSuffix("/" + name) }?.error }
            #expect(reason("sub/loop")?.contains("loop") == true, "\(skipped)")
            #expect(reason("dangling.json")?.contains("broken symbolic link") == true, "\(skipped)")
            #expect(reason("self")?.contains("loop") == true, "\(skipped)")
            #expect(reason("pipe.json")?.contains("FIFO") == true, "\(skipped)")
            // Each one is a problem line naming it.
            for name in ["sub/loop", "dangling.json", "self", "pipe.json"] {
                #expect(reporter.problems.contains { $0.contains("root/" + name) }, "\(name): \(reporter.problems)")
            }
            #expect(summary.text.contains("4 skipped"))
        }
    }

    @Test("the command line exits 2 and lists what it skipped in --json",
          .enabled(if: trail != nil, "needs the trail executable"))
    func skippedExitStatus() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            dir.write("logs/a.json", TS.recordsFile([TS.record(id: "cli-a")]))
            try FileManager.default.createSymbolicLink(atPath: dir.file("logs/gone.json"), withDestinationPath: "missing.json")
            let run = try TS.runProcess(trail, ["ingest", "--json", "--quiet", "--db", dir.database, dir.file("logs")])
            #expect(run.status == ExitStatus.inputProblems.rawValue, "\(run.stderrText)")
            #expect(run.stderrText.contains("gone.json: broken symbolic link"))
            let summary = try JSONDecoder().decode(IngestSummary.self, from: Data(run.stdout))
            #expect(summary.filesSkipped == 1 && summary.eventsNew == 1)
            #expect(summary.failures.map(\.status) == ["skipped"])
        }
    }

    /// An unreadable directory. Root ignores mode bits, so as root the ingest runs as `nobody`
    /// through `setpriv` (util-linux): a real permission failure, not a simulated one.
    @Test("a subdirectory that cannot be read is reported and counted, the rest ingested",
          .enabled(if: trail != nil, "needs the trail executable"),
          .enabled(if: geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "running as root without /usr/bin/setpriv: root reads a mode-000 directory, so nothing would fail"))
    func unreadableDirectory() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            dir.write("logs/ok.json", TS.recordsFile([TS.record(id: "readable")]))
            dir.write("logs/locked/hidden-from-us.json", TS.recordsFile([TS.record(id: "locked")]))
            #expect(chmod(dir.file("logs/locked"), 0) == 0)
            defer { chmod(dir.file("logs/locked"), 0o755) }
            var command = [trail, "ingest", "--db", dir.database, dir.file("logs")]
            if geteuid() == 0 {
                // nobody must be able to reach the binary and write the database's directory.
                #expect(chmod(dir.path, 0o777) == 0)
                command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
            }
            let run = try TS.runProcess(command[0], Array(command.dropFirst()))
            #expect(run.status == ExitStatus.inputProblems.rawValue, "\(run.stderrText)")
            #expect(run.stderrText.contains("logs/locked: cannot read directory: permission denied"), "\(run.stderrText)")
            #expect(run.stderrText.contains("1 skipped"), "\(run.stderrText)")
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'readable'") == 1)
        }
    }
}

@Suite("Input reading: bounded memory, limits enforced while reading")
struct InputReadingTests {
    static var trail: String? { TS.trailExecutable }
    /// Well above the binary's own footprint (about 30 MB), far below what reading the inputs
    /// below whole would take.
    static let smallRSSKB = 150_000

    /// The command under a 4 GiB address-space limit, so a reader that grows without bound
    /// fails quickly instead of filling the machine.
    static func bounded(_ command: String) -> [[UInt8]] {
        [TS.bytes("/bin/sh"), TS.bytes("-c"), TS.bytes("ulimit -v 4194304; " + command)]
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test("/dev/zero is refused from its first bytes, in little memory",
          .enabled(if: trail != nil, "needs the trail executable"))
    func devZero() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            let run = try TS.spawnMeasured(Self.bounded("exec \(Self.quoted(trail)) ingest --db \(Self.quoted(dir.database)) /dev/zero"))
            #expect(run.status == ExitStatus.inputProblems.rawValue, "\(run.stderr)")
            #expect(run.stderr.contains("/dev/zero: not gzip and not JSON"), "\(run.stderr)")
            #expect(run.maxRSSKB < Self.smallRSSKB, "peak RSS \(run.maxRSSKB) KB")
        }
    }

    @Test("a regular file over the limit is refused by its size, without reading it",
          .enabled(if: trail != nil, "needs the trail executable"))
    func largeRegularFile() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            // Sparse: 1 GiB long, no disk used.
            let path = dir.write("huge.json", "{")
            #expect(truncate(path, 1 << 30) == 0)
            let run = try TS.spawnMeasured(Self.bounded("exec \(Self.quoted(trail)) ingest --db \(Self.quoted(dir.database)) \(Self.quoted(path))"))
            #expect(run.status == ExitStatus.inputProblems.rawValue, "\(run.stderr)")
            #expect(run.stderr.contains("huge.json: file is 1024 MiB, larger than the 512 MiB limit per file"), "\(run.stderr)")
            #expect(run.maxRSSKB < Self.smallRSSKB, "peak RSS \(run.maxRSSKB) KB")
        }
    }

    @Test("standard input over the limit stops at the limit, holding it once",
          .enabled(if: trail != nil, "needs the trail executable"))
    func stdinOverLimit() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            // 600 MiB of lines that look like JSON, so nothing refuses them before the limit.
            let feed = "yes '{\"a\":1}' | head -c 629145600"
            let run = try TS.spawnMeasured(Self.bounded("\(feed) | \(Self.quoted(trail)) ingest --db \(Self.quoted(dir.database)) -"))
            #expect(run.status == ExitStatus.inputProblems.rawValue, "\(run.stderr)")
            #expect(run.stderr.contains("-: input exceeds the 512 MiB limit per file"), "\(run.stderr)")
            // The limit's worth once (512 MiB) plus the process, not the input twice (1.2 GB).
            #expect(run.maxRSSKB < 524_288 + Self.smallRSSKB, "peak RSS \(run.maxRSSKB) KB")
        }
    }

    @Test("a FIFO without a writer is reported as waited on, then read when a writer comes",
          .enabled(if: trail != nil, "needs the trail executable"))
    func fifoWithoutWriter() throws {
        let trail = try #require(Self.trail)
        try TS.withTempDir { dir in
            let fifo = dir.file("feed.json")
            #expect(mkfifo(fifo, 0o644) == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: trail)
            process.arguments = ["ingest", "--db", dir.database, fifo]
            let errPath = dir.write("stderr.txt", "")
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Wait (bounded) for the notice; the assertion is on the message, not on time.
            var stderr = ""
            for _ in 0..<300 where !stderr.contains("waiting") {
                usleep(100_000)
                stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            }
            #expect(stderr.contains("feed.json: a FIFO with no writer yet; waiting for one"), "\(stderr)")
            // Writing unblocks it whatever happened above, so the test never hangs.
            let writer = open(fifo, O_WRONLY)
            #expect(writer >= 0)
            let text = Array(TS.recordsFile([TS.record(id: "from-fifo")]).utf8)
            _ = text.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            close(writer)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'from-fifo'") == 1)
        }
    }

    @Test("the reader refuses a stream past its limit and keeps a regular file's bytes exact")
    func boundedReader() throws {
        try TS.withTempDir { dir in
            let path = dir.write("small.json", TS.recordsFile([TS.record(id: "exact")]))
            let exact = try FileIO.read(TS.bytes(path), limit: 1 << 20)
            #expect(exact == Array(TS.recordsFile([TS.record(id: "exact")]).utf8))
            #expect(throws: FileIO.Failure.self) { try FileIO.read(TS.bytes(path), limit: 10) }
            // A device whose bytes look like JSON is read only up to the limit.
            let fifo = dir.file("spaces")
            #expect(mkfifo(fifo, 0o644) == 0)
            let writerThread = Thread {
                let fd = open(fifo, O_WRONLY)
                let chunk = [UInt8](repeating: 0x20, count: 1 << 16)
                // Stops when the reader closes its end (EPIPE; SIGPIPE is ignored in the test process).
                for _ in 0..<64 where chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
                close(fd)
            }
            signal(SIGPIPE, SIG_IGN)
            writerThread.start()
            #expect(throws: FileIO.Failure.self) { try FileIO.read(TS.bytes(fifo), limit: 1 << 18, waiting: { _ in }) }
        }
    }

    @Test("a gzip stream inflating past the limit is refused whole")
    func inflateLimitRefusesWhole() {
        let big = TS.gzip([UInt8](repeating: 0x20, count: 1 << 20))
        let inflated = Gunzip.inflate(big, limit: 1 << 16)
        #expect(inflated.bytes.isEmpty)
        #expect(inflated.error?.reason.contains("limit") == true)
    }
}
