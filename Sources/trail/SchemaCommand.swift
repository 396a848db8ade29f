import ArgumentParser
import Foundation
import TrailCore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "The tables and views you can query, with their columns and what each is for.",
        discussion: """
        Read from the database (--db, $TRAIL_DB, ./trail.db); without one, shows the schema a \
        new database gets. Start from the event_attribution view (every event with its \
        resolved origin and chain) and the sessions table. --sql prints the CREATE statements \
        instead; --format json, jsonl or csv print one row per column (table, kind, column, \
        type, description).

        Examples:
          trail schema
          trail schema --sql
          trail schema --format csv
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print the CREATE statements instead.")
    var sql = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        do {
            let path = database.path
            let db: Database
            if FileManager.default.fileExists(atPath: path) {
                db = try TrailDatabase.openForReading(path)
            } else {
                printError("no database at \(path); showing the schema a new database gets")
                db = try SchemaGuide.blankDatabase()
            }
            if sql {
                try writeOutput(try SchemaGuide.createStatements(db))
            } else if output.format == .table {
                try writeOutput(SchemaGuide.text(try SchemaGuide.describe(db), width: output.tableWidth))
            } else {
                try output.emit(Report(try SchemaGuide.describe(db)))
            }
        } catch {
            throw fail(error)
        }
    }
}
