import Foundation
import Testing
@testable import TrailCore

@Suite("Query: raw SQL is read-only")
struct QuerySafetyTests {
    static let vacuumTarget = FileManager.default.temporaryDirectory.appendingPathComponent("trail-query-vacuum-\(UUID().uuidString).db").path
    static let attachTarget = FileManager.default.temporaryDirectory.appendingPathComponent("trail-query-attach-\(UUID().uuidString).db").path

    static let refusedStatements: [String] = [
        "INSERT INTO events(event_id, event_time, event_ts, file_id, record_index) VALUES ('x', 'x', 0, 0, 0)",
        "UPDATE events SET event_name = 'x'",
        "DELETE FROM events",
        "DROP TABLE events",
        "DROP VIEW event_attribution",
        "CREATE TABLE t(x)",
        "CREATE TEMP TABLE t(x)",
        "CREATE INDEX i ON events(event_name)",
        "ALTER TABLE events ADD COLUMN x",
        "ATTACH DATABASE '\(attachTarget)' AS other",
        "DETACH DATABASE main",
        "PRAGMA writable_schema = ON",
        "PRAGMA writable_schema = 1",
        "PRAGMA query_only = OFF",
        "PRAGMA user_version = 99",
        "PRAGMA journal_mode = DELETE",
        "SELECT load_extension('/tmp/evil.so')",
        "VACUUM",
        "VACUUM INTO '\(vacuumTarget)'",
        "REINDEX",
        "ANALYZE",
        "BEGIN IMMEDIATE",
        "SAVEPOINT s",
        "WITH x AS (SELECT 1) DELETE FROM events",
        "SELECT 1; DELETE FROM events",
        "SELECT 1; SELECT 2",
        "",
        "-- only a comment",
        "SELEC 1",
        "SELECT * FROM no_such_table",
    ]

    @Test("writes, attach, writable pragmas, extensions and statement tricks fail with a query error", arguments: refusedStatements)
    func refused(sql: String) throws {
        let runner = try QueryFixture.runner()
        #expect {
            _ = try runner.run(sql: sql)
        } throws: { error in
            guard let failure = error as? QueryError else { return false }
            return failure.exitStatus == .queryError && !failure.description.contains("\n")
        }
        let db = try QueryFixture.open()
        #expect(try db.scalarInt("SELECT count(*) FROM events") == 23)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name IN ('t', 'i', 'other')") == 0)
        #expect(!FileManager.default.fileExists(atPath: Self.vacuumTarget))
        #expect(!FileManager.default.fileExists(atPath: Self.attachTarget))
    }

    @Test("the refusal names what was refused")
    func refusalMessages() throws {
        let runner = try QueryFixture.runner()
        #expect(throws: QueryError.notAllowed("INSERT into events")) { try runner.run(sql: "INSERT INTO events(event_id) VALUES ('x')") }
        #expect(throws: QueryError.notAllowed("ATTACH")) { try runner.run(sql: "ATTACH ':memory:' AS x") }
        #expect(throws: QueryError.notAllowed("PRAGMA writable_schema = ON")) { try runner.run(sql: "PRAGMA writable_schema = ON") }
        #expect(throws: QueryError.notAllowed("the function load_extension()")) { try runner.run(sql: "SELECT load_extension('x')") }
        #expect(throws: QueryError.notAllowed("changing the schema (CREATE, DROP or ALTER)")) { try runner.run(sql: "DROP TABLE events") }
        #expect(throws: QueryError.multipleStatements) { try runner.run(sql: "SELECT 1; SELECT 2") }
        #expect(throws: QueryError.emptySQL) { try runner.run(sql: "  ") }
    }

    @Test("reading statements run: views, CTEs, JSON functions, schema pragmas, trailing semicolons")
    func allowed() throws {
        let runner = try QueryFixture.runner()
        #expect(try runner.run(sql: "SELECT count(*) AS n FROM event_attribution").project("n") == [["23"]])
        #expect(try runner.run(sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT sum(x) AS s FROM c;").project("s") == [["6"]])
        #expect(try runner.run(sql: "SELECT count(*) AS n FROM sessions s, json_each(s.chain)").rows.count == 1)
        #expect(try runner.run(sql: "PRAGMA table_info(sessions)").rows.count > 10)
        #expect(try runner.run(sql: "SELECT name FROM pragma_table_info('resources') ORDER BY cid").column("name") == ["event_id", "position", "arn", "type", "account_id", "event_row"])
        #expect(try runner.run(sql: "PRAGMA user_version").rows.count == 1)
        #expect(try runner.run(sql: "/* why */ SELECT 1 AS one; -- done").project("one") == [["1"]])
        let bound = try runner.run(sql: "SELECT count(*) AS n FROM event_attribution WHERE origin_id = :who", textBindings: ["who": "arn:aws:iam::111122223333:user/alice"])
        #expect(bound.project("n") == [["13"]])
        #expect(throws: QueryError.missingParameter(query: "--sql", parameter: "who")) {
            try runner.run(sql: "SELECT :who")
        }
    }

    @Test("a missing database is a database error, not an empty result")
    func missingDatabase() {
        #expect(throws: TrailDatabase.MissingDatabase.self) {
            _ = try TrailDatabase.openForReading("/nonexistent/trail-query-test.db")
        }
    }
}
