import ArgumentParser
import Foundation
import TrailCore

struct WhoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who",
        abstract: "Who acted under a role: each origin identity, its sessions, first and last use, events, errors and chains.",
        discussion: """
        ROLE is a role name or ARN, matched against each session's role (case-insensitive); * or % \
        match any run of characters. Each row is one origin: the IAM user, SAML/OIDC subject, \
        Identity Center user, AWS service (with the EC2 instance or Lambda function), root or \
        outside account the attribution traced the sessions back to, and the role chains \
        (account:role > account:role) it came through. Failed attempts to assume the role are \
        counted in a note; `trail query failed-assume-role` lists them.

        Exit codes: 0, 3 database missing, 4 bad option value, 5 nothing matched (no session of \
        such a role with events under the filters; the empty output is still printed).

        Examples:
          trail who ProdAdmin
          trail who arn:aws:iam::444455556666:role/ProdAdmin --since 30d
          trail who WebAppInstanceRole --service s3 --format json
          trail who '*Admin*' --errors-only --format csv
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Role name or ARN; * is a wildcard.", valueName: "role"))
    var role: String

    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    func run() throws {
        try investigate(database, filters, output, limits, emptyIsNotFound: true) { investigator, filter in
            try investigator.who(role: role, filter: filter)
        }
    }
}
