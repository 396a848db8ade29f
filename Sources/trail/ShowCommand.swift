import ArgumentParser
import Foundation
import TrailCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print events' records exactly as CloudTrail delivered them.",
        discussion: """
        Each record is read from the input file it came in, which the database keeps as its \
        own compressed bytes, and printed byte for byte, followed by a newline: the evidence \
        itself, not trail's reading of it. Several ids print one record per line (JSON Lines, \
        for records that CloudTrail wrote on one line, as it does). A record delivered twice \
        (an organisation trail's copies, a re-delivery) is stored, and printed, once.

        Exit codes: 0, 3 database missing, 5 an id matched no event (the others are printed).

        Examples:
          trail show 33a6f6b4-4470-4172-bd95-a59267dc9af1
          trail show 33a6f6b4-4470-4172-bd95-a59267dc9af1 | jq .requestParameters
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The events' eventIDs.", valueName: "event-id"))
    var eventIDs: [String]

    func validate() throws {
        if eventIDs.isEmpty { throw ValidationError("name at least one event id") }
    }

    func run() throws {
        var missing: Error?
        do {
            let investigator = Investigator(database: try database.openForReading())
            let sink = ByteSink(descriptor: STDOUT_FILENO)
            for id in eventIDs {
                do {
                    sink.write(bytes: try investigator.record(eventID: id))
                    sink.write(byte: 0x0A)
                    sink.flushIfFull()
                } catch let error as NotFound {
                    printError(error.description)
                    missing = error
                }
            }
            try sink.finish()
        } catch {
            throw fail(error)
        }
        if let missing { throw fail(missing) }
    }
}
