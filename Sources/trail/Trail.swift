import ArgumentParser
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
        3 database error, 4 query error, 5 not found, 64 usage error.
        """,
        version: "0.1.0",
        subcommands: [IngestCommand.self, StatsCommand.self, QueryCommand.self, SchemaCommand.self, WhoCommand.self,
                      DidCommand.self, SessionCommand.self, KeyCommand.self, ExplainCommand.self, ShowCommand.self, ReportCommand.self, PolicyCommand.self]
    )
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file (default: $TRAIL_DB, else ./trail.db).", valueName: "file"))
    var db: String?

    var path: String { TrailDatabase.resolvePath(db) }
}
