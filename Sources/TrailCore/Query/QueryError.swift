import Foundation

/// Why a query could not run (exit code 4): an unknown name, a bad parameter, invalid SQL, or
/// SQL that tries to change something.
public enum QueryError: TrailFailure, Equatable {
    case unknownQuery(name: String, suggestions: [String])
    /// A query file whose header or placeholders are wrong.
    case invalidDefinition(source: String, message: String)
    case missingParameter(query: String, parameter: String)
    case unknownParameter(query: String, parameter: String, accepted: [String])
    case invalidValue(parameter: String, value: String, expected: String)
    /// SQLite refused or failed the statement.
    case invalidSQL(String)
    /// The read-only guard refused the statement.
    case notAllowed(String)
    case multipleStatements
    case emptySQL

    public var exitStatus: ExitStatus { .queryError }

    public var description: String {
        switch self {
        case .unknownQuery(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)"
            return "no named query '\(name)'\(hint); `trail query --list` shows them"
        case .invalidDefinition(let source, let message):
            return "\(source): \(message)"
        case .missingParameter(let query, let parameter):
            return "query \(query) needs --\(Self.optionName(parameter)) VALUE (or -p \(parameter)=VALUE)"
        case .unknownParameter(let query, let parameter, let accepted):
            let list = accepted.isEmpty ? "it takes no parameters" : "it takes " + accepted.map { "--" + Self.optionName($0) }.joined(separator: ", ")
            return "query \(query) has no parameter '\(parameter)'; \(list)"
        case .invalidValue(let parameter, let value, let expected):
            return "bad value '\(value)' for \(parameter): expected \(expected)"
        case .invalidSQL(let message):
            return "SQL error: \(message)"
        case .notAllowed(let what):
            return "not allowed: \(what); queries are read-only"
        case .multipleStatements:
            return "give one SQL statement at a time"
        case .emptySQL:
            return "no SQL statement given"
        }
    }

    /// `errors_only` is spelled `--errors-only` on the command line.
    static func optionName(_ parameter: String) -> String { parameter.replacingOccurrences(of: "_", with: "-") }
}

/// Nothing matched what an investigation asked for (exit code 5).
public struct NotFound: TrailFailure, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var exitStatus: ExitStatus { .notFound }
    public var description: String { message }
}
