import Foundation
import Testing
@testable import TrailCore

/// The window aggregates (top-talkers, cross-account-access, iam-changes, …) read the covering
/// activity index through `sessions` instead of the `event_attribution` view, for speed. Each is
/// checked here against the plain formulation over the view, on the query fixture and on a
/// database holding the cases the index route could miss: an event with no identity (no
/// session), an unknown-origin session, and filters on columns only the rows used to carry.
@Suite("Query: window aggregates agree with the plain view formulation")
struct QueryAggregateTests {
    /// top-talkers as it read before it went through the index.
    static let topTalkersReference = """
        SELECT a.origin_type, a.origin_id, a.origin_detail,
               count(*) AS events, count(a.error_code) AS errors,
               count(DISTINCT a.session_key) AS sessions,
               count(DISTINCT a.account_id) AS accounts,
               count(DISTINCT a.event_source) AS services,
               strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
               strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
        FROM event_attribution a
        WHERE (:since IS NULL OR a.event_ts >= :since)
          AND (:until IS NULL OR a.event_ts < :until)
          AND (:account IS NULL OR a.account_id = :account)
          AND (:region IS NULL OR a.region = :region)
          AND (:service IS NULL OR a.event_source = :service)
          AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\\')
          AND (NOT :errors_only OR a.error_code IS NOT NULL)
        GROUP BY a.origin_type, a.origin_id, a.origin_detail
        ORDER BY events DESC, a.origin_type, a.origin_id, a.origin_detail
        LIMIT :limit
        """

    static let crossAccountReference = """
        SELECT a.account_id AS account, a.origin_account, a.origin_type, a.origin_id, a.origin_detail,
               coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                           FROM json_each(a.chain)), '(direct)') AS chain,
               count(DISTINCT a.session_key) AS sessions, count(*) AS events, count(a.error_code) AS errors,
               strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
               strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
        FROM event_attribution a
        WHERE a.origin_account IS NOT NULL AND a.account_id IS NOT NULL AND a.origin_account <> a.account_id
          AND (:since IS NULL OR a.event_ts >= :since)
          AND (:until IS NULL OR a.event_ts < :until)
          AND (:account IS NULL OR a.account_id = :account)
          AND (:service IS NULL OR a.event_source = :service)
          AND (NOT :errors_only OR a.error_code IS NOT NULL)
        GROUP BY a.account_id, a.origin_account, a.origin_type, a.origin_id, a.origin_detail, a.chain
        ORDER BY a.account_id, a.origin_account, a.origin_id, chain
        """

    static let iamChangesReference = """
        SELECT a.event_id FROM event_attribution a
        WHERE a.event_source = 'iam.amazonaws.com'
          AND (a.read_only = 0 OR (a.read_only IS NULL AND a.event_name NOT GLOB 'Get*' AND a.event_name NOT GLOB 'List*'))
          AND (:since IS NULL OR a.event_ts >= :since)
          AND (:until IS NULL OR a.event_ts < :until)
        ORDER BY a.event_ts, a.event_id
        """

    /// access-denied as it read before it grouped from the error index.
    static let accessDeniedReference = """
        SELECT a.origin_type, a.origin_id, a.origin_detail,
               coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                           FROM json_each(a.chain)), '(direct)') AS chain,
               a.account_id AS account,
               replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
               a.error_code, count(*) AS denials,
               strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
               strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
        FROM event_attribution a
        WHERE a.error_code IS NOT NULL
          AND (a.error_code LIKE '%AccessDenied%' OR a.error_code LIKE '%Unauthorized%' OR a.error_code LIKE '%Forbidden%')
          AND (:identity IS NULL OR a.session_key IN (
                SELECT s.session_key FROM sessions s
                WHERE s.origin_id LIKE :identity ESCAPE '\\' OR s.origin_detail LIKE :identity ESCAPE '\\'
                   OR s.session_arn LIKE :identity ESCAPE '\\' OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\\'
                   OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\\'))
          AND (:since IS NULL OR a.event_ts >= :since)
          AND (:until IS NULL OR a.event_ts < :until)
          AND (:account IS NULL OR a.account_id = :account)
          AND (:region IS NULL OR a.region = :region)
          AND (:service IS NULL OR a.event_source = :service)
          AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\\')
        GROUP BY a.origin_type, a.origin_id, a.origin_detail, a.chain, a.account_id, a.event_source, a.event_name, a.error_code
        ORDER BY denials DESC, max(a.event_ts) DESC, a.origin_id, event
        """

    /// identity-activity as it read before it collected the matching sessions first.
    static let identityActivityReference = """
        SELECT a.event_time AS time, a.account_id AS account, a.region,
               a.origin_type, a.origin_id, a.origin_detail,
               coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                           FROM json_each(a.chain)), '(direct)') AS chain,
               replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
               (SELECT group_concat(arn, ', ') FROM (SELECT r.arn FROM resources r WHERE r.event_id = a.event_id ORDER BY r.position)) AS resources,
               a.error_code AS error, a.event_id
        FROM sessions s CROSS JOIN event_attribution a ON a.session_key = s.session_key
        WHERE (s.origin_id LIKE :identity ESCAPE '\\' OR s.origin_detail LIKE :identity ESCAPE '\\'
               OR s.session_arn LIKE :identity ESCAPE '\\' OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\\'
               OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\\')
          AND (:since IS NULL OR a.event_ts >= :since)
          AND (:until IS NULL OR a.event_ts < :until)
          AND (:account IS NULL OR a.account_id = :account)
          AND (:region IS NULL OR a.region = :region)
          AND (:service IS NULL OR a.event_source = :service)
          AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\\')
          AND (NOT :errors_only OR a.error_code IS NOT NULL)
        ORDER BY a.event_ts, a.event_id
        """

    /// Runs `sql` with the same bindings the named query would get for `arguments`.
    static func reference(_ sql: String, like name: String, _ arguments: [String: String], on runner: QueryRunner) throws -> ResultSet {
        let query = try QueryFixture.builtIn.query(named: name)
        let bindings = try runner.bindings(for: query, arguments: arguments)
        return try runner.execute(sql, bindings)
    }

    static let argumentSets: [[String: String]] = [
        [:], ["errors_only": "true"], ["service": "s3"], ["event": "Get%"], ["account": "444455556666"],
        ["region": "us-east-1", "limit": "3"], ["since": "2026-11-20T09:00:00Z", "until": "2026-11-20T11:00:00Z"],
    ]

    @Test("top-talkers equals the per-origin GROUP BY over event_attribution on the query fixture")
    func topTalkersOnFixture() throws {
        let runner = try QueryFixture.runner()
        for arguments in Self.argumentSets {
            let named = try runner.run(try QueryFixture.builtIn.query(named: "top-talkers"), arguments: arguments)
            let plain = try Self.reference(Self.topTalkersReference, like: "top-talkers", arguments, on: runner)
            #expect(named == plain, "arguments \(arguments)")
        }
        #expect(try QueryFixture.run("top-talkers").rows.count > 3)
    }

    @Test("cross-account-access equals the plain formulation on the query fixture")
    func crossAccountOnFixture() throws {
        let runner = try QueryFixture.runner()
        for arguments in [[:], ["errors_only": "true"], ["service": "s3"], ["account": "444455556666"]] as [[String: String]] {
            let named = try runner.run(try QueryFixture.builtIn.query(named: "cross-account-access"), arguments: arguments)
            let plain = try Self.reference(Self.crossAccountReference, like: "cross-account-access", arguments, on: runner)
            #expect(named == plain, "arguments \(arguments)")
        }
        #expect(try QueryFixture.run("cross-account-access").rows.isEmpty == false)
    }

    @Test("access-denied and identity-activity equal their plain formulations on the query fixture")
    func perEventQueriesOnFixture() throws {
        let runner = try QueryFixture.runner()
        let denialSets: [[String: String]] = [[:], ["identity": "alice"], ["identity": "*"], ["service": "s3"], ["event": "Get*"],
                                              ["account": "444455556666"], ["region": "us-east-1"],
                                              ["since": "2026-11-20T09:00:00Z", "until": "2026-11-20T11:00:00Z"]]
        var denials = 0
        for arguments in denialSets {
            let named = try runner.run(try QueryFixture.builtIn.query(named: "access-denied"), arguments: arguments)
            let plain = try Self.reference(Self.accessDeniedReference, like: "access-denied", arguments, on: runner)
            #expect(named == plain, "arguments \(arguments)")
            denials += named.rows.count
        }
        #expect(denials > 0, "the fixture has denied calls, so the comparison compares something")

        let identities = try runner.execute("SELECT DISTINCT coalesce(origin_detail, origin_id) FROM sessions WHERE origin_id IS NOT NULL ORDER BY 1")
            .rows.compactMap { $0.first?.textValue }
        #expect(identities.count > 3)
        var events = 0
        for identity in identities + ["*", "alice", "nobody-at-all"] {
            for extra in [[:], ["errors_only": "true"], ["service": "s3"], ["since": "2026-11-20T10:00:00Z"]] as [[String: String]] {
                let arguments = extra.merging(["identity": identity]) { a, _ in a }
                let named = try runner.run(try QueryFixture.builtIn.query(named: "identity-activity"), arguments: arguments)
                let plain = try Self.reference(Self.identityActivityReference, like: "identity-activity", arguments, on: runner)
                #expect(named == plain, "arguments \(arguments)")
                events += named.rows.count
            }
        }
        #expect(events > 0)
    }

    @Test("an event with no identity counts under the bare unknown origin, merged with sessions attributed to nobody")
    func eventsWithoutSession() throws {
        try TS.withTempDir { dir in
            let records = [
                TS.record(id: "known-1", time: "2026-11-20T10:00:00Z"),
                TS.record(id: "known-2", time: "2026-11-20T10:05:00Z", overrides: ["errorCode": "AccessDenied", "eventSource": "iam.amazonaws.com",
                                                                                   "eventName": "CreateUser", "readOnly": false]),
                // No userIdentity at all: stored, attributed to no session.
                TS.record(id: "anon-1", time: "2026-11-20T10:10:00Z", overrides: ["errorCode": "Client.UnauthorizedOperation"],
                          removing: ["userIdentity"]),
                TS.record(id: "anon-2", time: "2026-11-20T10:20:00Z", overrides: ["eventSource": "iam.amazonaws.com",
                                                                                  "eventName": "DeleteRole", "readOnly": false],
                          removing: ["userIdentity"]),
                // IAM calls that do not say whether they only read: a write by its name, and a read.
                TS.record(id: "iam-unsaid-write", time: "2026-11-20T10:21:00Z", overrides: ["eventSource": "iam.amazonaws.com",
                                                                                           "eventName": "AttachRolePolicy"],
                          removing: ["readOnly"]),
                TS.record(id: "iam-unsaid-read", time: "2026-11-20T10:22:00Z", overrides: ["eventSource": "iam.amazonaws.com",
                                                                                          "eventName": "GetRole"],
                          removing: ["readOnly"]),
                TS.record(id: "iam-read", time: "2026-11-20T10:23:00Z", overrides: ["eventSource": "iam.amazonaws.com",
                                                                                   "eventName": "ListRoles", "readOnly": true]),
                // An assumed-role session whose AssumeRole is not in the logs: origin unknown.
                TS.record(id: "role-1", time: "2026-11-20T10:30:00Z", overrides: ["userIdentity": [
                    "type": "AssumedRole", "principalId": "AROAEXAMPLE:orphan",
                    "arn": "arn:aws:sts::111122223333:assumed-role/Orphan/orphan", "accountId": "111122223333",
                    "accessKeyId": "ASIAORPHAN",
                    "sessionContext": ["attributes": ["creationDate": "2026-11-20T10:29:00Z", "mfaAuthenticated": "false"]] as [String: Any],
                ] as [String: Any]]),
            ]
            let file = dir.write(TS.s3Key(name: "agg"), TS.recordsFile(records))
            let db = dir.file("trail.db")
            try TS.ingest([file], into: db, options: TS.testOptions(attribute: true))
            let database = try TS.openDB(db)
            #expect(try TS.count(database, "SELECT count(*) FROM event_rows WHERE session_id IS NULL") == 2)
            let runner = QueryRunner(database: database, now: QueryFixture.now)

            let talkers = try runner.run(try QueryFixture.builtIn.query(named: "top-talkers"), arguments: [:])
            // The two records without an identity and the orphaned role session share one row.
            #expect(talkers.project("origin_type", "origin_id", "origin_detail", "events", "sessions", "errors") == [
                ["iam_user", "arn:aws:iam::111122223333:user/alice", nil, "5", "1", "1"],
                ["unknown", nil, nil, "3", "1", "1"],
            ])
            for arguments in Self.argumentSets {
                let named = try runner.run(try QueryFixture.builtIn.query(named: "top-talkers"), arguments: arguments)
                let plain = try Self.reference(Self.topTalkersReference, like: "top-talkers", arguments, on: runner)
                #expect(named == plain, "arguments \(arguments)")
            }

            // iam-changes finds IAM's events through the index, with or without a session.
            let changes = try runner.run(try QueryFixture.builtIn.query(named: "iam-changes"), arguments: [:])
            let plain = try Self.reference(Self.iamChangesReference, like: "iam-changes", [:], on: runner)
            #expect(changes.column("event_id") == plain.column("event_id"))
            #expect(changes.column("event_id") == ["known-2", "anon-2", "iam-unsaid-write"])

            // A denial without a session (no identity at all) still counts, under "unknown".
            for arguments in [[:], ["identity": "alice"]] as [[String: String]] {
                let named = try runner.run(try QueryFixture.builtIn.query(named: "access-denied"), arguments: arguments)
                let plain = try Self.reference(Self.accessDeniedReference, like: "access-denied", arguments, on: runner)
                #expect(named == plain, "arguments \(arguments)")
            }
            let denied = try runner.run(try QueryFixture.builtIn.query(named: "access-denied"), arguments: [:])
            #expect(denied.project("origin_type", "event", "denials") == [["unknown", "ec2:DescribeInstances", "1"], ["iam_user", "iam:CreateUser", "1"]])
        }
    }
}
