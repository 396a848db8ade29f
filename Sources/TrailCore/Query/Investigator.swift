import Foundation

/// The investigation commands' engine: `who`, `did`, `session`, `key` and `explain` each build a
/// report from the `sessions` table and the `event_attribution` view (one file per question).
/// Everything runs through `QueryRunner`, so it is read-only and bound by name.
public struct Investigator {
    let runner: QueryRunner

    public init(database: Database, now: Int64 = Int64(Date().timeIntervalSince1970)) {
        runner = QueryRunner(database: database, now: now)
    }

    func run(_ sql: String, _ bindings: [String: SQLValue] = [:]) throws -> ResultSet {
        try runner.execute(sql, bindings)
    }

    /// The single text value of a one-row, one-column query.
    func scalar(_ sql: String, _ bindings: [String: SQLValue] = [:]) throws -> SQLValue {
        try run(sql, bindings).rows.first?.first ?? .null
    }
}
