import ArgumentParser
import Foundation
import TrailCore

struct DidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "did",
        abstract: "What an identity did, directly and through every role chain it started.",
        discussion: """
        IDENTITY is what the attribution resolved sessions to: an IAM user name or ARN, a \
        SAML or OIDC subject, an Identity Center user, an AWS service (lambda.amazonaws.com), \
        an EC2 instance id, a Lambda function name, an outside account id, or a session ARN \
        (arn:aws:sts::…:assumed-role/ROLE/SESSION). Matching is case-insensitive; * or % match \
        any run of characters. Each row is one event: time, account, origin, the chain of \
        roles it went through ((direct) when none), the call (service:EventName), the \
        resources it named, its error, and its event id (for `trail explain`).

        Exit codes: 0, 3 database missing, 4 bad option value, 5 nothing matched (no event of \
        such an identity under the filters; the empty output is still printed).

        Examples:
          trail did alice
          trail did arn:aws:iam::111122223333:user/alice --since 24h --errors-only
          trail did i-0a1b2c3d4e5f67890 --service s3
          trail did order-processor --format jsonl
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("IAM user (name or ARN), SAML/OIDC subject, SSO user, AWS service, EC2 instance id or Lambda function name; * is a wildcard.",
                                 valueName: "identity"))
    var identity: String

    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    func run() throws {
        try investigate(database, filters, output, limits, emptyIsNotFound: true) { investigator, filter in
            try investigator.did(identity: identity, filter: filter)
        }
    }
}
