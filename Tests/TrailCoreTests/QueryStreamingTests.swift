import Foundation
import Testing
@testable import TrailCore

#if canImport(Glibc)
import Glibc
#endif

/// `trail query` as a process: rows stream out with bounded memory, a statement stops at its
/// time or memory limit or on Ctrl-C, tables show a bounded window. Peak memory is read from
/// the kernel (GNU time's figure, /proc's VmHWM), never inferred from timings.
@Suite("Query streaming, limits and interruption", .enabled(if: QueryCLI.executable != nil, "the trail executable is not built"))
struct QueryStreamingTests {
    static var db: String { QueryFixture.databasePath }

    /// `count` generated rows of about 220 bytes each as JSON: far more than the bound below
    /// when held, nothing much when streamed.
    static func generated(_ count: Int) -> String {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT \(count)) SELECT x, printf('%.200c', '*') AS pad FROM c"
    }

    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

    /// Peak RSS allowed for a streamed query; the process itself takes about 26 MB.
    static let memoryBoundKB = 64 * 1024

    struct Child {
        let pid: pid_t
        /// The read end of the child's stdout, when it writes into a pipe.
        let stdout: Int32?
        let stderrPath: String

        struct Ended {
            var exitCode: Int32?
            var signal: Int32?
            var stderr: String
        }

        func wait() -> Ended {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            if let stdout { close(stdout) }
            let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            let signal = status & 0x7f
            return Ended(exitCode: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
                         stderr: stderr)
        }

        /// A line of /proc/PID/status, such as VmHWM (peak RSS so far) or SigIgn.
        func status(_ key: String) -> String? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
            for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
                return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        /// Reads stdout up to and including the first newline.
        func firstLine() -> String {
            guard let stdout else { return "" }
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while read(stdout, &byte, 1) == 1 {
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Starts `trail ARGS` with stdout into a pipe (`pipe: true`) or /dev/null, stderr into a file.
    static func spawn(_ arguments: [String], pipe usePipe: Bool, scratch: QueryScratch, through wrapper: [String] = []) throws -> Child {
        let trail = try #require(QueryCLI.executable)
        let executable = wrapper.first ?? trail
        let arguments = wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [trail] + arguments
        let errPath = scratch.url.appendingPathComponent("err").path
        var fds: [Int32] = [-1, -1]
        if usePipe { try #require(pipe(&fds) == 0) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if usePipe {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment = ProcessInfo.processInfo.environment
        environment["TRAIL_DB"] = nil
        environment["TRAIL_QUERIES"] = nil
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        if usePipe { close(fds[1]) }
        try #require(rc == 0, "posix_spawn: \(rc)")
        return Child(pid: pid, stdout: usePipe ? fds[0] : nil, stderrPath: errPath)
    }

    @Test("the first row reaches a reader (| head -1) while the rest are still to come, in bounded memory")
    func firstRowStreams() throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let child = try Self.spawn(["query", "--db", Self.db, "--sql", Self.generated(1_000_000), "--format", "jsonl", "--timeout", "0"],
                                   pipe: true, scratch: scratch)
        let line = child.firstLine()
        // Read while the child still runs: a million rows take far longer than one.
        let peak = child.status("VmHWM")
        if let fd = child.stdout { close(fd) }
        let ended = Child(pid: child.pid, stdout: nil, stderrPath: child.stderrPath).wait()
        #expect(line == "{\"x\":1,\"pad\":\"\(String(repeating: "*", count: 200))\"}")
        let peakKB = peak.flatMap { Int($0.split(separator: " ").first ?? "") }
        #expect(peakKB != nil && peakKB! < Self.memoryBoundKB, "peak RSS at the first row: \(peak ?? "?")")
        // The reader went away: ended by SIGPIPE, quietly, as `cat` would be.
        #expect(ended.signal == SIGPIPE, "\(ended)")
        #expect(ended.stderr.isEmpty, "\(ended.stderr)")
    }

    static let time = ["/usr/bin/time", "/bin/time"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// wait4's own figure would not do: posix_spawn starts the child in the test process's
    /// memory (vfork), and Linux counts that memory into the child's peak across exec. GNU
    /// time forks a small copy of itself instead, so its child's peak is trail's alone.
    @Test("a whole result of 400,000 rows (88 MB of JSON) streams in bounded memory", .enabled(if: time != nil, "no /usr/bin/time"),
          arguments: ["jsonl", "json", "csv", "table"])
    func wholeResultStreams(format: String) throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let report = scratch.url.appendingPathComponent("rss").path
        let child = try Self.spawn(["query", "--db", Self.db, "--sql", Self.generated(400_000), "--format", format, "--timeout", "0"],
                                   pipe: false, scratch: scratch, through: [try #require(Self.time), "-f", "%M", "-o", report])
        let ended = child.wait()
        #expect(ended.exitCode == 0, "\(ended)")
        let peakKB = Int((try String(contentsOfFile: report, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(peakKB != nil && peakKB! < Self.memoryBoundKB, "\(format): peak RSS \(peakKB.map(String.init) ?? "?") KB")
    }

    @Test("--timeout 1 stops an endless recursive CTE: exit 7 and one line")
    func timeout() throws {
        let run = try QueryCLI.run(["query", "--db", Self.db, "--sql", Self.endless, "--timeout", "1"])
        #expect(run.status == 7, "\(run)")
        #expect(run.stderr == "trail: query stopped after 1 s, its time limit (--timeout SECONDS sets it, 0 for none)\n")
        #expect(run.stdout.isEmpty)
    }

    @Test("the investigations run under the same guard: a stopped guard stops them; --timeout is accepted")
    func investigationsGuarded() throws {
        let db = try QueryFixture.open()
        let statementGuard = StatementGuard(timeout: 60)
        db.install(statementGuard)
        let investigator = Investigator(database: db, now: QueryFixture.now)
        #expect(try investigator.who(role: "ProdAdmin", filter: EventFilter()).sections.isEmpty == false)
        statementGuard.cancel()
        #expect(throws: QueryStopped(reason: .interrupted)) { try investigator.who(role: "ProdAdmin", filter: EventFilter()) }
        for arguments in [["who", "ProdAdmin"], ["did", "alice"], ["key", "AKIAR7TQ2MXKCWJ6HV4N"], ["session", "alice-prod"]] {
            let run = try QueryCLI.run(arguments + ["--db", Self.db, "--timeout", "30", "--format", "csv"])
            #expect(run.status == 0 || run.status == 5, "\(arguments): \(run)")
        }
    }

    @Test("--max-memory stops a query whose memory grows without end: exit 7 and one line")
    func memoryLimit() throws {
        // UNION (not UNION ALL) keeps every row seen so far, in memory.
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION SELECT x + 1 FROM c) SELECT count(*) FROM c"
        let run = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql, "--timeout", "0", "--max-memory", "32"])
        #expect(run.status == 7, "\(run)")
        #expect(run.stderr == "trail: query stopped: it needed more than 32 MB of memory, its limit (--max-memory MB sets it, 0 for none)\n")
    }

    @Test("Ctrl-C (SIGINT) interrupts a running statement: exit 130 and one line", arguments: [false, true])
    func interrupt(streaming: Bool) throws {
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        // One statement that returns nothing until it ends, or an endless stream of rows.
        let sql = streaming ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c" : Self.endless
        let child = try Self.spawn(["query", "--db", Self.db, "--sql", sql, "--timeout", "0", "--format", "jsonl"],
                                   pipe: false, scratch: scratch)
        // Once trail has taken SIGINT over, it is no longer at its default action (the
        // dispatch source ignores it, then catches it: SigIgn or SigCgt has its bit); before
        // that the signal would end the process, which is not what is under test.
        var ready = false
        for _ in 0..<3000 {
            let bit = UInt64(1) << (UInt64(SIGINT) - 1)
            let masks = ["SigIgn", "SigCgt"].compactMap { child.status($0).flatMap { UInt64($0, radix: 16) } }
            if masks.contains(where: { $0 & bit != 0 }) {
                ready = true
                break
            }
            if masks.isEmpty { break }  // the child has ended
            usleep(10_000)
        }
        guard ready else {
            kill(child.pid, SIGKILL)
            let ended = child.wait()
            Issue.record("trail never took over SIGINT: \(ended)")
            return
        }
        kill(child.pid, SIGINT)
        let ended = child.wait()
        #expect(ended.exitCode == 130, "\(ended)")
        #expect(ended.stderr == "trail: interrupted\n")
    }

    @Test("a table shows --limit N rows and says how many it left out; csv and json stay complete")
    func tableLimit() throws {
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10) SELECT x FROM c"
        let table = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql, "--limit", "3"])
        #expect(table.status == 0, "\(table)")
        // Measured over the rows shown: the 10 left out does not widen the column.
        #expect(table.stdout == "x\n-\n1\n2\n3\n")
        #expect(table.stderr == "(3 of 10 rows shown; --limit 0 shows all, or use --format csv, json or jsonl)\n")
        let all = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql, "--limit", "0"])
        #expect(all.stdout.split(separator: "\n").count == 12 && all.stderr.isEmpty, "\(all)")
        // Not at a terminal and no --limit: every row.
        let piped = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql])
        #expect(piped.stdout.split(separator: "\n").count == 12 && piped.stderr.isEmpty, "\(piped)")
        let csv = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql, "--limit", "3", "--format", "csv"])
        #expect(csv.stdout == "x\r\n" + (1...10).map { "\($0)\r\n" }.joined() && csv.stderr.isEmpty, "\(csv)")
        let json = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql, "--limit", "3", "--format", "json"])
        #expect(json.stdout == "[\n" + (1...10).map { "  {\"x\":\($0)}" }.joined(separator: ",\n") + "\n]\n")
        // A named query with a limit parameter of its own gets --limit.
        let talkers = try QueryCLI.run(["query", "top-talkers", "--db", Self.db, "--limit", "1", "--format", "csv"])
        #expect(talkers.status == 0 && talkers.stdout.split(separator: "\r\n").count == 2, "\(talkers)")
    }

    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("at a terminal a table shows 1,000 rows by default and says how many it left out",
          .enabled(if: script != nil, "no script(1) to give trail a terminal"))
    func terminalDefaultLimit() throws {
        let executable = try #require(QueryCLI.executable)
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000) SELECT x FROM c"
        // script(1) runs the command on a pseudo-terminal: stdout and stderr both reach it.
        let command = "'\(executable)' query --db '\(Self.db)' --sql '\(sql)'"
        let run = try TS.runProcess(try #require(Self.script), ["-qc", command, "/dev/null"])
        let lines = run.stdoutText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("1000") && !lines.contains("1001"), "\(lines.suffix(3))")
        #expect(lines.contains("(1000 of 5000 rows shown; --limit 0 shows all, or use --format csv, json or jsonl)"), "\(lines.suffix(3))")
    }

    @Test("a streamed table keeps its first window's layout; later rows longer than a column are not cut")
    func tableWindow() throws {
        let window = RowStreamWriter.tableWindow
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT \(window + 1)) "
            + "SELECT x, CASE WHEN x > \(window) THEN 'longer than the rest' ELSE 'short' END AS t FROM c"
        let run = try QueryCLI.run(["query", "--db", Self.db, "--sql", sql])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == window + 3, "\(lines.count)")
        #expect(lines.first == "   x  t")
        #expect(lines.last == "\(window + 1)  longer than the rest")
    }

    @Test("rows stream through RowStreamWriter exactly as the buffered writers print them")
    func sameBytesAsBuffered() throws {
        let runner = try QueryFixture.runner()
        let sql = "SELECT event_id, event_time, event_name, error_code, read_only FROM event_attribution ORDER BY event_ts, event_id"
        let buffered = try runner.rows(sql: sql)
        for format in OutputFormat.allCases {
            let sink = ByteSink()
            var notes: [String] = []
            try runner.stream(sql: sql, to: RowStreamWriter(format: format, width: nil, limit: nil, to: sink) { notes.append($0) })
            let expected = ByteSink()
            ReportRenderer(format: format, width: nil).write(buffered, to: expected) { _ in }
            #expect(sink.take() == expected.take(), "\(format)")
            #expect(notes.isEmpty)
        }
    }
}
