/// The checks `trail report` knows: every named query of the catalog (built-in, `--queries DIR`,
/// `$TRAIL_QUERIES`) whose header has a `-- report:` line. Users add checks by dropping a `.sql`
/// file with such a header in their query folder; a file of the same name overrides a built-in.
public struct ReportCatalog: Sendable {
    /// Sorted by id, numbers compared as numbers (`cis-4.2` before `cis-4.10`).
    public private(set) var reports: [ReportDefinition] = []
    /// Checks that could not be used, as "where: why" lines (shown as warnings, like the query
    /// catalog's problems).
    public private(set) var problems: [String] = []
    /// Broken checks by query name, so asking for one explains what is wrong with it.
    private var broken: [String: QueryError] = [:]
    private let queryNames: Set<String>

    public init(_ catalog: QueryCatalog) {
        var byID: [String: ReportDefinition] = [:]
        var problems = catalog.problems
        var broken: [String: QueryError] = [:]
        for query in catalog.queries {
            let definition: ReportDefinition
            do {
                guard let parsed = try ReportDefinition.parse(query) else { continue }
                definition = parsed
            } catch let error as QueryError {
                problems.append(error.description)
                broken[query.name] = error
                continue
            } catch {
                problems.append("\(query.source): \(error)")
                continue
            }
            if let existing = byID[definition.id] {
                // A user's check takes an id from a built-in one, as a user's query takes a name;
                // two checks of the same origin sharing an id is a mistake to point out.
                let keepNew = existing.query.isBuiltIn && !definition.query.isBuiltIn
                let (kept, dropped) = keepNew ? (definition, existing) : (existing, definition)
                if existing.query.isBuiltIn == definition.query.isBuiltIn {
                    problems.append("\(dropped.query.source == NamedQuery.builtInSource ? dropped.query.name : dropped.query.source): report id '\(definition.id)' is already used by \(kept.query.name); ignored")
                }
                byID[definition.id] = kept
            } else {
                byID[definition.id] = definition
            }
        }
        reports = byID.values.sorted { ReportDefinition.naturalOrder($0.id, $1.id) }
        self.problems = problems
        self.broken = broken
        queryNames = Set(catalog.queries.map(\.name))
    }

    /// The check called `name`: its id (`cis-4.1`) or its query's name
    /// (`cis-4-1-unauthorized-api-calls`).
    public func report(named name: String) throws -> ReportDefinition {
        if let found = reports.first(where: { $0.id == name }) ?? reports.first(where: { $0.query.name == name }) {
            return found
        }
        if let error = broken[name] { throw error }
        if queryNames.contains(name) { throw ReportError.notAReport(name) }
        throw ReportError.unknownReport(name, suggestions: suggestions(for: name))
    }

    /// The checks `names` select, each once, in catalog order; every check for `all`.
    public func select(_ names: [String], all: Bool, minimumSeverity: ReportDefinition.Severity = .info) throws -> [ReportDefinition] {
        var chosen: [ReportDefinition]
        if all {
            chosen = reports
        } else {
            var ids: Set<String> = []
            chosen = []
            for name in names {
                let report = try report(named: name)
                if ids.insert(report.id).inserted { chosen.append(report) }
            }
            chosen.sort { ReportDefinition.naturalOrder($0.id, $1.id) }
        }
        return chosen.filter { $0.severity.isAtLeast(minimumSeverity) }
    }

    /// Ids or query names that contain what was typed, or are a few edits away from it.
    func suggestions(for name: String) -> [String] {
        let lower = name.lowercased()
        return reports.filter { report in
            [report.id, report.query.name].contains { candidate in
                (!lower.isEmpty && candidate.contains(lower)) || QueryCatalog.editDistance(candidate, lower) <= max(2, lower.count / 4)
            }
        }.prefix(3).map(\.id)
    }

    /// `trail report --list`: id, title, severity, CIS control, query name, where it comes from.
    public var listing: ResultSet {
        ResultSet(columns: ["id", "title", "severity", "cis", "query", "source"], rows: reports.map { report in
            [.text(report.id), .text(report.title), .text(report.severity.rawValue), report.cis.map { .text($0) } ?? .null,
             .text(report.query.name), .text(report.query.source)]
        })
    }
}
