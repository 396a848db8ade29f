/// trail's exit codes, documented in the README. Scripts rely on them: never renumber.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// `trail report --fail-on-findings` found something.
    case findings = 1
    /// Some input could not be stored whole (a file failed, records were rejected, or an entry
    /// under a directory was skipped: unreadable, a broken link, a loop, a FIFO).
    /// Everything readable was stored and committed.
    case inputProblems = 2
    /// The database could not be opened, created, written or read (missing, read-only,
    /// full disk, corrupt, or written by a newer trail).
    case databaseError = 3
    /// A query could not run: unknown name, bad parameter, or an invalid SQL statement.
    case queryError = 4
    /// Nothing matched what was asked for: an unknown event id, session or key, a role no session
    /// was under (`who`), an identity with no events (`did`).
    case notFound = 5
    /// The output could not be written: standard output failed (a full disk, a closed
    /// descriptor), so what the command found was lost.
    case outputError = 6
    /// A query was stopped before its end: it ran past its time limit (`--timeout`) or needed
    /// more memory than its limit (`--max-memory`).
    case queryStopped = 7
    /// Command-line usage error (the argument parser's code).
    case usage = 64
    /// Interrupted by the user (SIGINT, Ctrl-C): 128 + the signal, as a shell reports it.
    case interrupted = 130
}

/// An error that knows which documented exit code it deserves, so the command line can map it
/// without knowing every type.
public protocol TrailFailure: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}
