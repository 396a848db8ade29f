import ArgumentParser
import Foundation
import TrailCore

/// Prints a one-line reason on stderr and maps the error to trail's documented exit code.
func fail(_ error: Error) -> ExitCode {
    let (status, message): (ExitStatus, String)
    switch error {
    case let e as WriteFailure:
        if e.isBrokenPipe { exitOnBrokenPipe() }
        (status, message) = (e.exitStatus, "\(e)")
    case let e as TrailFailure: (status, message) = (e.exitStatus, "\(e)")
    case let e as DatabaseError: (status, message) = (.databaseError, "database: \(e)")
    case let e as TrailDatabase.MissingDatabase: (status, message) = (.databaseError, "\(e)")
    case let e as Schema.NewerFormatError: (status, message) = (.databaseError, "\(e)")
    case let e as Schema.OlderFormatError: (status, message) = (.databaseError, "\(e)")
    case let e as Schema.ForeignDatabaseError: (status, message) = (.databaseError, "\(e)")
    case let e as InputError: (status, message) = (.usage, "\(e)")
    default: (status, message) = (.databaseError, "\(error)")
    }
    printError(message)
    return ExitCode(status.rawValue)
}

/// "trail: " and the message on stderr, one line: control characters in it (from file names,
/// record values, SQL errors quoting them) are escaped, never sent to the terminal.
func printError(_ message: String) {
    StandardStreams.writeMessage(message)
}

/// A remark that goes with the data ("(no rows)"), on stderr without the prefix, escaped.
func printNote(_ note: String) {
    StandardStreams.writeMessage(note, prefix: "")
}

/// Text to stdout; a failed write throws `WriteFailure`, which `fail` turns into exit 6 (or the
/// quiet exit of a closed pipe).
func writeOutput(_ text: String) throws {
    try StandardStreams.writeOutput(text)
}

/// The reader of stdout went away (`trail … | head`): end as `cat` does there, killed by SIGPIPE,
/// with nothing on stderr. trail ignores SIGPIPE while it runs (see `Trail.main`), so the signal
/// is raised here with its default action once the output is known to be unwanted.
func exitOnBrokenPipe() -> Never {
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    exit(128 + SIGPIPE)
}

/// True when stderr is a terminal, which is the only time trail draws a progress bar.
var stderrIsTerminal: Bool { isatty(2) == 1 }
