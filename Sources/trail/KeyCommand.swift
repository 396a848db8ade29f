import ArgumentParser
import Foundation
import TrailCore

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "An access key: who it belongs to, the call that created it, and everything done with it.",
        discussion: """
        A long-term key (AKIA…) belongs to an IAM user or root; a temporary key (ASIA…) to the \
        session created by the call that issued it, and through that session to its origin. The \
        key section names the owner and the issuing call when it is in the logs; the sessions \
        section lists the sessions the key was used in; the events section lists every call \
        made with it (the filters apply here). Output sections work as in `trail session`.

        Exit codes: 0, 3 database missing, 4 bad option value, 5 the key was neither used nor \
        issued in the ingested logs.

        Examples:
          trail key AKIAR7TQ2MXKCWJ6HV4N
          trail key ASIAVRN4K7QZJ2R6MK8F --format json
          trail key AKIAR7TQ2MXKCWJ6HV4N --errors-only --since 30d
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The access key id (AKIA… or ASIA…).", valueName: "access-key"))
    var accessKey: String

    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    func run() throws {
        try investigate(database, filters, output, limits) { investigator, filter in
            try investigator.key(accessKey, filter: filter)
        }
    }
}
