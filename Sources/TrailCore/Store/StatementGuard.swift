import CSQLite
import Foundation

/// Stops a statement that runs too long, or that the user interrupted (Ctrl-C), through
/// SQLite's progress handler: SQLite calls it every few thousand virtual-machine steps, and a
/// non-zero answer ends the statement with SQLITE_INTERRUPT, which `QueryRunner` reports as
/// `QueryStopped`. A recursive CTE with no end would otherwise run until killed.
public final class StatementGuard: @unchecked Sendable {
    /// Seconds each statement may run; nil: no limit.
    public let timeout: Double?
    /// Set from the signal's dispatch queue, read by the statement's thread.
    private let lock = NSLock()
    private var cancelled = false
    /// When the running statement must stop (monotonic nanoseconds); touched only on the
    /// statement's thread.
    private var deadline: UInt64 = .max

    public init(timeout: Double?) {
        self.timeout = timeout.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The user asked to stop (SIGINT). Safe from any thread.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    private var exiting = false

    /// True for the first caller only: of the command's own error path and the interrupt's
    /// fallback exit, one says "interrupted".
    public func claimExit() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if exiting { return false }
        exiting = true
        return true
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Starts the clock for one statement.
    func begin() {
        deadline = timeout.map { Self.now() &+ UInt64($0 * 1_000_000_000) } ?? .max
    }

    /// Stops the clock: statements trail runs outside `QueryRunner` have no deadline.
    func end() { deadline = .max }

    /// The progress handler's question: stop now?
    func shouldStop() -> Bool {
        if isCancelled { return true }
        return deadline != .max && Self.now() >= deadline
    }

    /// The error for a statement SQLite stopped (SQLITE_INTERRUPT) under this guard.
    func stopped() -> QueryStopped {
        if isCancelled { return QueryStopped(reason: .interrupted) }
        return QueryStopped(reason: .timeout(seconds: timeout ?? 0))
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// A statement that did not run to its end: past `--timeout`, past the memory limit, or
/// interrupted by the user.
public struct QueryStopped: TrailFailure, Equatable {
    public enum Reason: Equatable, Sendable {
        case timeout(seconds: Double)
        case memory(megabytes: Int)
        case interrupted
    }

    public var reason: Reason

    public init(reason: Reason) { self.reason = reason }

    public var exitStatus: ExitStatus {
        switch reason {
        case .interrupted: return .interrupted
        case .timeout, .memory: return .queryStopped
        }
    }

    public var description: String {
        switch reason {
        case .timeout(let seconds):
            let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            return "query stopped after \(shown) s, its time limit (--timeout SECONDS sets it, 0 for none)"
        case .memory(let megabytes):
            return "query stopped: it needed more than \(megabytes) MB of memory, its limit (--max-memory MB sets it, 0 for none)"
        case .interrupted:
            return "interrupted"
        }
    }
}
