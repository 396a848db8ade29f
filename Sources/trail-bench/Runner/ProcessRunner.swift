import Foundation
import Glibc

/// Runs a program as a child process and measures it: wall time around posix_spawn → wait4,
/// and the child's own rusage from wait4 (ru_maxrss = peak RSS, in KiB on Linux). wait4 gives
/// that child's figures alone, unlike getrusage(RUSAGE_CHILDREN), which keeps the maximum over
/// every child ever waited for (it would mix the baseline's and trail's peaks).
struct ProcessResult {
    var exitCode: Int32
    var signal: Int32?
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    var peakRSSKiB: Int
    var stdoutPath: String?
    var stderrPath: String?

    var succeeded: Bool { signal == nil && exitCode == 0 }
    var peakRSSMiB: Double { Double(peakRSSKiB) / 1024 }

    var statusText: String {
        if let signal { return "killed by signal \(signal)" }
        return "exit \(exitCode)"
    }

    /// The last lines of stderr, for error messages.
    func stderrTail(_ lines: Int = 5) -> String {
        guard let path = stderrPath, let data = FileManager.default.contents(atPath: path) else { return "" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    func stdoutText() -> String {
        guard let path = stdoutPath, let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

enum ProcessRunner {
    struct SpawnError: Error, CustomStringConvertible {
        let program: String
        let code: Int32
        var description: String { "cannot start \(program): \(String(cString: strerror(code)))" }
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs `argv` (argv[0] looked up in PATH when it has no slash) with stdin from /dev/null
    /// and stdout/stderr to the given files (or /dev/null).
    static func run(_ argv: [String], stdout: String? = nil, stderr: String? = nil) throws -> ProcessResult {
        precondition(!argv.isEmpty, "empty command line")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let started = monotonic()
        let rc = cArgs.withUnsafeBufferPointer { args -> Int32 in
            guard let base = args.baseAddress else { return EINVAL }
            return posix_spawnp(&pid, argv[0], &actions, nil, base, environ)
        }
        guard rc == 0 else { throw SpawnError(program: argv[0], code: rc) }

        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw SpawnError(program: argv[0], code: errno) }
        }
        let wall = monotonic() - started
        // WIFEXITED/WEXITSTATUS are macros; decode the wait status by hand.
        let termSignal = status & 0x7F
        let exitCode = termSignal == 0 ? (status >> 8) & 0xFF : -1
        func seconds(_ tv: timeval) -> Double { Double(tv.tv_sec) + Double(tv.tv_usec) / 1e6 }
        return ProcessResult(exitCode: exitCode, signal: termSignal == 0 ? nil : termSignal, wallSeconds: wall,
                             userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
                             peakRSSKiB: Int(usage.ru_maxrss), stdoutPath: stdout, stderrPath: stderr)
    }
}
