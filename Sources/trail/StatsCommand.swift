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
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(stats) { print(String(decoding: data, as: UTF8.self)) }
        } else {
            print(stats.text)
        }
    }
}
