/// Runs checks over one window and account and gathers a `ComplianceReport`.
///
/// Each check is its named query run through `QueryRunner` (read-only, parameters bound by
/// name). The window is passed as exact Unix seconds (`@…`), so every check and the coverage see
/// the same instants even when the window was typed relative to now.
public struct ReportRunner {
    public let database: Database
    /// What a check's own relative defaults (`default 7d`) count back from.
    public let now: Int64

    public init(database: Database, now: Int64) {
        self.database = database
        self.now = now
    }

    public func run(_ definitions: [ReportDefinition], window: ReportWindow, account: String?) throws -> ComplianceReport {
        let runner = QueryRunner(database: database, now: now)
        var checks: [ComplianceReport.Check] = []
        for definition in definitions {
            var arguments: [String: String] = [:]
            var notes: [String] = []
            if let from = window.from {
                if definition.accepts("since") { arguments["since"] = "@\(from)" } else { notes.append("not limited to the window's start: the query has no since parameter") }
            }
            if let to = window.to {
                if definition.accepts("until") { arguments["until"] = "@\(to)" } else { notes.append("not limited to the window's end: the query has no until parameter") }
            }
            if let account {
                if definition.accepts("account") { arguments["account"] = account } else { notes.append("not limited to account \(account): the query has no account parameter") }
            }
            let result = try runner.run(definition.query, arguments: arguments)
            checks.append(ComplianceReport.Check(definition: definition, result: result, notes: notes))
        }
        let coverage = try Coverage.load(database, window: window, account: account)
        return ComplianceReport(window: window, account: account, coverage: coverage, checks: checks)
    }
}
