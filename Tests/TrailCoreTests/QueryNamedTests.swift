import Foundation
import Testing
@testable import TrailCore

/// Every shipped named query, run on the fixture database, with the rows it must return.
@Suite("Query: the shipped named queries")
struct QueryNamedTests {
    static let shipped: Set<String> = [
        "access-denied", "console-logins", "cross-account-access", "deep-role-chains", "failed-assume-role",
        "iam-changes", "identity-activity", "long-term-key-usage", "new-or-rare-roles", "new-or-rare-source-ips",
        "resource-access", "root-activity", "sessions-without-source-identity", "source-ip-activity", "top-talkers",
        "unresolved-sessions", "who-assumed-role",
    ]
    static let alice = "arn:aws:iam::111122223333:user/alice"

    @Test("the built-in catalog holds the queries tested here; every built-in query is well-formed")
    func catalogIsComplete() throws {
        let catalog = QueryFixture.builtIn
        // queries/ is shared (trail report keeps its checks there too), so every file must parse.
        #expect(catalog.problems == [])
        #expect(Self.shipped.isSubset(of: Set(catalog.queries.map(\.name))))
        for query in catalog.queries where Self.shipped.contains(query.name) {
            #expect(query.isBuiltIn)
            #expect(!query.description.isEmpty && !query.description.contains("\n"))
            #expect(!query.examples.isEmpty, "\(query.name) has no example")
            for example in query.examples { #expect(example.hasPrefix("trail query \(query.name)"), "\(example)") }
            // A pattern parameter is escaped with \, so the SQL must say so wherever it uses it.
            for parameter in query.parameters where parameter.type == .pattern {
                for line in query.sql.split(separator: "\n") where line.contains("LIKE") && line.contains(":\(parameter.name)") {
                    #expect(line.contains("ESCAPE '\\'"), "\(query.name): \(line)")
                }
            }
        }
    }

    @Test("who-assumed-role: the origins behind a role, with chains")
    func whoAssumedRole() throws {
        let prodAdmin = try QueryFixture.run("who-assumed-role", ["role": "ProdAdmin"])
        #expect(prodAdmin.project("role_arn", "origin_type", "origin_id", "origin_account", "sessions", "events", "errors", "first_seen", "last_seen", "chains")
            == [["arn:aws:iam::444455556666:role/ProdAdmin", "iam_user", Self.alice, "111122223333", "1", "4", "1",
                 "2026-11-20T10:06:00Z", "2026-11-20T10:14:00Z", "444455556666:ProdAdmin"]])
        let auditReader = try QueryFixture.run("who-assumed-role", ["role": "arn:aws:iam::444455556666:role/AuditReader"])
        #expect(auditReader.project("origin_id", "events", "errors", "chains")
            == [[Self.alice, "2", "1", "444455556666:ProdAdmin > 444455556666:AuditReader"]])
        let wildcard = try QueryFixture.run("who-assumed-role", ["role": "*Role"])
        #expect(wildcard.project("role_arn", "origin_type", "origin_id", "origin_detail") == [
            ["arn:aws:iam::444455556666:role/service-role/order-processor-role", "aws_service", "lambda.amazonaws.com", "order-processor"],
            ["arn:aws:iam::444455556666:role/app/WebAppInstanceRole", "aws_service", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890"],
            ["arn:aws:iam::444455556666:role/BatchJobRole", "unknown", nil, nil],
        ])
        let windowed = try QueryFixture.run("who-assumed-role", ["role": "ProdAdmin", "since": "2026-11-20T10:07:00Z", "until": "2026-11-20T10:09:00Z"])
        #expect(windowed.project("events", "errors") == [["1", "1"]])
    }

    @Test("identity-activity: everything an identity did, through every chain")
    func identityActivity() throws {
        let alice = try QueryFixture.run("identity-activity", ["identity": "alice"])
        #expect(alice.column("event_id") == ["q-dev-001", "q-dev-002", "q-dev-003", "q-prod-001", "q-prod-002", "q-dev-004", "q-prod-003",
                                             "q-prod-004", "q-prod-005", "q-prod-006", "q-prod-017", "q-dev-005", "q-dev-006"])
        let byEvent = Dictionary(uniqueKeysWithValues: alice.project("event_id", "chain", "event", "resources", "error", "account").map { ($0[0] ?? "", $0) })
        #expect(byEvent["q-dev-002"] == ["q-dev-002", "(direct)", "s3:GetObject",
                                         "arn:aws:s3:::dev-finance-reports/payroll/2026-11.csv, arn:aws:s3:::dev-finance-reports", "AccessDenied", "111122223333"])
        #expect(byEvent["q-prod-001"]?[1] == "(direct)")  // the role owner's copy, re-pointed to alice's own session
        #expect(byEvent["q-prod-001"]?[5] == "444455556666")
        #expect(byEvent["q-prod-003"]?[1] == "444455556666:ProdAdmin")
        #expect(byEvent["q-prod-006"]?[1] == "444455556666:ProdAdmin > 444455556666:AuditReader")
        #expect(try QueryFixture.run("identity-activity", ["identity": Self.alice]).rows.count == 13)
        #expect(try QueryFixture.run("identity-activity", ["identity": "i-0a1b2c3d4e5f67890"]).column("event_id") == ["q-prod-009", "q-prod-010", "q-prod-016"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "order-processor"]).column("event_id") == ["q-prod-012", "q-prod-013"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "lambda.amazonaws.com"]).column("event_id") == ["q-prod-011", "q-prod-012", "q-prod-013"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "alice", "service": "s3"]).column("event_id") == ["q-dev-002", "q-prod-002", "q-prod-005", "q-prod-006"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "alice", "errors_only": "true", "account": "444455556666"]).column("event_id") == ["q-prod-003", "q-prod-006"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "alice", "event": "Assume*"]).column("event_id") == ["q-dev-003", "q-prod-001", "q-prod-004", "q-dev-006"])
        #expect(try QueryFixture.run("identity-activity", ["identity": "i-0a1b2c3d4e5f67890", "region": "eu-west-1"]).column("event_id") == ["q-prod-010"])
        // `_` is literal: "alic_" is not alice.
        #expect(try QueryFixture.run("identity-activity", ["identity": "alic_"]).isEmpty)
    }

    @Test("cross-account-access: outside origins by account and chain")
    func crossAccountAccess() throws {
        let result = try QueryFixture.run("cross-account-access")
        #expect(result.project("account", "origin_account", "origin_type", "origin_id", "chain", "sessions", "events", "errors") == [
            ["444455556666", "111122223333", "iam_user", Self.alice, "(direct)", "1", "1", "0"],
            ["444455556666", "111122223333", "iam_user", Self.alice, "444455556666:ProdAdmin", "1", "4", "1"],
            ["444455556666", "111122223333", "iam_user", Self.alice, "444455556666:ProdAdmin > 444455556666:AuditReader", "1", "2", "1"],
            ["444455556666", "936482017355", "external_account", "936482017355", "(direct)", "1", "1", "1"],
        ])
        #expect(try QueryFixture.run("cross-account-access", ["account": "111122223333"]).isEmpty)
        #expect(try QueryFixture.run("cross-account-access", ["errors_only": "yes"]).column("events") == ["1", "1", "1"])
    }

    @Test("access-denied: denials by identity, chain and call")
    func accessDenied() throws {
        let result = try QueryFixture.run("access-denied")
        #expect(result.project("origin_id", "chain", "account", "event", "error_code", "denials") == [
            ["936482017355", "(direct)", "444455556666", "sts:AssumeRole", "AccessDenied", "1"],
            [Self.alice, "(direct)", "111122223333", "sts:AssumeRole", "AccessDenied", "1"],
            [Self.alice, "444455556666:ProdAdmin > 444455556666:AuditReader", "444455556666", "s3:PutObject", "AccessDenied", "1"],
            [Self.alice, "444455556666:ProdAdmin", "444455556666", "iam:CreateUser", "AccessDenied", "1"],
            [Self.alice, "(direct)", "111122223333", "ec2:DescribeInstances", "Client.UnauthorizedOperation", "1"],
            [Self.alice, "(direct)", "111122223333", "s3:GetObject", "AccessDenied", "1"],
        ])
        #expect(try QueryFixture.run("access-denied", ["identity": "alice"]).rows.count == 5)
        #expect(try QueryFixture.run("access-denied", ["service": "s3.amazonaws.com"]).column("event") == ["s3:PutObject", "s3:GetObject"])
    }

    @Test("new-or-rare-roles: first use or few sessions in the window")
    func newOrRareRoles() throws {
        let result = try QueryFixture.run("new-or-rare-roles", ["since": "2026-11-20T09:00:00Z"])
        #expect(result.project("role_arn", "status", "sessions_in_window", "origins") == [
            ["arn:aws:iam::444455556666:role/AuditReader", "new", "1", Self.alice],
            ["arn:aws:iam::444455556666:role/ProdAdmin", "new", "1", Self.alice],
            ["arn:aws:iam::444455556666:role/service-role/order-processor-role", "new", "1", "lambda.amazonaws.com (order-processor)"],
            ["arn:aws:iam::444455556666:role/app/WebAppInstanceRole", "rare", "1", "ec2.amazonaws.com (i-0a1b2c3d4e5f67890)"],
        ])
        #expect(try QueryFixture.run("new-or-rare-roles", ["since": "2026-11-20T09:00:00Z", "rare_max": "0"]).rows.count == 3)
        // The default window is the 7 days before now (2026-11-21): every role is new.
        #expect(try QueryFixture.run("new-or-rare-roles").column("status") == ["new", "new", "new", "new", "new"])
    }

    @Test("new-or-rare-source-ips: first seen or rare in the window, service names left out")
    func newOrRareSourceIPs() throws {
        let result = try QueryFixture.run("new-or-rare-source-ips", ["since": "2026-11-20T09:00:00Z"])
        #expect(result.project("source_ip", "status", "events_in_window", "origins") == [
            ["192.0.2.146", "new", "1", "arn:aws:iam::444455556666:root"],
            ["198.51.100.23", "new", "13", Self.alice],
            ["203.0.113.77", "new", "1", "936482017355 (AIDAFIXTUREOUTSIDER1)"],
            ["3.236.94.17", "new", "2", "lambda.amazonaws.com (order-processor)"],
            ["10.0.12.34", "rare", "1", "ec2.amazonaws.com (i-0a1b2c3d4e5f67890)"],
        ])
        #expect(try QueryFixture.run("new-or-rare-source-ips", ["since": "2026-11-20T09:00:00Z", "account": "111122223333"]).column("source_ip") == ["198.51.100.23"])
    }

    @Test("console-logins: outcome and MFA")
    func consoleLogins() throws {
        let result = try QueryFixture.run("console-logins")
        #expect(result.project("time", "account", "origin_type", "origin_id", "source_ip", "outcome", "mfa_used", "event_id")
            == [["2026-11-20T17:21:00Z", "444455556666", "root", "arn:aws:iam::444455556666:root", "192.0.2.146", "Success", "No", "q-prod-014"]])
        #expect(try QueryFixture.run("console-logins", ["without_mfa": "true"]).rows.count == 1)
        #expect(try QueryFixture.run("console-logins", ["failed_only": "true"]).isEmpty)
    }

    @Test("root-activity")
    func rootActivity() throws {
        #expect(try QueryFixture.run("root-activity").project("event", "source_ip", "event_id") == [["signin:ConsoleLogin", "192.0.2.146", "q-prod-014"]])
        #expect(try QueryFixture.run("root-activity", ["account": "111122223333"]).isEmpty)
    }

    @Test("long-term-key-usage: AKIA keys and their owners")
    func longTermKeys() throws {
        let result = try QueryFixture.run("long-term-key-usage")
        #expect(result.project("access_key_id", "origin_type", "owner", "owner_account", "events", "errors", "services", "source_ips", "first_seen", "last_seen")
            == [["AKIAFIXTUREALICE0001", "iam_user", Self.alice, "111122223333", "6", "3", "4", "198.51.100.23", "2026-11-20T10:01:00Z", "2026-11-20T10:35:00Z"]])
        #expect(try QueryFixture.run("long-term-key-usage", ["key": "AKIAOTHER*"]).isEmpty)
    }

    @Test("sessions-without-source-identity: only AuditReader's session has one")
    func sessionsWithoutSourceIdentity() throws {
        let result = try QueryFixture.run("sessions-without-source-identity")
        #expect(result.project("role_arn", "origin_type", "origin_id", "origin_detail", "sessions", "events") == [
            ["arn:aws:iam::444455556666:role/BatchJobRole", "unknown", nil, nil, "1", "1"],
            ["arn:aws:iam::444455556666:role/ProdAdmin", "iam_user", Self.alice, nil, "1", "4"],
            ["arn:aws:iam::444455556666:role/app/WebAppInstanceRole", "aws_service", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890", "1", "3"],
            ["arn:aws:iam::444455556666:role/service-role/order-processor-role", "aws_service", "lambda.amazonaws.com", "order-processor", "1", "2"],
        ])
        #expect(try QueryFixture.run("sessions-without-source-identity", ["role": "AuditReader"]).isEmpty)
    }

    @Test("unresolved-sessions: the batch role with no AssumeRole in the logs")
    func unresolvedSessions() throws {
        let result = try QueryFixture.run("unresolved-sessions")
        #expect(result.project("session_arn", "origin_type", "confidence") == [["arn:aws:sts::444455556666:assumed-role/BatchJobRole/nightly-batch", "unknown", "none"]])
        #expect(result.column("reason").first??.contains("no AssumeRole") == true)
        #expect(try QueryFixture.run("unresolved-sessions", ["include_heuristic": "true"]).rows.count == 1)
    }

    @Test("top-talkers: origins by event count")
    func topTalkers() throws {
        let result = try QueryFixture.run("top-talkers")
        #expect(result.project("origin_type", "origin_id", "origin_detail", "events", "errors", "sessions", "accounts") == [
            ["iam_user", Self.alice, nil, "13", "5", "3", "2"],
            ["aws_service", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890", "3", "0", "1", "1"],
            ["aws_service", "lambda.amazonaws.com", "order-processor", "2", "0", "1", "1"],
            ["aws_service", "ec2.amazonaws.com", nil, "1", "0", "1", "1"],
            ["aws_service", "lambda.amazonaws.com", nil, "1", "0", "1", "1"],
            ["external_account", "936482017355", "AIDAFIXTUREOUTSIDER1", "1", "1", "1", "1"],
            ["root", "arn:aws:iam::444455556666:root", nil, "1", "0", "1", "1"],
            ["unknown", nil, nil, "1", "0", "1", "1"],
        ])
        #expect(try QueryFixture.run("top-talkers", ["limit": "2"]).rows.count == 2)
        #expect(try QueryFixture.run("top-talkers", ["service": "s3"]).project("origin_id", "events") == [[Self.alice, "4"], ["ec2.amazonaws.com", "3"]])
    }

    @Test("resource-access: S3 objects and roles, with wildcards")
    func resourceAccess() throws {
        let bucket = try QueryFixture.run("resource-access", ["resource": "arn:aws:s3:::my-app-bucket/*"])
        #expect(bucket.project("resource", "origin_id", "origin_detail", "chain", "event_id") == [
            ["arn:aws:s3:::my-app-bucket/config/app.json", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890", "444455556666:app/WebAppInstanceRole", "q-prod-009"],
            ["arn:aws:s3:::my-app-bucket/config/feature-flags.json", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890", "444455556666:app/WebAppInstanceRole", "q-prod-010"],
            ["arn:aws:s3:::my-app-bucket/config/app.json", "ec2.amazonaws.com", "i-0a1b2c3d4e5f67890", "444455556666:app/WebAppInstanceRole", "q-prod-016"],
        ])
        let object = try QueryFixture.run("resource-access", ["resource": "arn:aws:s3:::prod-audit-logs/2026/11/report.csv"])
        #expect(object.project("origin_id", "chain", "event") == [[Self.alice, "444455556666:ProdAdmin > 444455556666:AuditReader", "s3:GetObject"]])
        let role = try QueryFixture.run("resource-access", ["resource": "arn:aws:iam::444455556666:role/ProdAdmin"])
        #expect(role.project("event_id", "origin_id", "error") == [
            ["q-dev-003", Self.alice, nil], ["q-prod-001", Self.alice, nil], ["q-prod-007", "936482017355", "AccessDenied"],
        ])
        // GLOB is case-sensitive, as S3 keys are.
        #expect(try QueryFixture.run("resource-access", ["resource": "arn:aws:s3:::MY-APP-BUCKET/*"]).isEmpty)
    }

    @Test("failed-assume-role: who tried which role")
    func failedAssumeRole() throws {
        let result = try QueryFixture.run("failed-assume-role")
        #expect(result.project("event_id", "origin_type", "origin_id", "target_role", "session_name", "error", "source_ip") == [
            ["q-dev-006", "iam_user", Self.alice, "arn:aws:iam::444455556666:role/BreakGlass", "alice-bg", "AccessDenied", "198.51.100.23"],
            ["q-prod-007", "external_account", "936482017355", "arn:aws:iam::444455556666:role/ProdAdmin", "audit", "AccessDenied", "203.0.113.77"],
        ])
        #expect(try QueryFixture.run("failed-assume-role", ["role": "ProdAdmin"]).column("event_id") == ["q-prod-007"])
        #expect(try QueryFixture.run("failed-assume-role", ["role": "arn:aws:iam::444455556666:role/Break*"]).column("event_id") == ["q-dev-006"])
    }

    @Test("deep-role-chains: AuditReader reached through ProdAdmin")
    func deepRoleChains() throws {
        let result = try QueryFixture.run("deep-role-chains")
        #expect(result.project("role_arn", "depth", "chain", "origin_id", "events", "confidence") == [
            ["arn:aws:iam::444455556666:role/AuditReader", "2", "444455556666:ProdAdmin > 444455556666:AuditReader", Self.alice, "2", "exact"],
        ])
        #expect(try QueryFixture.run("deep-role-chains", ["depth": "2"]).isEmpty)
        #expect(try QueryFixture.run("deep-role-chains", ["depth": "0"]).rows.count == 5)
    }

    @Test("source-ip-activity: one address, or a range")
    func sourceIPActivity() throws {
        #expect(try QueryFixture.run("source-ip-activity", ["ip": "203.0.113.77"]).project("origin_id", "event", "error")
            == [["936482017355", "sts:AssumeRole", "AccessDenied"]])
        #expect(try QueryFixture.run("source-ip-activity", ["ip": "198.51.100.*", "errors_only": "1"]).column("event_id")
            == ["q-dev-002", "q-dev-004", "q-prod-003", "q-prod-006", "q-dev-006"])
    }

    @Test("iam-changes: writes to IAM")
    func iamChanges() throws {
        #expect(try QueryFixture.run("iam-changes").project("event", "target", "policy", "origin_id", "chain", "error") == [
            ["CreateUser", "break-glass-2", nil, Self.alice, "444455556666:ProdAdmin", "AccessDenied"],
            ["PutRolePolicy", "WebAppInstanceRole", "tmp-debug-access", Self.alice, "444455556666:ProdAdmin", nil],
        ])
        #expect(try QueryFixture.run("iam-changes", ["event": "Put*Policy"]).column("event_id") == ["q-prod-017"])
    }

    static let injectable: [(String, String)] = [
        ("who-assumed-role", "role"), ("identity-activity", "identity"), ("resource-access", "resource"),
        ("source-ip-activity", "ip"), ("failed-assume-role", "role"), ("access-denied", "identity"),
    ]

    @Test("SQL injection in parameters is bound as a literal and matches nothing", arguments: injectable)
    func injection(query: String, parameter: String) throws {
        for attack in ["x' OR 1=1 --", "x\" OR \"1\"=\"1", "'; DROP TABLE events; --", "x') OR ('1'='1"] {
            #expect(try QueryFixture.run(query, [parameter: attack]).isEmpty, "\(query) --\(parameter) \(attack)")
        }
        #expect(try QueryFixture.open().scalarInt("SELECT count(*) FROM events") == 23)
    }

    @Test("an injected text parameter in raw SQL comes back verbatim")
    func injectionRawSQL() throws {
        let attack = "x' OR 1=1 --"
        let result = try QueryFixture.runner().run(sql: "SELECT :v AS v, (SELECT count(*) FROM events WHERE event_id = :v) AS n", textBindings: ["v": attack])
        #expect(result.project("v", "n") == [[attack, "0"]])
    }
}
