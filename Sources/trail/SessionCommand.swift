import ArgumentParser
import Foundation
import TrailCore

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "One session: its summary, its chain back to the origin (how each link was made), and its events.",
        discussion: """
        SESSION is a session key (as other commands print it), an access key used in the \
        session, a session ARN (arn:aws:sts::…:assumed-role/ROLE/NAME) or role ARN, or a role \
        session name (* is a wildcard). When several sessions match, the latest is shown and the \
        others are listed on stderr.

        The chain has one row per hop, from the session up to its origin: how the session's \
        credentials were linked to the call that issued them (linked_by: the rule, e.g. \
        L1 key+arn+time), the confidence, the issuing event and who made it, and the \
        attribution's reason when the link is weak or missing. The filters apply to the events.

        Output: with --format table three titled sections (session, chain, events); json is one \
        object with those three keys; jsonl adds a "section" key to each line; csv prints each \
        section with its own header, separated by an empty line.

        Exit codes: 0, 3 database missing, 4 bad option value, 5 no session matches.

        Examples:
          trail session alice-prod
          trail session arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod
          trail session i-0a1b2c3d4e5f67890 --format json
          trail session order-processor --since 2026-11-20T14:00:00Z --until 2026-11-20T15:00:00Z
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Session key, access key, session or role ARN, or role session name.", valueName: "session"))
    var session: String

    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    func run() throws {
        try investigate(database, filters, output, limits) { investigator, filter in
            try investigator.session(session, filter: filter)
        }
    }
}
