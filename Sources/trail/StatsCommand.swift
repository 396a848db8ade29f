import ArgumentParser
import Foundation
import TrailCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise the database: events, time range, accounts, regions, files by status.",
        discussion: """
        Examples:
          trail stats
          trail stats --db audit.db --json
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print as JSON on stdout.")
    var json = false

    func run() throws {
        let stats: DatabaseStats
        do {
            let db = try TrailDatabase.openForReading(database.path)
            stats = try DatabaseStats.load(db)
        } catch {
            throw fail(error)
        }
        do {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try writeOutput(String(decoding: try encoder.encode(stats), as: UTF8.self) + "\n")
            } else {
                // Accounts and regions are copied from the records: escaped, so that none can
                // drive the terminal, line by line (the summary's own lines stay lines).
                try writeOutput(stats.text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { TerminalText.escape(String($0)) }.joined(separator: "\n") + "\n")
            }
        } catch {
            throw fail(error)
        }
    }
}
