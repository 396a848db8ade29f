import Foundation

/// Reads a named query's header: the comment lines at the top of its `.sql` file.
///
///     -- name: who-assumed-role
///     -- description: Origin identities that acted under a role
///     -- param: role pattern required Role name or ARN
///     -- param: since time optional Only events at or after this time
///     -- param: limit int default 20 At most this many rows
///     -- example: trail query who-assumed-role --role ProdAdmin
///
/// - `name` (optional; the file name without `.sql` otherwise): lowercase letters, digits, `-`
///   and `.` (`cis-4.1-unauthorized-api-calls`), starting with a letter or digit.
/// - `description` (required): one line.
/// - `param` (any number): `NAME TYPE REQUIREMENT [help text]`. NAME is lowercase letters,
///   digits and `_`, bound to `:NAME` in the SQL. TYPE is one of `ParameterType`. REQUIREMENT is
///   `required`, `optional` (NULL when not given) or `default VALUE` (VALUE may be "quoted").
/// - `example` (any number): a command line.
///
/// The header ends at the first line that is neither a `--` comment nor blank; other comment
/// lines in it are free text and ignored.
public enum QueryHeaderParser {
    /// The `-- key: value` lines of a header, with their line numbers: comments and blank lines
    /// up to the first line of SQL. Keys are lowercased; other comment lines are free text.
    static func headerFields(_ text: String) -> [(line: Int, key: String, value: String)] {
        var fields: [(line: Int, key: String, value: String)] = []
        // Line by line up to the first that is not a comment: every command loads every query,
        // so this stays clear of splitting the whole text and of Foundation's trimming.
        // Split on the scalar, so "\r\n" (one Character) ends a line too.
        var rest = Substring(text).unicodeScalars
        var number = 0
        while !rest.isEmpty {
            number += 1
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = trimmed(Substring(rest[..<end]))
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            if line.isEmpty { continue }
            guard line.hasPrefix("--") else { break }
            let comment = trimmed(line.dropFirst(2))
            guard let colon = comment.firstIndex(of: ":") else { continue }
            fields.append((number, comment[..<colon].lowercased(), String(trimmed(comment[comment.index(after: colon)...]))))
        }
        return fields
    }

    /// Without the white space (blanks, tabs, line breaks) at either end.
    static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        return text[first...last]
    }

    public static func parse(_ text: String, fileName: String, source: String) throws -> NamedQuery {
        var name: String?
        var description: String?
        var parameters: [QueryParameter] = []
        var examples: [String] = []
        func fail(_ line: Int, _ message: String) -> QueryError {
            .invalidDefinition(source: "\(source == NamedQuery.builtInSource ? fileName : source):\(line)", message: message)
        }

        for (number, key, value) in headerFields(text) {
            switch key {
            case "name":
                guard isQueryName(value) else { throw fail(number, "query name '\(value)' must be lowercase letters, digits, - and .") }
                guard name == nil else { throw fail(number, "a second name line") }
                name = value
            case "description":
                guard !value.isEmpty else { throw fail(number, "empty description") }
                guard description == nil else { throw fail(number, "a second description line") }
                description = value
            case "param":
                let parameter = try parseParameter(value) { fail(number, $0) }
                guard !parameters.contains(where: { $0.name == parameter.name }) else {
                    throw fail(number, "parameter '\(parameter.name)' declared twice")
                }
                parameters.append(parameter)
            case "example":
                if !value.isEmpty { examples.append(value) }
            default:
                continue
            }
        }

        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
        guard let description else {
            throw QueryError.invalidDefinition(source: source == NamedQuery.builtInSource ? fileName : source,
                                               message: "no `-- description:` line in the header")
        }
        return NamedQuery(name: name ?? stem, description: description, parameters: parameters, examples: examples,
                          sql: text, source: source)
    }

    /// `NAME TYPE required|optional|default VALUE [help]`.
    static func parseParameter(_ text: String, error: (String) -> QueryError) throws -> QueryParameter {
        var rest = Substring(text)
        func nextWord() -> String? {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { return nil }
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { return nil }
                rest = body[body.index(after: close)...]
                return String(body[..<close])
            }
            let word = rest.prefix { $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(word.count)
            return String(word)
        }
        guard let name = nextWord(), isParameterName(name) else {
            throw error("a parameter needs a name of lowercase letters, digits and _ (param: NAME TYPE required|optional|default VALUE [help])")
        }
        guard let typeName = nextWord() else { throw error("parameter '\(name)' has no type") }
        guard let type = ParameterType(rawValue: typeName.lowercased()) else {
            throw error("parameter '\(name)' has unknown type '\(typeName)' (use \(ParameterType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let requirement: QueryParameter.Requirement
        switch nextWord()?.lowercased() {
        case "required": requirement = .required
        case "optional": requirement = .optional
        case "default":
            guard let value = nextWord() else { throw error("parameter '\(name)' says default but gives no value") }
            // Check the default now, so a broken file is reported when it is loaded, not when run.
            do {
                _ = try ParameterValue.convert(value, as: type, parameter: name, now: 0)
            } catch let problem as QueryError {
                throw error("default of '\(name)': \(problem)")
            }
            requirement = .defaultValue(value)
        case let other:
            throw error("parameter '\(name)' must say required, optional or default VALUE after its type, not '\(other ?? "")'")
        }
        let help = String(trimmed(rest))
        return QueryParameter(name: name, type: type, requirement: requirement, help: help)
    }

    static func isQueryName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, isLowerOrDigit(first) else { return false }
        return s.unicodeScalars.allSatisfy { isLowerOrDigit($0) || $0 == "-" || $0 == "." }
    }

    static func isParameterName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { isLowerOrDigit($0) || $0 == "_" }
    }

    private static func isLowerOrDigit(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
}
