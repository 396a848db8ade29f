import ArgumentParser
import Foundation
import TrailCore

/// Prints a one-line reason on stderr and maps the error to trail's documented exit code.
func fail(_ error: Error) -> ExitCode {
    let (status, message): (ExitStatus, String)
    switch error {
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

func printError(_ message: String) {
    FileHandle.standardError.write(Data("trail: \(message)\n".utf8))
}

/// True when stderr is a terminal, which is the only time trail draws a progress bar.
var stderrIsTerminal: Bool { isatty(2) == 1 }
