import Foundation
import Testing
@testable import TrailCore

/// Resources carry their event's row id, sessions their chain as role names, and cross-account
/// role sessions have an index.
@Suite("Store: row-keyed resources, role-name chains, the cross-account index")
struct ResourceRowTests {
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
