import Foundation
import Testing
@testable import TrailCore

/// Each CIS check against records that must match and near misses that must not. All records
/// go into one database, so every test also proves that no other check's records leak into its
/// check: each expects its exact set of event ids (`edge-<tag>`).
@Suite("Report: CIS 4.1-4.15, matches and near misses")
struct ReportCISTests {
    typealias R = CISRec

    static var records: [[String: Any]] { [
        // 4.1 unauthorized API calls: errorCode *UnauthorizedOperation or AccessDenied*.
        R.call("c41-denied", 1, "s3.amazonaws.com", "GetObject", error: "AccessDenied", message: "Access Denied"),
        R.call("c41-unauthorized", 2, "ec2.amazonaws.com", "DescribeInstances", error: "Client.UnauthorizedOperation",
               message: "You are not authorized to perform this operation."),
        R.call("c41-denied-exception", 3, "kms.amazonaws.com", "Decrypt", error: "AccessDeniedException", message: "not authorized"),
        R.call("c41-miss-message-only", 4, "dynamodb.amazonaws.com", "GetItem", error: "ValidationException",
               message: "AccessDenied: the table's policy said no"),
        R.call("c41-miss-lowercase", 5, "s3.amazonaws.com", "PutObject", error: "accessdenied"),
        R.call("c41-miss-other-error", 6, "s3.amazonaws.com", "GetObject", error: "NoSuchKey", message: "AccessDenied UnauthorizedOperation"),
        R.call("c41-miss-suffix", 7, "ec2.amazonaws.com", "RunInstances", error: "UnauthorizedOperationPending"),

        // 4.2 console sign-in without MFA: IAM users, successful, MFAUsed not yes.
        R.consoleLogin("c42-no-mfa", 10),
        R.consoleLogin("c42-miss-mfa-yes", 11, mfa: "Yes"),
        R.consoleLogin("c42-miss-mfa-upper", 12, mfa: "YES"),
        R.consoleLogin("c42-miss-failed", 13, success: false, message: "Failed authentication"),
        R.consoleLogin("c42-miss-root", 14, identity: R.root),

        // 4.3 root usage: Root, not invoked by a service, not an AwsServiceEvent.
        R.call("c43-root-call", 16, "iam.amazonaws.com", "CreateAccessKey", identity: R.root),
        R.call("c43-miss-invoked-by", 17, "s3.amazonaws.com", "GetBucketAcl",
               identity: R.root.merging(["invokedBy": "support.amazonaws.com"]) { _, new in new }),
        R.call("c43-miss-service-event", 18, "kms.amazonaws.com", "RotateKey", identity: R.root, eventType: "AwsServiceEvent"),

        // 4.4 IAM policy changes (event names alone, as the CIS pattern).
        R.call("c44-put-role-policy", 20, "iam.amazonaws.com", "PutRolePolicy"),
        R.call("c44-attach-user-policy", 21, "iam.amazonaws.com", "AttachUserPolicy"),
        R.call("c44-create-policy-version", 22, "iam.amazonaws.com", "CreatePolicyVersion"),
        R.call("c44-miss-create-role", 23, "iam.amazonaws.com", "CreateRole"),
        R.call("c44-miss-get-policy", 24, "iam.amazonaws.com", "GetRolePolicy"),
        R.call("c44-miss-boundary", 25, "iam.amazonaws.com", "PutRolePermissionsBoundary"),

        // 4.5 CloudTrail configuration changes.
        R.call("c45-stop-logging", 26, "cloudtrail.amazonaws.com", "StopLogging"),
        R.call("c45-update-trail", 27, "cloudtrail.amazonaws.com", "UpdateTrail"),
        R.call("c45-delete-trail", 28, "cloudtrail.amazonaws.com", "DeleteTrail"),
        R.call("c45-miss-describe", 29, "cloudtrail.amazonaws.com", "DescribeTrails"),
        R.call("c45-miss-selectors", 30, "cloudtrail.amazonaws.com", "PutEventSelectors"),

        // 4.6 console authentication failures: errorMessage "Failed authentication".
        R.consoleLogin("c46-failed", 31, success: false),
        R.consoleLogin("c46-miss-other-failure", 32, success: false, message: "No username found in supplied account"),

        // 4.7 customer-managed KMS keys disabled or scheduled for deletion, from KMS only.
        R.call("c47-disable", 33, "kms.amazonaws.com", "DisableKey"),
        R.call("c47-schedule-deletion", 34, "kms.amazonaws.com", "ScheduleKeyDeletion"),
        R.call("c47-miss-other-source", 35, "payment-cryptography.amazonaws.com", "DisableKey"),
        R.call("c47-miss-enable", 36, "kms.amazonaws.com", "EnableKey"),
        R.call("c47-miss-cancel", 37, "kms.amazonaws.com", "CancelKeyDeletion"),

        // 4.8 S3 bucket policy changes: the listed S3 event names only.
        R.call("c48-put-policy", 38, "s3.amazonaws.com", "PutBucketPolicy"),
        R.call("c48-delete-cors", 39, "s3.amazonaws.com", "DeleteBucketCors"),
        R.call("c48-put-acl", 40, "s3.amazonaws.com", "PutBucketAcl"),
        R.call("c48-miss-tagging", 41, "s3.amazonaws.com", "PutBucketTagging"),
        R.call("c48-miss-get-policy", 42, "s3.amazonaws.com", "GetBucketPolicy"),
        R.call("c48-miss-other-source", 43, "s3-outposts.amazonaws.com", "PutBucketPolicy"),

        // 4.9 AWS Config changes.
        R.call("c49-stop-recorder", 44, "config.amazonaws.com", "StopConfigurationRecorder"),
        R.call("c49-delete-channel", 45, "config.amazonaws.com", "DeleteDeliveryChannel"),
        R.call("c49-miss-start", 46, "config.amazonaws.com", "StartConfigurationRecorder"),
        R.call("c49-miss-other-source", 47, "ec2.amazonaws.com", "StopConfigurationRecorder"),

        // 4.10 security groups.
        R.call("c410-authorize-ingress", 48, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
        R.call("c410-revoke-egress", 49, "ec2.amazonaws.com", "RevokeSecurityGroupEgress"),
        R.call("c410-create", 50, "ec2.amazonaws.com", "CreateSecurityGroup"),
        R.call("c410-miss-describe", 51, "ec2.amazonaws.com", "DescribeSecurityGroups"),
        R.call("c410-miss-modify-rules", 52, "ec2.amazonaws.com", "ModifySecurityGroupRules"),

        // 4.11 network ACLs.
        R.call("c411-create-entry", 53, "ec2.amazonaws.com", "CreateNetworkAclEntry"),
        R.call("c411-replace-association", 54, "ec2.amazonaws.com", "ReplaceNetworkAclAssociation"),
        R.call("c411-miss-describe", 55, "ec2.amazonaws.com", "DescribeNetworkAcls"),

        // 4.12 network gateways.
        R.call("c412-customer-gateway", 56, "ec2.amazonaws.com", "CreateCustomerGateway"),
        R.call("c412-attach-igw", 57, "ec2.amazonaws.com", "AttachInternetGateway"),
        R.call("c412-miss-nat", 58, "ec2.amazonaws.com", "CreateNatGateway"),
        R.call("c412-miss-egress-only", 59, "ec2.amazonaws.com", "CreateEgressOnlyInternetGateway"),

        // 4.13 route tables (minutes past 11:00 are written as 60+).
        R.call("c413-create-route", 0, "ec2.amazonaws.com", "CreateRoute").merging(["eventTime": "2026-11-20T11:00:00Z"]) { _, new in new },
        R.call("c413-disassociate", 0, "ec2.amazonaws.com", "DisassociateRouteTable").merging(["eventTime": "2026-11-20T11:01:00Z"]) { _, new in new },
        R.call("c413-miss-associate", 0, "ec2.amazonaws.com", "AssociateRouteTable").merging(["eventTime": "2026-11-20T11:02:00Z"]) { _, new in new },
        R.call("c413-miss-describe", 0, "ec2.amazonaws.com", "DescribeRouteTables").merging(["eventTime": "2026-11-20T11:03:00Z"]) { _, new in new },

        // 4.14 VPCs.
        R.call("c414-create-vpc", 0, "ec2.amazonaws.com", "CreateVpc").merging(["eventTime": "2026-11-20T11:04:00Z"]) { _, new in new },
        R.call("c414-modify-attribute", 0, "ec2.amazonaws.com", "ModifyVpcAttribute").merging(["eventTime": "2026-11-20T11:05:00Z"]) { _, new in new },
        R.call("c414-accept-peering", 0, "ec2.amazonaws.com", "AcceptVpcPeeringConnection").merging(["eventTime": "2026-11-20T11:06:00Z"]) { _, new in new },
        R.call("c414-miss-subnet", 0, "ec2.amazonaws.com", "CreateSubnet").merging(["eventTime": "2026-11-20T11:07:00Z"]) { _, new in new },
        R.call("c414-miss-endpoint", 0, "ec2.amazonaws.com", "CreateVpcEndpoint").merging(["eventTime": "2026-11-20T11:08:00Z"]) { _, new in new },

        // 4.15 AWS Organizations, from Organizations only.
        R.call("c415-create-account", 0, "organizations.amazonaws.com", "CreateAccount").merging(["eventTime": "2026-11-20T11:09:00Z"]) { _, new in new },
        R.call("c415-leave", 0, "organizations.amazonaws.com", "LeaveOrganization").merging(["eventTime": "2026-11-20T11:10:00Z"]) { _, new in new },
        R.call("c415-create-policy", 0, "organizations.amazonaws.com", "CreatePolicy").merging(["eventTime": "2026-11-20T11:11:00Z"]) { _, new in new },
        R.call("c415-miss-describe", 0, "organizations.amazonaws.com", "DescribeOrganization").merging(["eventTime": "2026-11-20T11:12:00Z"]) { _, new in new },
        R.call("c415-miss-other-source", 0, "controltower.amazonaws.com", "CreateAccount").merging(["eventTime": "2026-11-20T11:13:00Z"]) { _, new in new },
    ] }

    /// The database of `records`, built once.
    static let database: String = {
        let logs = ReportFixture.root.appendingPathComponent("cis-logs")
        do {
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ["Records": records]).write(to: logs.appendingPathComponent("cis.json"))
        } catch {
            preconditionFailure("cannot write the CIS records: \(error)")
        }
        return ReportFixture.build("cis", [logs.path])
    }()

    static let report: ComplianceReport = {
        do {
            return try ReportFixture.run(database: database, window: ReportWindow())
        } catch {
            preconditionFailure("cannot run the checks: \(error)")
        }
    }()

    /// The event ids a check found, as the tags the records were built with.
    func found(_ id: String) throws -> [String] {
        try Self.report.check(id).values("event_id").map { ($0 ?? "").replacingOccurrences(of: "edge-", with: "") }
    }

    @Test("the fixture is ingested whole and every record is attributed to carol or root")
    func fixture() throws {
        let db = try TrailDatabase.openForReading(Self.database)
        #expect(try db.scalarInt("SELECT count(*) FROM events") == Int64(Self.records.count))
        #expect(try db.scalarInt("SELECT count(*) FROM event_attribution WHERE origin_type NOT IN ('iam_user', 'root')") == 0)
    }

    @Test("4.1 unauthorized API calls: AccessDenied*, *UnauthorizedOperation; not errorMessage, not lowercase, not a longer code")
    func cis41() throws {
        #expect(try found("cis-4.1") == ["c41-denied", "c41-unauthorized", "c41-denied-exception"])
        let row = try #require(Self.report.check("cis-4.1").records.first)
        #expect(row["origin"] == "arn:aws:iam::444455556666:user/carol")
        #expect(row["error"] == "AccessDenied")
    }

    @Test("4.2 console sign-in without MFA: not with MFAUsed Yes or YES, not a failed login, not root")
    func cis42() throws {
        #expect(try found("cis-4.2") == ["c42-no-mfa"])
    }

    @Test("4.3 root usage: not invoked by a service, not an AwsServiceEvent")
    func cis43() throws {
        #expect(try found("cis-4.3") == ["c42-miss-root", "c43-root-call"])
        #expect(try Self.report.check("cis-4.3").values("origin").allSatisfy { $0 == "arn:aws:iam::444455556666:root" })
    }

    @Test("4.4 IAM policy changes: the 16 event names; CreateRole, GetRolePolicy, boundaries do not match")
    func cis44() throws {
        // Organizations' CreatePolicy matches too: the CIS pattern has no event source.
        #expect(try found("cis-4.4") == ["c44-put-role-policy", "c44-attach-user-policy", "c44-create-policy-version", "c415-create-policy"])
    }

    @Test("4.5 CloudTrail changes: not DescribeTrails, not PutEventSelectors")
    func cis45() throws {
        #expect(try found("cis-4.5") == ["c45-stop-logging", "c45-update-trail", "c45-delete-trail"])
    }

    @Test("4.6 console authentication failures: errorMessage Failed authentication only")
    func cis46() throws {
        #expect(try found("cis-4.6") == ["c42-miss-failed", "c46-failed"])
    }

    @Test("4.7 KMS keys: DisableKey and ScheduleKeyDeletion from kms only")
    func cis47() throws {
        #expect(try found("cis-4.7") == ["c47-disable", "c47-schedule-deletion"])
    }

    @Test("4.8 S3 bucket policies: the listed names from s3 only; PutBucketTagging does not match")
    func cis48() throws {
        #expect(try found("cis-4.8") == ["c48-put-policy", "c48-delete-cors", "c48-put-acl"])
    }

    @Test("4.9 Config: the recorder and channel changes from config only")
    func cis49() throws {
        #expect(try found("cis-4.9") == ["c49-stop-recorder", "c49-delete-channel"])
    }

    @Test("4.10 security groups: not Describe, not ModifySecurityGroupRules (outside the CIS list)")
    func cis410() throws {
        #expect(try found("cis-4.10") == ["c410-authorize-ingress", "c410-revoke-egress", "c410-create"])
    }

    @Test("4.11 network ACLs")
    func cis411() throws {
        #expect(try found("cis-4.11") == ["c411-create-entry", "c411-replace-association"])
    }

    @Test("4.12 network gateways: not NAT or egress-only gateways")
    func cis412() throws {
        #expect(try found("cis-4.12") == ["c412-customer-gateway", "c412-attach-igw"])
    }

    @Test("4.13 route tables: not AssociateRouteTable (outside the CIS list)")
    func cis413() throws {
        #expect(try found("cis-4.13") == ["c413-create-route", "c413-disassociate"])
    }

    @Test("4.14 VPCs: not subnets or endpoints")
    func cis414() throws {
        #expect(try found("cis-4.14") == ["c414-create-vpc", "c414-modify-attribute", "c414-accept-peering"])
    }

    @Test("4.15 Organizations: from organizations only")
    func cis415() throws {
        #expect(try found("cis-4.15") == ["c415-create-account", "c415-leave", "c415-create-policy"])
    }

    @Test("hygiene: console logins without MFA include root; root activity lists every root event")
    func hygiene() throws {
        #expect(try found("hygiene-console-login-without-mfa") == ["c42-no-mfa", "c42-miss-root"])
        #expect(try found("hygiene-root-activity") == ["c42-miss-root", "c43-root-call", "c43-miss-invoked-by", "c43-miss-service-event"])
    }

    @Test("every CIS check returns the finding columns: time, account, event, resources, session, chain, origin")
    func findingColumns() throws {
        for check in Self.report.checks where check.definition.cis != nil {
            for column in ["time", "account", "region", "event", "resources", "origin_type", "origin", "origin_detail", "chain", "session", "event_id"] {
                #expect(check.result.columns.contains(column), "\(check.definition.id) lacks \(column)")
            }
        }
    }
}
