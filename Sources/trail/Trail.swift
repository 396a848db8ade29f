import ArgumentParser
import Foundation
import TrailCore

@main
struct Trail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trail",
        abstract: "Index AWS CloudTrail logs in SQLite and answer who did what, under which role.",
        discussion: """
        Typical use:
          trail ingest AWSLogs/         # load logs: S3 layout, files, or - (stdin)
          trail who ProdAdmin           # who acted under a role, by which chains
          trail did alice --since 7d    # what an identity did, through any chain
          trail explain <event-id>      # why an event was attributed as it was
          trail show <event-id>         # the record itself, byte for byte
          trail query --list            # named queries (trail schema: the tables)
          trail report --all --since 24h  # CIS and hygiene checks, who did each

        The database is --db FILE, else $TRAIL_DB, else ./trail.db.
        Exit codes: 0 ok, 1 findings (report --fail-on-findings), 2 some input failed,
        3 database error, 4 query error, 5 not found (also who/did with no match),
        6 standard output could not be written, 7 a query stopped by --timeout or
        --max-memory, 64 usage error, 130 interrupted (Ctrl-C).
        """,
        version: "0.1.0",
        subcommands: [IngestCommand.self, StatsCommand.self, QueryCommand.self, SchemaCommand.self, WhoCommand.self,
                      DidCommand.self, SessionCommand.self, KeyCommand.self, ExplainCommand.self, ShowCommand.self, ReportCommand.self, PolicyCommand.self]
    )

    /// The argument parser's own `main`, with trail's rules for output: every write is checked
    /// (a lost stdout is an error, exit 6), an error is one line on stderr, and help goes through
    /// the same checked writes.
    static func main() {
        // A write to a closed pipe returns EPIPE instead of killing the process: an ingest whose
        // stderr reader went away keeps loading, and stdout's EPIPE ends quietly in
        // `exitOnBrokenPipe`, as SIGPIPE would.
        signal(SIGPIPE, SIG_IGN)
        StandardStreams.reserveStandardDescriptors()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        do {
            try checkHelpTopics(arguments)
            command = try parseAsRoot(arguments)
        } catch {
            exitForArgumentError(error, arguments: arguments)
        }
        do {
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            // `trail help NAME` and a bare `trail` answer from run() with the parser's help
            // request, and a command's validation can throw there too: the parser's to word.
            if error is ValidationError || error is CleanExit || exitCode(for: error) == .success {
                exitForArgumentError(error, arguments: arguments)
            }
            Foundation.exit(fail(error).rawValue)
        }
        Foundation.exit(0)
    }

    static var commandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

    /// `trail help frob`: the parser would print the top-level help and exit 0, which hides the
    /// typo from a script.
    static func checkHelpTopics(_ arguments: [String]) throws {
        guard arguments.first == "help" else { return }
        let topics = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        guard let first = topics.first else { return }
        guard commandNames.contains(first) else {
            throw ValidationError("no command '\(first)' (commands: \(commandNames.joined(separator: ", ")))")
        }
        if topics.count > 1 { throw ValidationError("'\(first)' has no subcommand '\(topics[topics.index(after: topics.startIndex)])'") }
    }

    /// Help and version on stdout (exit 0); anything else as one line on stderr, with a pointer
    /// to the command's --help instead of the usage block the parser would print.
    static func exitForArgumentError(_ error: Error, arguments: [String]) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            let text = fullMessage(for: error)
            do {
                try writeOutput(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
            } catch {
                Foundation.exit(fail(error).rawValue)
            }
            Foundation.exit(0)
        }
        let text = message(for: error)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
        let subcommand = arguments.first { commandNames.contains($0) && $0 != "help" }.map { " " + $0 } ?? ""
        printError("\(text.isEmpty ? "invalid arguments" : text) (see 'trail\(subcommand) --help')")
        Foundation.exit(code.rawValue)
    }
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file (default: $TRAIL_DB, else ./trail.db).", valueName: "file"))
    var db: String?

    var path: String { TrailDatabase.resolvePath(db) }

    /// Opens the database for a command that reads events. Events that no attribution has
    /// covered show origin `unknown`; one line on stderr says so, and what to run.
    func openForReading() throws -> Database {
        let database = try TrailDatabase.openForReading(path)
        if let warning = try AttributionState.load(database).warning { StandardStreams.writeMessage(warning) }
        return database
    }

    /// Checked before the store opens anything: an empty --db would silently fall back to
    /// ./trail.db, and a directory would reach SQLite as a bare "disk I/O error".
    func validate() throws {
        if let db, db.isEmpty { throw ValidationError("--db needs a file name (it was given an empty one)") }
        let resolved = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue {
            let source = db != nil ? "--db " : (ProcessInfo.processInfo.environment["TRAIL_DB"].map { $0.isEmpty ? "" : "$TRAIL_DB " } ?? "")
            throw ValidationError("\(source)\(resolved) is a directory, not a database file")
        }
    }
}
