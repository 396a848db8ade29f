/// A query kept as a `.sql` file whose header comment names it, describes it and declares its
/// parameters (see `QueryHeaderParser` for the format).
public struct NamedQuery: Sendable, Equatable {
    public var name: String
    /// One line, shown by `trail query --list`.
    public var description: String
    public var parameters: [QueryParameter]
    /// Command lines shown with the query (`-- example:` lines).
    public var examples: [String]
    /// The whole file, header included (SQLite ignores the comments).
    public var sql: String
    /// `built-in` for the queries compiled into trail, else the file's path.
    public var source: String

    public init(name: String, description: String, parameters: [QueryParameter], examples: [String], sql: String, source: String) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.examples = examples
        self.sql = sql
        self.source = source
    }

    public var isBuiltIn: Bool { source == NamedQuery.builtInSource }
    public static let builtInSource = "built-in"

    public func parameter(_ name: String) -> QueryParameter? { parameters.first { $0.name == name } }

    /// `--role <pattern> [--since <time>]` for listings and usage lines.
    public var usage: String {
        parameters.map { p in
            let option = "--" + QueryError.optionName(p.name) + " <\(p.type.rawValue)>"
            return p.requirement == .required ? option : "[\(option)]"
        }.joined(separator: " ")
    }
}

/// One `:name` placeholder a named query declares.
public struct QueryParameter: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case required
        /// NULL when not given.
        case optional
        /// This text, converted like a given value, when not given.
        case defaultValue(String)
    }

    public var name: String
    public var type: ParameterType
    public var requirement: Requirement
    public var help: String

    public init(name: String, type: ParameterType, requirement: Requirement, help: String) {
        self.name = name
        self.type = type
        self.requirement = requirement
        self.help = help
    }
}

/// How a parameter's text becomes the SQL value bound to its placeholder.
public enum ParameterType: String, CaseIterable, Sendable {
    /// The text as given.
    case text
    /// For `LIKE :x ESCAPE '\'`: `*` and `%` match any run of characters, everything else is
    /// literal (case-insensitive for ASCII, as LIKE is).
    case pattern
    /// For `GLOB :x`: `*` and `%` match any run of characters, everything else is literal and
    /// case-sensitive; GLOB can use an index for a literal prefix.
    case glob
    /// A whole number.
    case int
    /// A time as Unix seconds: ISO-8601, a date, `@<unix seconds>`, `now`, or `90m` / `24h` /
    /// `7d` / `2w` before now.
    case time
    /// 1 or 0, from true/false, yes/no, on/off, 1/0.
    case bool
    /// An event source: `s3` means `s3.amazonaws.com`.
    case service

    /// What a value of this type looks like, for error messages.
    public var expectation: String {
        switch self {
        case .text: return "text"
        case .pattern, .glob: return "a name or ARN, * or % as wildcards"
        case .int: return "a whole number"
        case .time: return "an ISO-8601 time (2026-11-20T10:00:00Z), a date (2026-11-20), @<unix seconds>, now, or a duration before now (90m, 24h, 7d, 2w)"
        case .bool: return "true or false"
        case .service: return "a service such as s3 or s3.amazonaws.com"
        }
    }
}
