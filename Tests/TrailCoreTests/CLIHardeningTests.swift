import Foundation
import Testing
@testable import TrailCore

#if canImport(Glibc)
import Glibc
#endif

/// The command line against hostile surroundings: `-o` pointed at the wrong thing, stdout that
/// cannot be written, control characters in file names and record values, odd arguments. Every
/// case runs the built binary as a real process.
@Suite("CLI hardening: -o targets, write errors, terminal escapes, argument checks",
       .enabled(if: QueryCLI.executable != nil, "the trail executable is not built"))
struct CLIHardeningTests {
    static var db: String { QueryFixture.databasePath }

    typealias Run = QueryCLI.Raw

    /// Runs `trail ARGS` through `/bin/sh -c SCRIPT`, where the script's `"$@"` is the command
    /// (so the shell can redirect stdout to /dev/full or close it); stderr and stdout (when the
    /// script leaves it alone) are captured in files.
    static func shell(_ script: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let executable = try #require(QueryCLI.executable)
        return try QueryCLI.spawn("/bin/sh", ["-c", script, "sh", executable] + arguments, environment: extra)
    }

    static func fileMode(_ path: String) -> mode_t {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode : 0
    }

    // MARK: item 2, -o

    @Test("-o refuses an SQLite database, a directory, a FIFO and a device, and changes none of them")
    func outputRefusesNonReports() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("trail.db").path
        try FileManager.default.copyItem(atPath: Self.db, toPath: database)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let asDatabase = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", database])
        #expect(asDatabase.status == 4, "\(asDatabase.status) \(asDatabase.stderr)")
        #expect(asDatabase.stderr.contains("SQLite database") && asDatabase.stderr.split(separator: "\n").count == 1, "\(asDatabase.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "the database must be untouched")
        // The same through a symlink: the link is followed and the rule applies to its target.
        let link = scratch.url.appendingPathComponent("db-link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "trail.db")
        #expect(try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", link]).status == 4)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)

        let directory = scratch.url.appendingPathComponent("folder").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let asDirectory = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", directory])
        #expect(asDirectory.status == 4 && asDirectory.stderr.contains("directory"), "\(asDirectory.stderr)")

        let fifo = scratch.url.appendingPathComponent("fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let asFIFO = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", fifo])
        #expect(asFIFO.status == 4 && asFIFO.stderr.contains("FIFO"), "\(asFIFO.stderr)")
        #expect(Self.fileMode(fifo) & S_IFMT == S_IFIFO, "the FIFO must still be a FIFO")

        // A device node of our own (a copy of /dev/null's numbers), never the real one: only
        // root can make it, and only root could have replaced /dev/null.
        if geteuid() == 0 {
            var null = stat()
            try #require(stat("/dev/null", &null) == 0)
            let device = scratch.url.appendingPathComponent("null-device").path
            try #require(mknod(device, S_IFCHR | 0o666, null.st_rdev) == 0)
            let asDevice = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", device])
            #expect(asDevice.status == 4 && asDevice.stderr.contains("device"), "\(asDevice.stderr)")
            #expect(Self.fileMode(device) & S_IFMT == S_IFCHR, "the device node must still be a device")
        }
    }

    @Test("-o follows a symlink to its target and keeps an existing file's mode")
    func outputFollowsLinksKeepsMode() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let real = scratch.url.appendingPathComponent("real.txt").path
        let link = scratch.url.appendingPathComponent("link.txt").path
        try Data("old report".utf8).write(to: URL(fileURLWithPath: real))
        try #require(chmod(real, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.txt")
        let written = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", link])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.txt", "the link stays a link")
        let text = try String(contentsOfFile: real, encoding: .utf8)
        #expect(text.hasPrefix(ComplianceReport.title), "the report went to the link's target")
        #expect(Self.fileMode(real) & 0o777 == 0o600, "mode \(String(Self.fileMode(real) & 0o777, radix: 8)), want 600")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == ["link.txt", "real.txt"])

        // Without a link, too: 0640 stays 0640.
        let plain = scratch.url.appendingPathComponent("plain.txt").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: plain))
        try #require(chmod(plain, 0o640) == 0)
        #expect(try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "-o", plain]).status == 0)
        #expect(Self.fileMode(plain) & 0o777 == 0o640)
    }

    // MARK: item 7, write errors

    static let commands: [[String]] = [
        ["report", "--all", "--db", db],
        ["query", "--list"],
        ["query", "top-talkers", "--db", db],
        ["who", "ProdAdmin", "--db", db],
        ["did", "alice", "--db", db],
        ["stats", "--db", db],
        ["schema", "--db", db],
        ["policy", "order-processor-role", "--db", db],
        ["report", "--help"],
    ]

    @Test("stdout on /dev/full: every command exits 6 with one line naming the error, no crash")
    func fullDisk() throws {
        for arguments in Self.commands {
            let run = try Self.shell("exec \"$@\" >/dev/full", arguments)
            #expect(run.reason == .exit && run.status == 6, "\(arguments): \(run.reason) \(run.status) \(run.stderrText)")
            let lines = run.stderrText.split(separator: "\n")
            #expect(lines.last == "trail: error writing to standard output: No space left on device", "\(arguments): \(run.stderrText)")
            #expect(!run.stderrText.contains("Fatal error") && !run.stderrText.contains("Backtrac"), "\(arguments): \(run.stderrText)")
        }
    }

    @Test("ingest --json into /dev/full exits 6 (the load itself is committed)")
    func ingestFullDisk() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("ingest.db").path
        let run = try Self.shell("exec \"$@\" >/dev/full", ["ingest", "--db", database, "--json", "--quiet", QueryFixture.directory.path])
        #expect(run.status == 6, "\(run.status) \(run.stderrText)")
        #expect(run.stderrText == "trail: error writing to standard output: No space left on device\n", "\(run.stderrText)")
        #expect(try TS.count(try TS.openDB(database), "SELECT count(*) FROM events") == 23)
    }

    @Test("a closed stdout is an error too (exit 6, EBADF), not a crash and not a write into another file")
    func closedStdout() throws {
        for arguments in Self.commands {
            let run = try Self.shell("exec \"$@\" >&-", arguments)
            #expect(run.reason == .exit && run.status == 6, "\(arguments): \(run.reason) \(run.status) \(run.stderrText)")
            #expect(run.stderrText.hasSuffix("trail: error writing to standard output: Bad file descriptor\n"), "\(arguments): \(run.stderrText)")
        }
    }

    @Test("a reader that goes away (| head) ends the command quietly, as SIGPIPE ends cat")
    func brokenPipe() throws {
        let executable = try #require(QueryCLI.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Far more than a pipe holds, so the write after the reader closes must fail.
        process.arguments = ["query", "--sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) SELECT x FROM c",
                             "--db", Self.db]
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        try pipe.fileHandleForReading.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE,
                "\(process.terminationReason) \(process.terminationStatus)")
        #expect(stderr.isEmpty, "\(String(decoding: stderr, as: UTF8.self))")
    }

    @Test("ByteSink keeps the first write error and finish() throws it")
    func byteSinkReportsErrors() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let sink = ByteSink(descriptor: fd)
        sink.write("hello\n")
        #expect(throws: WriteFailure(target: "standard output", code: ENOSPC)) { try sink.finish() }
        let good = ByteSink()
        good.write("x")
        try good.finish()
        #expect(good.take() == "x")
    }

    // MARK: item 11, escapes on stderr

    @Test("TerminalText.escape shows C0, DEL, C1, CR and LF visibly and leaves other text alone")
    func escapeFunction() {
        #expect(TerminalText.escape("a\u{1B}]0;pwned\u{07}b\nc\rd\te\u{7F}f\u{9B}2Jg") == "a\\x1b]0;pwned\\x07b\\nc\\rd\\te\\x7ff\\x9b2Jg")
        #expect(TerminalText.escape("plain ünïcödé 東京 \\ path/x.json") == "plain ünïcödé 東京 \\ path/x.json")
        #expect(TerminalText.escape("\u{00}\u{1F}\u{80}\u{9F}\u{A0}") == "\\x00\\x1f\\x80\\x9f\u{A0}")
    }

    @Test("a file name with an escape sequence and a newline is one inert line on stderr")
    func hostileFileName() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let logs = scratch.url.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let name = "evil\u{1B}]0;owned\u{07}\u{1B}[2J\nsecond.json"
        try Data("{\"Records\": {}}".utf8).write(to: logs.appendingPathComponent(name))
        let run = try Self.shell("exec \"$@\"", ["ingest", "--db", scratch.url.appendingPathComponent("t.db").path, "--quiet", logs.path])
        #expect(run.status == 2, "\(run.stderrText)")
        #expect(!run.stderr.contains(0x1B) && !run.stderr.contains(0x07), "raw control bytes reached stderr: \(run.stderrText)")
        let lines = run.stderrText.split(separator: "\n")
        #expect(lines.count == 1, "one problem, one line: \(lines)")
        // Paths are shown as the ledger keeps them (PathText: control bytes as \xHH).
        #expect(lines.first?.contains("evil\\x1b]0;owned\\x07\\x1b[2J\\x0asecond.json") == true, "\(run.stderrText)")
    }

    @Test("values echoed in notes and errors are escaped; the table, JSON and CSV outputs carry them safely")
    func hostileValues() throws {
        let evil = "X\u{1B}[2J\u{1B}]0;t\u{07}Y"
        for arguments in [["who", evil], ["did", evil], ["session", evil], ["key", evil], ["query", evil]] {
            let run = try Self.shell("exec \"$@\"", arguments + ["--db", Self.db])
            #expect(!run.stderr.contains(0x1B) && !run.stderr.contains(0x07), "\(arguments): \(run.stderrText)")
            #expect(run.stderrText.contains("X\\x1b[2J"), "\(arguments): \(run.stderrText)")
        }
        let sql = "SELECT char(27) || '[2J' || char(10) || 'next' || char(155) AS v"
        let table = try Self.shell("exec \"$@\"", ["query", "--sql", sql, "--db", Self.db])
        #expect(table.status == 0 && !table.stdout.contains(0x1B) && !table.stdoutText.contains("\u{9B}"), "\(table.stdoutText)")
        #expect(table.stdoutText.split(separator: "\n").count == 3, "header, rule, one row: \(table.stdoutText)")
        let json = try Self.shell("exec \"$@\"", ["query", "--sql", sql, "--db", Self.db, "--format", "json"])
        #expect(!json.stdout.contains(0x1B) && json.stdoutText.contains("\\u001b[2J\\nnext"), "\(json.stdoutText)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [[String: String]])
        #expect(rows.first?["v"] == "\u{1B}[2J\nnext\u{9B}")
        // CSV is data for spreadsheets and programs: the value is kept whole, inside quotes.
        let csv = try Self.shell("exec \"$@\"", ["query", "--sql", sql, "--db", Self.db, "--format", "csv"])
        #expect(csv.stdoutText.contains("\"\u{1B}[2J\nnext\u{9B}\""), "\(csv.stdoutText)")
    }

    // MARK: item 12, arguments

    @Test("argument errors: one line naming the problem and --help, exit 64")
    func argumentErrors() throws {
        let cases: [([String], String)] = [
            (["who", "ProdAdmin", "--db", ""], "--db"),
            (["stats", "--db", "/tmp"], "is a directory"),
            (["ingest", "-j", "1000000", "--db", "/nonexistent/x.db", "/nonexistent"], "--jobs must be between 1 and 64"),
            (["ingest", "-j", "0", "/nonexistent"], "--jobs"),
            (["help", "frob"], "no command 'frob'"),
            (["frob"], "frob"),
            (["who"], "who --help"),
            (["who", "x", "--format", "xml"], "xml"),
        ]
        for (arguments, expected) in cases {
            let run = try Self.shell("exec \"$@\"", arguments)
            #expect(run.status == 64, "\(arguments): \(run.status) \(run.stderrText)")
            let lines = run.stderrText.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("trail: ") && lines[0].contains("--help"), "\(arguments): \(run.stderrText)")
            #expect(run.stderrText.contains(expected), "\(arguments): \(run.stderrText)")
            #expect(run.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/x.db"))
        let help = try Self.shell("exec \"$@\"", ["help", "who"])
        #expect(help.status == 0 && help.stdoutText.contains("OVERVIEW: Who acted under a role"), "\(help.stderrText)")
    }

    @Test("a user's file replacing a built-in check is named in every report format")
    func overriddenCheckSource() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        try scratch.write("mine.sql", """
            -- name: my-cis-4-1
            -- description: A replacement for CIS 4.1
            -- report: cis-4.1
            -- title: Unauthorized API calls (site version)
            -- severity: high
            -- param: since time optional
            -- param: until time optional
            -- param: account text optional
            SELECT event_id FROM events WHERE error_code IS NOT NULL
              AND (:since IS NULL OR event_ts >= :since) AND (:until IS NULL OR event_ts < :until)
              AND (:account IS NULL OR recipient_account_id = :account);
            """)
        let file = scratch.url.appendingPathComponent("mine.sql").path
        for format in ["text", "markdown", "json", "html"] {
            let run = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "--queries", scratch.path, "--format", format])
            #expect(run.status == 0, "\(format): \(run.stderr)")
            #expect(run.stdout.contains(file), "\(format) does not name \(file)")
        }
        let builtIn = try QueryCLI.run(["report", "cis-4.1", "--db", Self.db, "--format", "json"])
        #expect(builtIn.stdout.contains("\"source\": \"built-in\""))
    }
}
