import ArgumentParser
import Foundation
import TrailCore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "How one event was attributed, with the evidence for every link.",
        discussion: """
        Prints the event, its attribution (origin, chain, confidence, source identity, MFA) and \
        the links that lead there, one row each: whether the event itself was moved to another \
        session (a resource owner's copy paired with the caller's copy through their \
        sharedEventID, or a session split by access key) and on which record; then each session \
        of the chain with the rule that linked it to the call that issued its credentials \
        (linked_by), the confidence, that call's event id and who made it, and the reason when \
        a link is weak or missing; then the origin. Output sections work as in `trail session`.

        Exit codes: 0, 3 database missing, 5 no event with this id.

        Examples:
          trail explain 33a6f6b4-4470-4172-bd95-a59267dc9af1
          trail explain b070dd3f-1726-4e9f-be74-f75218b7e7ec --format json
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The event's eventID.", valueName: "event-id"))
    var eventID: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    func run() throws {
        let report: Report
        let interruption = limits.start()
        do {
            let db = try database.openForReading()
            interruption.attach(db)
            report = try Investigator(database: db).explain(eventID: eventID)
        } catch {
            throw interruption.failure(error)
        }
        try output.emit(report)
    }
}
