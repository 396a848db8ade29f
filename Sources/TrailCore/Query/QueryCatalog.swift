import Foundation

/// One `.sql` file compiled into trail by the EmbedQueries build plugin (see
/// `Plugins/EmbedQueries`), which generates `embeddedQuerySources` from `<package>/queries/`.
struct EmbeddedQuerySource: Sendable {
    let fileName: String
    let text: String
}

/// Every named query trail knows: the user's folders first, then the built-in ones, so a user's
/// file overrides a built-in query of the same name.
public struct QueryCatalog: Sendable {
    /// One query per name, sorted by name.
    public private(set) var queries: [NamedQuery] = []
    /// Files or folders that could not be used, as "where: why" lines (shown as warnings).
    public private(set) var problems: [String] = []
    /// Broken files by the name they would have had, so asking for one explains why it is missing.
    private var brokenByName: [String: QueryError] = [:]

    /// The folders to search: each `--queries` value, then `$TRAIL_QUERIES`; each may hold
    /// several colon-separated folders. Earlier folders win.
    public static func userDirectories(explicit: [String], environment: [String: String]) -> [String] {
        let listed = explicit + [environment["TRAIL_QUERIES"] ?? ""]
        return listed.flatMap { $0.split(separator: ":").map(String.init) }.filter { !$0.isEmpty }
    }

    public static func load(userDirectories: [String], includeBuiltIn: Bool = true) -> QueryCatalog {
        var catalog = QueryCatalog()
        var byName: [String: NamedQuery] = [:]
        func add(_ text: String, fileName: String, source: String) {
            do {
                let query = try QueryHeaderParser.parse(text, fileName: fileName, source: source)
                if byName[query.name] == nil { byName[query.name] = query }
            } catch let error as QueryError {
                catalog.problems.append(error.description)
                let stem = String(fileName.dropLast(4))
                if byName[stem] == nil && catalog.brokenByName[stem] == nil { catalog.brokenByName[stem] = error }
            } catch {
                catalog.problems.append("\(source): \(error)")
            }
        }
        for directory in userDirectories {
            let url = URL(fileURLWithPath: directory)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                catalog.problems.append("\(directory): not a readable folder of queries")
                continue
            }
            for name in names.sorted() where name.hasSuffix(".sql") && !name.hasPrefix(".") {
                let path = url.appendingPathComponent(name).path
                guard let data = FileManager.default.contents(atPath: path) else {
                    catalog.problems.append("\(path): cannot be read")
                    continue
                }
                add(String(decoding: data, as: UTF8.self), fileName: name, source: path)
            }
        }
        if includeBuiltIn {
            for file in embeddedQuerySources.sorted(by: { $0.fileName < $1.fileName }) {
                add(file.text, fileName: file.fileName, source: NamedQuery.builtInSource)
            }
        }
        catalog.queries = byName.values.sorted { $0.name < $1.name }
        return catalog
    }

    public func query(named name: String) throws -> NamedQuery {
        if let found = queries.first(where: { $0.name == name }) { return found }
        if let broken = brokenByName[name] { throw broken }
        throw QueryError.unknownQuery(name: name, suggestions: suggestions(for: name))
    }

    /// Names that contain what was typed, or are a few edits away from it.
    func suggestions(for name: String) -> [String] {
        let lower = name.lowercased()
        return queries.map(\.name).filter { candidate in
            (!lower.isEmpty && candidate.contains(lower)) || Self.editDistance(candidate, lower) <= max(2, lower.count / 4)
        }.prefix(3).map { $0 }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// `trail query --list`: name, parameters, description and where it comes from.
    public var listing: ResultSet {
        ResultSet(columns: ["name", "parameters", "description", "source"], rows: queries.map {
            [.text($0.name), .text($0.usage), .text($0.description), .text($0.source)]
        })
    }
}
