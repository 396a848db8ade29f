import Foundation
import Testing
@testable import TrailCore

/// The roll-ups (`activity_rollup`, `hourly_rollup`, rebuilt by every ingest) and the queries
/// that read them: it must equal grouping the events as they are attributed, and each query must give the
/// same rows as its former event-level formulation (Fixtures/reference-queries/), whether a
/// session lies inside the window, crosses one of its boundaries, or the roll-up lags.
@Suite("Store: the activity roll-up and the queries that read it")
struct ActivityRollupTests {
    static let groupedEvents = """
        SELECT coalesce(session_id, 0), coalesce(recipient_account_id, identity_account_id), aws_region, access_key_id,
               source_ip_address, count(*), count(error_code), min(event_ts), max(event_ts)
        FROM event_rows GROUP BY session_id, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        """
    static let rollupRows = """
        SELECT session_id, account, region, access_key_id, source_ip_address, events, errors, first_ts, last_ts
        FROM activity_rollup ORDER BY 1, 2, 3, 4, 5
        """

    static let hourlyGroupedEvents = """
        SELECT event_ts / 3600 * 3600, coalesce(recipient_account_id, identity_account_id), aws_region, count(*)
        FROM event_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """
    static let hourlyRows = "SELECT hour, account, region, events FROM hourly_rollup ORDER BY 1, 2, 3"

    static let serviceGroupedEvents = """
        SELECT coalesce(session_id, 0), event_source, count(*), min(event_ts), max(event_ts)
        FROM event_rows GROUP BY session_id, event_source ORDER BY 1, 2
        """
    static let serviceRows = "SELECT session_id, event_source, events, first_ts, last_ts FROM service_rollup ORDER BY 1, 2"

    /// `error_events` against the failed calls' findings, column for column.
    static let errorFindings = """
        SELECT f.event_ts, f.event_id, f.time, f.account, f.region, f.event_source, f.event_name, f.error_code, f.session_id,
               f.source_ip, f.origin_type, f.origin, f.origin_detail, f.chain, f.session, f.resources
        FROM event_findings f WHERE f.error_code IS NOT NULL ORDER BY 1, 2
        """
    static let errorEventRows = """
        SELECT event_ts, event_id, event_time, account, region, event_source, event_name, error_code, session_id,
               source_ip_address, origin_type, coalesce(origin_id, ''), origin_detail, chain, session_key, resources
        FROM error_events ORDER BY 1, 2
        """
    /// Rows whose event row or chain of role names is not their event's and session's.
    static let errorEventMismatches = """
        SELECT count(*) FROM error_events x LEFT JOIN event_rows e ON e.id = x.event_row LEFT JOIN sessions s ON s.id = x.session_id
        WHERE e.event_id IS NOT x.event_id OR x.chain_roles IS NOT s.chain_roles
        """

    /// The address roll-up as the migration's SQL builds it from the activity roll-up, and as stored.
    static let addressFromActivity = """
        SELECT r.source_ip_address, coalesce(\(ActivityRollup.originLabelSQL("s")), 'unknown'), r.rowid, r.account, r.events,
               r.first_ts, r.last_ts
        FROM activity_rollup r LEFT JOIN sessions s ON s.id = r.session_id
        WHERE r.source_ip_address IS NOT NULL ORDER BY 1, 2, 3
        """
    static let addressRows = """
        SELECT source_ip_address, origin_label, rollup_row, account, events, first_ts, last_ts FROM address_rollup ORDER BY 1, 2, 3
        """

    /// Each address's totals computed here from `address_rollup`, the origins sorted in Swift.
    static func addressTotals(_ db: Database) throws -> [[SQLValue]] {
        var totals: [String: (first: Int64, last: Int64, events: Int64, origins: Set<String>)] = [:]
        for row in try db.rows("SELECT source_ip_address, origin_label, first_ts, last_ts, events FROM address_rollup") {
            guard case .text(let ip) = row[0], case .text(let origin) = row[1], case .integer(let first) = row[2],
                  case .integer(let last) = row[3], case .integer(let events) = row[4] else { continue }
            var entry = totals[ip] ?? (Int64.max, Int64.min, 0, [])
            entry.first = min(entry.first, first)
            entry.last = max(entry.last, last)
            entry.events += events
            entry.origins.insert(origin)
            totals[ip] = entry
        }
        // SQLite's BINARY order is byte order, as the UTF-8 views compare.
        return totals.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { ip in
            totals[ip].map { [.text(ip), .integer($0.first), .integer($0.last), .integer($0.events),
                              .text($0.origins.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ","))] }
        }
    }

    static func expectRollupMatchesEvents(_ db: Database, _ comment: Comment) throws {
        let rollup = try db.rows(rollupRows)
        #expect(!rollup.isEmpty, comment)
        #expect(rollup == (try db.rows(groupedEvents)), comment)
        let addresses = try db.rows(addressRows)
        #expect(addresses.count == (try TS.count(db, "SELECT count(*) FROM activity_rollup WHERE source_ip_address IS NOT NULL")), comment)
        #expect(addresses == (try db.rows(addressFromActivity)), comment)
        #expect(try db.rows("SELECT * FROM address_totals ORDER BY 1") == (try addressTotals(db)), comment)
        let hourly = try db.rows(hourlyRows)
        #expect(!hourly.isEmpty, comment)
        #expect(hourly == (try db.rows(hourlyGroupedEvents)), comment)
        let services = try db.rows(serviceRows)
        #expect(!services.isEmpty, comment)
        #expect(services == (try db.rows(serviceGroupedEvents)), comment)
        let errors = try db.rows(errorEventRows)
        #expect(errors.count == (try TS.count(db, "SELECT count(*) FROM event_rows WHERE error_code IS NOT NULL")), comment)
        #expect(errors == (try db.rows(errorFindings)), comment)
        #expect(try TS.count(db, errorEventMismatches) == 0, comment)
        #expect(try ActivityRollup.isCurrent(db), comment)
    }

    static let rollupQueries = ["hygiene-keys-many-ips", "hygiene-long-term-key-usage", "new-or-rare-source-ips", "cross-account-access",
                                "log-coverage", "long-term-key-usage", "top-talkers", "cross-account-roles",
                                "cis-4-1-unauthorized-api-calls", "access-denied"]

    static func referenceSQL(_ name: String) throws -> String {
        try String(contentsOf: QueryFixture.directory.deletingLastPathComponent().appendingPathComponent("reference-queries/\(name).sql"),
                   encoding: .utf8)
    }

    /// Windows inside, around and across the fixture's day (02:05 to 17:21 UTC).
    static let windows: [[String: String]] = [
        ["since": "2026-11-19"],
        ["since": "2026-11-20T10:00:00Z"],
        ["since": "2026-11-19", "until": "2026-11-20T10:00:00Z"],
        ["since": "2026-11-20T09:00:00Z", "until": "2026-11-20T11:00:00Z"],
        ["since": "2026-11-20T10:30:00Z", "until": "2026-11-20T10:45:00Z"],
        ["since": "2026-11-20T17:00:00Z"],
    ]

    /// Every roll-up query against its reference, for each window, with the extra arguments
    /// each one needs to list something on the small fixture.
    static func expectQueriesAgree(on runner: QueryRunner, _ label: String) throws {
        var listed = 0
        for name in rollupQueries {
            let query = try QueryFixture.builtIn.query(named: name)
            let reference = try referenceSQL(name)
            for window in windows {
                var extras: [[String: String]] = [[:]]
                if query.parameter("min_ips") != nil { extras = [["min_ips": "1"], [:]] }
                if query.parameter("account") != nil { extras += [["account": "444455556666"]] }
                if query.parameter("service") != nil { extras += [["service": "s3"]] }
                if query.parameter("errors_only") != nil { extras += [["errors_only": "true"]] }
                if query.parameter("key") != nil { extras += [["key": "AKIA*"], ["key": "AKIAZZZZ*"]] }
                if query.parameter("region") != nil { extras += [["region": "us-east-1"]] }
                if query.parameter("limit") != nil { extras += [["limit": "1"], ["limit": "3", "account": "444455556666"]] }
                if query.parameter("rare_max") != nil { extras += [["rare_max": "0"], ["rare_max": "5"]] }
                if query.parameter("identity") != nil { extras += [["identity": "alice"], ["identity": "*Deploy*"]] }
                if query.parameter("event") != nil { extras += [["event": "Get*"]] }
                for extra in extras {
                    let arguments = window.merging(extra) { a, _ in a }
                    let named = try runner.run(query, arguments: arguments)
                    let plain = try QueryAggregateTests.reference(reference, like: name, arguments, on: runner)
                    #expect(named == plain, "\(label): \(name) \(arguments)")
                    listed += named.rows.count
                }
            }
        }
        #expect(listed > 20, "\(label): the comparisons compare rows, not only empty results")
    }

    @Test("after an ingest the roll-up equals grouping the events as attributed (re-pointed copies included)")
    func rollupOnFixture() throws {
        let db = try QueryFixture.open()
        try Self.expectRollupMatchesEvents(db, "fixture")
        #expect(try TS.count(db, "SELECT sum(events) FROM activity_rollup") == 23)
        #expect(try TS.count(db, "SELECT count(*) FROM error_events") > 0)
        // The role owner's copy of the cross-account AssumeRole acts under the caller's session.
        #expect(try TS.count(db, """
            SELECT count(*) FROM activity_rollup r JOIN event_links l ON l.session_id = r.session_id
            WHERE l.event_id = 'q-prod-001' AND r.account = '444455556666'
            """) == 1)
    }

    @Test("the roll-up queries agree with their event-level formulations, inside and across window boundaries")
    func queriesAgreeWhenCurrent() throws {
        try Self.expectQueriesAgree(on: try QueryFixture.runner(), "current roll-up")
    }

    @Test("while the roll-up lags the events, the queries count from the events and still agree")
    func queriesAgreeWhenLagging() throws {
        try TS.withTempDir { dir in
            let path = try QueryFixture.copy(in: dir, named: "lagging.db")
            do {
                let writer = try TrailDatabase.openForWriting(path)
                // As if events had been committed after the last rebuild, and the roll-up were wrong.
                try writer.execute("""
                    UPDATE rollup_state SET max_event_rowid = max_event_rowid - 1;
                    UPDATE activity_rollup SET events = events + 100; DELETE FROM hourly_rollup WHERE hour % 7200 = 0;
                    DELETE FROM service_rollup WHERE event_source LIKE 's3%';
                    UPDATE error_events SET origin_id = 'someone else', chain_roles = NULL, resources = NULL
                    """)
                #expect(try !ActivityRollup.isCurrent(writer))
            }
            try Self.expectQueriesAgree(on: QueryRunner(database: try TS.openDB(path), now: QueryFixture.now), "lagging roll-up")
        }
    }

    @Test("an ingest without attribution leaves the roll-up current; the next attributed one rebuilds it")
    func noAttribution() throws {
        try TS.withTempDir { dir in
            let db = dir.file("trail.db")
            // Texts are carried byte for byte: an address with a NUL in it, an empty region.
            let odd = TS.record(id: "odd", overrides: ["sourceIPAddress": "203.0.113.9\u{0}evil", "awsRegion": ""])
            let first = dir.write(TS.s3Key(name: "one"), TS.recordsFile(TS.records("one", 5) + [odd]))
            try TS.ingest([first], into: db, options: TS.testOptions(attribute: false))
            try Self.expectRollupMatchesEvents(try TS.openDB(db), "without attribution")
            #expect(try TS.count(try TS.openDB(db), "SELECT sum(events) FROM activity_rollup") == 6)
            #expect(try TS.count(try TS.openDB(db), "SELECT count(*) FROM activity_rollup WHERE length(CAST(source_ip_address AS BLOB)) = 16 AND region = ''") == 1)

            let second = dir.write(TS.s3Key(name: "two"), TS.recordsFile(TS.records("two", 3)))
            try TS.ingest([second], into: db, options: TS.testOptions(attribute: true))
            try Self.expectRollupMatchesEvents(try TS.openDB(db), "after an attributed ingest")
            #expect(try TS.count(try TS.openDB(db), "SELECT sum(events) FROM activity_rollup") == 9)
        }
    }

    @Test("new-or-rare-source-ips counts an address from its events once, when one session crosses the window and another lies inside")
    func rareAddressAcrossWindowStart() throws {
        try TS.withTempDir { dir in
            let db = dir.file("trail.db")
            let shared = "198.51.100.7"
            let bob: [String: Any] = [
                "type": "IAMUser", "principalId": "AIDAEXAMPLEBOB", "arn": "arn:aws:iam::111122223333:user/bob",
                "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLEBOB", "userName": "bob",
            ]
            let records = [
                // alice's key uses the address before and after 10:00; bob's only after.
                TS.record(id: "a-0900", time: "2026-11-20T09:00:00Z", overrides: ["sourceIPAddress": shared]),
                TS.record(id: "a-1100", time: "2026-11-20T11:00:00Z", overrides: ["sourceIPAddress": shared]),
                TS.record(id: "b-1030", time: "2026-11-20T10:30:00Z", overrides: ["sourceIPAddress": shared, "userIdentity": bob]),
            ]
            try TS.ingest([dir.write(TS.s3Key(name: "shared"), TS.recordsFile(records))], into: db,
                          options: TS.testOptions(attribute: true))
            let runner = QueryRunner(database: try TS.openDB(db), now: QueryFixture.now)
            let query = try QueryFixture.builtIn.query(named: "new-or-rare-source-ips")
            let arguments = ["since": "2026-11-20T10:00:00Z"]
            let result = try runner.run(query, arguments: arguments)
            let row = try #require(result.rows.first)
            #expect(result.rows.count == 1)
            #expect(row[result.columns.firstIndex(of: "source_ip") ?? -1] == .text(shared))
            #expect(row[result.columns.firstIndex(of: "status") ?? -1] == .text("rare"))
            #expect(row[result.columns.firstIndex(of: "events_in_window") ?? -1] == .integer(2))
            #expect(row[result.columns.firstIndex(of: "origins") ?? -1]
                    == .text("arn:aws:iam::111122223333:user/alice,arn:aws:iam::111122223333:user/bob"))
            let reference = try QueryAggregateTests.reference(try Self.referenceSQL("new-or-rare-source-ips"),
                                                              like: "new-or-rare-source-ips", arguments, on: runner)
            #expect(result == reference)
        }
    }

    @Test("new-or-rare-source-ips lists an address's origins sorted, whatever order they used it in")
    func addressOriginsSorted() throws {
        try TS.withTempDir { dir in
            let db = dir.file("trail.db")
            let shared = "198.51.100.9"
            func user(_ name: String) -> [String: Any] {
                ["type": "IAMUser", "principalId": "AIDAEXAMPLE\(name.uppercased())", "arn": "arn:aws:iam::111122223333:user/\(name)",
                 "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLE\(name.uppercased())", "userName": name]
            }
            // First use in the reverse of name order, so the roll-up's row order is not the
            // listing's; the last has no identity at all.
            let records = [
                TS.record(id: "z-0900", time: "2026-11-20T09:00:00Z", overrides: ["sourceIPAddress": shared, "userIdentity": user("zed")]),
                TS.record(id: "b-0930", time: "2026-11-20T09:30:00Z", overrides: ["sourceIPAddress": shared, "userIdentity": user("bob")]),
                TS.record(id: "a-1000", time: "2026-11-20T10:00:00Z", overrides: ["sourceIPAddress": shared, "userIdentity": user("alice")]),
                TS.record(id: "n-1010", time: "2026-11-20T10:10:00Z", overrides: ["sourceIPAddress": shared], removing: ["userIdentity"]),
                TS.record(id: "b-1020", time: "2026-11-20T10:20:00Z", overrides: ["sourceIPAddress": shared, "userIdentity": user("bob")]),
            ]
            try TS.ingest([dir.write(TS.s3Key(name: "origins"), TS.recordsFile(records))], into: db,
                          options: TS.testOptions(attribute: true))
            let runner = QueryRunner(database: try TS.openDB(db), now: QueryFixture.now)
            let query = try QueryFixture.builtIn.query(named: "new-or-rare-source-ips")
            for arguments in [["since": "2026-11-20T08:00:00Z"], ["since": "2026-11-20T09:45:00Z", "rare_max": "5"]] {
                let result = try runner.run(query, arguments: arguments)
                let row = try #require(result.rows.first { $0.first == .text(shared) })
                let expected = arguments["since"] == "2026-11-20T08:00:00Z"
                    ? "arn:aws:iam::111122223333:user/alice,arn:aws:iam::111122223333:user/bob,arn:aws:iam::111122223333:user/zed,unknown"
                    // zed's row lies before the window; bob's (09:30 to 10:20) crosses its start, so the
                    // address is counted from its events.
                    : "arn:aws:iam::111122223333:user/alice,arn:aws:iam::111122223333:user/bob,unknown"
                #expect(row[result.columns.firstIndex(of: "origins") ?? -1] == .text(expected), "\(arguments)")
                let reference = try QueryAggregateTests.reference(try Self.referenceSQL("new-or-rare-source-ips"),
                                                                  like: "new-or-rare-source-ips", arguments, on: runner)
                #expect(result == reference, "\(arguments)")
            }
        }
    }

    @Test("top-talkers counts a session that crosses the window once, and events with no identity under unknown")
    func topTalkersAcrossWindowStart() throws {
        try TS.withTempDir { dir in
            let db = dir.file("trail.db")
            let records = [
                // One session: a roll-up row across 10:00 (same address) and one inside the window.
                TS.record(id: "a-0900", time: "2026-11-20T09:00:00Z"),
                TS.record(id: "a-1100", time: "2026-11-20T11:00:00Z"),
                TS.record(id: "a-1030", time: "2026-11-20T10:30:00Z", overrides: ["sourceIPAddress": "198.51.100.8"]),
                // No identity: no session, so "unknown" with none.
                TS.record(id: "n-1040", time: "2026-11-20T10:40:00Z", overrides: ["eventSource": "s3.amazonaws.com"],
                          removing: ["userIdentity"]),
            ]
            try TS.ingest([dir.write(TS.s3Key(name: "talkers"), TS.recordsFile(records))], into: db,
                          options: TS.testOptions(attribute: true))
            let runner = QueryRunner(database: try TS.openDB(db), now: QueryFixture.now)
            #expect(try TS.count(try TS.openDB(db), "SELECT count(*) FROM event_rows WHERE session_id IS NULL") == 1)
            let query = try QueryFixture.builtIn.query(named: "top-talkers")
            let arguments = ["since": "2026-11-20T10:00:00Z"]
            let result = try runner.run(query, arguments: arguments)
            let columns = ["origin_type", "origin_id", "events", "errors", "sessions", "accounts", "services"]
            let rows = result.rows.map { row in columns.map { row[result.columns.firstIndex(of: $0) ?? -1] } }
            #expect(rows == [
                [.text("iam_user"), .text("arn:aws:iam::111122223333:user/alice"), .integer(2), .integer(0), .integer(1), .integer(1), .integer(1)],
                [.text("unknown"), .null, .integer(1), .integer(0), .integer(0), .integer(1), .integer(1)],
            ])
            let reference = try QueryAggregateTests.reference(try Self.referenceSQL("top-talkers"),
                                                              like: "top-talkers", arguments, on: runner)
            #expect(result == reference)
        }
    }
}
