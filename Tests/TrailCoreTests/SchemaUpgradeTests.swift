import Foundation
import Testing
@testable import TrailCore

/// Schemas 11 to 14: resources carry their event's row id, sessions their chain as role names,
/// cross-account role sessions have an index, services per session are rolled up, failed calls
/// are kept with their attribution (`error_events`), addresses with their origins, and the
/// resources by ARN with their events (`resource_events`). What an ingest writes, and what the
/// upgrade of an older database fills in, must be the same.
@Suite("Store: schemas 11 to 14, row-keyed resources, role-name chains, the service roll-up, error_events, resource_events")
struct SchemaUpgradeTests {
    /// A copy of the fixture as trail wrote it at schema 10: resources keyed by the text event id
    /// alone, sessions without `chain_roles`, the views as they were.
    static func schema10Copy(in dir: TS.TempDir) throws -> String {
        let path = try QueryFixture.copy(in: dir, named: "schema10.db")
        let db = try Database(path: path, mode: .readWrite)
        try db.execute("""
            DROP VIEW event_findings; DROP VIEW event_attribution;
            DROP TABLE service_rollup; DROP TABLE error_events; DROP TABLE address_rollup; DROP TABLE address_totals;
            DROP TABLE resource_events; DROP TABLE resource_events_state; DROP INDEX sessions_display;
            DROP INDEX resources_row; DROP INDEX sessions_cross_account;
            ALTER TABLE resources DROP COLUMN event_row; ALTER TABLE sessions DROP COLUMN chain_roles;
            CREATE INDEX resources_arn ON resources(arn);
            \(Schema.attributionViewsSQL(version: 10))
            PRAGMA user_version = 10
            """)
        return path
    }

    static func indexColumns(_ db: Database, _ index: String) throws -> [String] {
        try db.rows("SELECT name FROM pragma_index_info('\(index)') ORDER BY seqno").map { row in
            if case .text(let name) = row.first { return name }
            return ""
        }
    }

    @Test("an ingest points every resource at its event's row and spells each chain as role names")
    func ingestWritesBoth() throws {
        let db = try QueryFixture.open()
        #expect(try TS.count(db, "SELECT count(*) FROM resources") == 20)
        #expect(try TS.count(db, """
            SELECT count(*) FROM resources r JOIN event_rows e ON e.id = r.event_row WHERE e.event_id = r.event_id
            """) == 20)
        let chains = try db.rows("SELECT session_key, chain_roles FROM sessions WHERE chain_roles IS NOT NULL ORDER BY session_key")
        #expect(chains.contains([.text("AROAFIXTUREAUDITREAD:alice-audit@2026-11-20T10:10:00Z"),
                                 .text("444455556666:ProdAdmin > 444455556666:AuditReader")]))
        #expect(chains.contains([.text("AROAFIXTURELAMBDA001:order-processor@2026-11-20T14:20:00Z"),
                                 .text("444455556666:service-role/order-processor-role")]))
        #expect(chains.count == 5)
        // A direct session has none: the queries show "(direct)".
        #expect(try TS.count(db, "SELECT count(*) FROM sessions WHERE chain = '[]' AND chain_roles IS NOT NULL") == 0)
        #expect(try Self.indexColumns(db, "resources_row") == ["event_row", "position", "arn"])
        #expect(try Self.indexColumns(db, "sessions_display") == ["id", "origin_type", "origin_id", "origin_detail", "chain_roles"])
        // Kept for SQL written against the text id.
        #expect(try Self.indexColumns(db, "resources_event") == ["event_id"])
    }

    @Test("a schema 10 database is upgraded on read to what an ingest writes, and answers the same")
    func upgradeFromTen() throws {
        try TS.withTempDir { dir in
            let path = try Self.schema10Copy(in: dir)
            do {
                let old = try Database(path: path, mode: .readOnly)
                #expect(try TS.count(old, "SELECT count(*) FROM pragma_table_info('resources') WHERE name = 'event_row'") == 0)
            }
            let upgraded = try TrailDatabase.openForReading(path)
            #expect(try upgraded.scalarInt("PRAGMA user_version") == Int64(Schema.latestVersion))
            // The upgrade is checkpointed: later processes do not replay it from the WAL.
            #expect(try upgraded.scalarText("PRAGMA journal_mode") == "wal")
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            #expect(wal == 0)
            // Schema 12's service roll-up and 13's error_events, built by the upgrade with the SQL
            // the migrations run.
            try ActivityRollupTests.expectRollupMatchesEvents(upgraded, "upgraded from 10")
            let fixture = try QueryFixture.open()
            let resources = "SELECT event_id, position, arn, event_row FROM resources ORDER BY event_id, position"
            #expect(try upgraded.rows(resources) == (try fixture.rows(resources)))
            let chains = "SELECT id, chain, chain_roles FROM sessions ORDER BY id"
            #expect(try upgraded.rows(chains) == (try fixture.rows(chains)))
            // Schema 14: the resources by ARN, filled by the upgrade, replace the ARN index.
            try ResourceEventsTests.expectComplete(upgraded, "upgraded from 10")
            let byARN = "SELECT * FROM resource_events ORDER BY arn, event_ts, event_id, position"
            #expect(try upgraded.rows(byARN) == (try fixture.rows(byARN)))
            #expect(try TS.count(upgraded, "SELECT count(*) FROM sqlite_master WHERE name = 'resources_arn'") == 0)
            #expect(try Self.indexColumns(upgraded, "sessions_display") == ["id", "origin_type", "origin_id", "origin_detail", "chain_roles"])
            #expect(try Self.indexColumns(upgraded, "sessions_cross_account") == ["origin_account", "origin_type", "origin_id", "account_id", "role_arn"])
            #expect(try Self.indexColumns(upgraded, "resources_event") == ["event_id"])

            let upgradedRunner = QueryRunner(database: upgraded, now: QueryFixture.now)
            let fixtureRunner = try QueryFixture.runner()
            for (name, arguments) in [("resource-access", ["resource": "arn:aws:s3:::*"]), ("access-denied", [:]),
                                      ("cross-account-roles", [:]), ("cis-4-1-unauthorized-api-calls", [:]),
                                      ("new-or-rare-source-ips", ["since": "2026-11-19"])] {
                let query = try QueryFixture.builtIn.query(named: name)
                let answer = try upgradedRunner.run(query, arguments: arguments)
                #expect(answer == (try fixtureRunner.run(query, arguments: arguments)), "\(name)")
                #expect(!answer.rows.isEmpty, "\(name) lists something on the fixture")
            }
        }
    }

    @Test("when a schema 10 database cannot be upgraded, a query that reads the new columns says why")
    func olderColumnsError() throws {
        try TS.withTempDir { dir in
            let path = try Self.schema10Copy(in: dir)
            let runner = QueryRunner(database: try Database(path: path, mode: .readOnly), now: QueryFixture.now)
            #expect(throws: Schema.OlderSchemaError.self) {
                _ = try runner.run(try QueryFixture.builtIn.query(named: "resource-access"), arguments: ["resource": "arn:*"])
            }
            #expect(throws: Schema.OlderSchemaError.self) {
                _ = try runner.run(try QueryFixture.builtIn.query(named: "deep-role-chains"), arguments: [:])
            }
            #expect(throws: Schema.OlderSchemaError.self) {
                _ = try runner.run(try QueryFixture.builtIn.query(named: "cis-4-1-unauthorized-api-calls"), arguments: [:])
            }
            #expect(throws: Schema.OlderSchemaError.self) {
                _ = try runner.run(try QueryFixture.builtIn.query(named: "new-or-rare-source-ips"), arguments: [:])
            }
            // A column nobody added is still the SQL's mistake.
            #expect(throws: QueryError.self) { _ = try runner.run(sql: "SELECT no_such_column FROM sessions") }
        }
    }

    @Test("when a schema 13 database cannot be upgraded, resource-access says why, whichever part of schema 14 it misses")
    func olderThanResourceEvents() throws {
        try TS.withTempDir { dir in
            for (name, missing) in [("no-table.db", "DROP TABLE resource_events; DROP TABLE resource_events_state; DROP INDEX sessions_display"),
                                    ("no-index.db", "DROP INDEX sessions_display")] {
                let path = try QueryFixture.copy(in: dir, named: name)
                try Database(path: path, mode: .readWrite).execute("\(missing); PRAGMA user_version = 13")
                let runner = QueryRunner(database: try Database(path: path, mode: .readOnly), now: QueryFixture.now)
                #expect(throws: Schema.OlderSchemaError.self, "\(name)") {
                    _ = try runner.run(try QueryFixture.builtIn.query(named: "resource-access"), arguments: ["resource": "arn:*"])
                }
                // Once it can be written, the upgrade adds what was missing.
                let upgraded = try TrailDatabase.openForReading(path)
                let answer = try QueryRunner(database: upgraded, now: QueryFixture.now)
                    .run(try QueryFixture.builtIn.query(named: "resource-access"), arguments: ["resource": "arn:*"])
                #expect(answer.rows.count == 20, "\(name)")
            }
        }
    }

    @Test("cross-account-roles counts only the sessions of a group that acted in the window")
    func crossAccountRolesSessionsInWindow() throws {
        try withHarness { h in
            let alice = Rec.iamUser("alice", key: "AKIAEXAMPLEALICE0001")
            func session(_ tag: String, _ created: String) -> [String: Any] {
                Rec.roleSession(role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1", session: "alice-\(tag)",
                                key: "ASIAEXAMPLEISSUED00\(tag)", created: created)
            }
            var inside = Rec.call("use3c", "2026-11-20T10:25:00Z", session("3", "2026-11-20T09:45:00Z"), name: "PutObject")
            inside["sourceIPAddress"] = "203.0.113.50"
            try h.ingest([h.write("three-sessions.json", records: [
                Rec.assumeRole("ar1", "2026-11-20T09:00:00Z", caller: alice, role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1",
                               session: "alice-1", issuedKey: "ASIAEXAMPLEISSUED001"),
                Rec.call("use1", "2026-11-20T09:05:00Z", session("1", "2026-11-20T09:00:00Z")),
                Rec.assumeRole("ar2", "2026-11-20T10:30:00Z", caller: alice, role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1",
                               session: "alice-2", issuedKey: "ASIAEXAMPLEISSUED002"),
                Rec.call("use2", "2026-11-20T10:35:00Z", session("2", "2026-11-20T10:30:00Z"), name: "GetObject"),
                // A session across 10:00: one roll-up row spans it (same address), another lies after it.
                Rec.assumeRole("ar3", "2026-11-20T09:45:00Z", caller: alice, role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1",
                               session: "alice-3", issuedKey: "ASIAEXAMPLEISSUED003"),
                Rec.call("use3a", "2026-11-20T09:50:00Z", session("3", "2026-11-20T09:45:00Z")),
                Rec.call("use3b", "2026-11-20T10:20:00Z", session("3", "2026-11-20T09:45:00Z")),
                inside,
            ])])
            let runner = QueryRunner(database: try TS.openDB(h.database), now: QueryFixture.now)
            let query = try QueryFixture.builtIn.query(named: "cross-account-roles")
            let reference = try ActivityRollupTests.referenceSQL("cross-account-roles")
            for (arguments, sessions, events, actions) in [([String: String](), 3, 5, "s3:GetObject s3:ListBuckets s3:PutObject"),
                                                          (["since": "2026-11-20T10:00:00Z"], 2, 3, "s3:GetObject s3:ListBuckets s3:PutObject"),
                                                          (["until": "2026-11-20T10:10:00Z"], 2, 2, "s3:ListBuckets")] {
                let result = try runner.run(query, arguments: arguments)
                let row = try #require(result.rows.first, "\(arguments)")
                #expect(result.rows.count == 1)
                func value(_ column: String) -> SQLValue { row[result.columns.firstIndex(of: column) ?? -1] }
                #expect(value("origin") == .text("arn:aws:iam::111122223333:user/alice"))
                #expect(value("sessions") == .integer(Int64(sessions)), "\(arguments)")
                #expect(value("events") == .integer(Int64(events)), "\(arguments)")
                #expect(value("actions") == .text(actions), "\(arguments)")
                #expect(result == (try QueryAggregateTests.reference(reference, like: "cross-account-roles", arguments, on: runner)))
            }
        }
    }

    @Test("cross-account-roles reads its sessions from the partial index, not every role session")
    func crossAccountIndex() throws {
        let db = try QueryFixture.open()
        let query = try QueryFixture.builtIn.query(named: "cross-account-roles")
        let plan = try db.rows("EXPLAIN QUERY PLAN " + query.sql.replacingOccurrences(of: ":since", with: "NULL")
            .replacingOccurrences(of: ":until", with: "NULL").replacingOccurrences(of: ":account", with: "NULL"))
            .compactMap { row -> String? in if case .text(let detail) = row.last { return detail } else { return nil } }
        #expect(plan.contains { $0.contains("sessions_cross_account") }, "\(plan)")
    }
}
