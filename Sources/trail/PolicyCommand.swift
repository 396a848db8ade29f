import ArgumentParser
import Foundation
import TrailCore

struct PolicyCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "The least-privilege IAM policy of a role, from the calls its sessions actually made.",
        discussion: """
        ROLE is the role's name or ARN, exactly (as `trail who` prints it). Every successful call \
        of the role's sessions in the window becomes an IAM action (s3:ListBuckets is \
        s3:ListAllMyBuckets, Lambda's versioned names lose the version, sign-ins and service \
        events are left out), granted on the resources the records name (S3 object actions on \
        objects, bucket actions on buckets), else on "*".

        --format text (default) prints the policy document itself, Version 2012-10-17, ready for \
        `aws iam put-role-policy --policy-document file://policy.json`; calls that were denied \
        are not granted and are listed on stderr. With --by-origin there is one policy per human \
        or service that acted through the role (an IAM user, a SAML subject, lambda.amazonaws.com \
        …), each after a "# origin: TYPE ID (N events)" line. --format json prints one object: \
        {"role", "window", "policies": [{"origin": null or {"type", "id"}, "events", "policy", \
        "denied": [...]}]}, denials included, nothing on stderr.

        Exit codes: 0, 3 database missing, 4 bad time, 5 the role has no sessions with events \
        in the window.

        Examples:
          trail policy order-processor-role
          trail policy order-processor-role --since 90d > policy.json
          trail policy arn:aws:iam::444455556666:role/app/WebAppInstanceRole
          trail policy ProdAdmin --by-origin --format json
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The role's name or ARN.", valueName: "role"))
    var role: String

    @Option(name: [.customLong("since"), .customLong("from")],
            help: ArgumentHelp("Only calls at or after this time: a duration back from now (90d), an ISO-8601 time or a date (default: every call ingested).",
                               valueName: "time"))
    var since: String?

    @Option(name: [.customLong("until"), .customLong("to")], help: ArgumentHelp("Only calls before this time.", valueName: "time"))
    var until: String?

    @Flag(help: "One policy per origin (human or service) acting through the role.")
    var byOrigin = false

    @Option(help: ArgumentHelp("text (the policy document; denials on stderr) or json (a wrapper with denials).", valueName: "format"))
    var format: Format = .text

    func run() throws {
        let report: RolePolicyReport
        do {
            let window = try ReportWindow.parse(from: since, to: until, now: currentUnixTime)
            let db = try database.openForReading()
            report = try RolePolicyReport.build(db, role: role, window: window, byOrigin: byOrigin)
        } catch {
            throw fail(error)
        }
        do {
            switch format {
            case .json:
                try writeOutput(report.json)
            case .text:
                try writeOutput(report.text)
                for line in report.deniedLines { printNote(line) }
            }
        } catch {
            throw fail(error)
        }
    }
}
