/// A compliance check: a named query whose header also carries report metadata.
///
///     -- name: cis-4-1-unauthorized-api-calls
///     -- description: CIS 4.1: Unauthorized API calls, with who did each
///     -- report: cis-4.1
///     -- title: Unauthorized API calls
///     -- severity: medium
///     -- cis: 4.1 (v1.4 to v5.0); 3.1 in v1.2
///     -- rationale: Denied calls show probing, …
///     -- filter: {($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}
///     -- param: since time optional …
///
/// `QueryHeaderParser` ignores these keys, so the same file is both `trail query NAME` and a
/// check of `trail report`. Only `report:` is required to make a query a check: `title` falls back
/// to the description and `severity` to `info`. A `rationale:` may continue on further
/// `rationale:` lines (joined with a space), because rationales are long; every other key is
/// given once.
///
/// A check runs unattended (`trail report --all` from cron), so every parameter other than the
/// window (`since`, `until`) and `account` must have a default or be optional.
public struct ReportDefinition: Sendable, Equatable {
    public enum Severity: String, CaseIterable, Sendable, Comparable {
        case high, medium, low, info

        /// high first.
        var rank: Int {
            switch self {
            case .high: return 0
            case .medium: return 1
            case .low: return 2
            case .info: return 3
            }
        }

        /// `high < medium` reads as "more severe first" when sorting.
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

        /// True when this severity is at least as severe as `minimum`.
        public func isAtLeast(_ minimum: Severity) -> Bool { rank <= minimum.rank }
    }

    /// The check's id (`cis-4.1`): what `trail report` takes and what every output shows.
    public var id: String
    public var title: String
    public var severity: Severity
    /// The CIS AWS Foundations Benchmark control(s) it implements, when any.
    public var cis: String?
    public var rationale: String?
    /// The CloudWatch Logs metric filter the benchmark prescribes, kept to trace the SQL to it.
    public var filter: String?
    /// The query that computes the findings.
    public var query: NamedQuery

    public init(id: String, title: String, severity: Severity, cis: String? = nil, rationale: String? = nil,
                filter: String? = nil, query: NamedQuery) {
        self.id = id
        self.title = title
        self.severity = severity
        self.cis = cis
        self.rationale = rationale
        self.filter = filter
        self.query = query
    }

    /// The parameters the report command fills in itself.
    public static let windowParameters: [String: ParameterType] = ["since": .time, "until": .time, "account": .text]

    /// The check `query` defines, or nil when its header has no `-- report:` line.
    public static func parse(_ query: NamedQuery) throws -> ReportDefinition? {
        let source = query.isBuiltIn ? query.name : query.source
        func fail(_ line: Int, _ message: String) -> QueryError {
            .invalidDefinition(source: "\(source):\(line)", message: message)
        }
        var fields: [String: String] = [:]
        var rationale: [String] = []
        for (number, key, value) in QueryHeaderParser.headerFields(query.sql) {
            switch key {
            case "rationale":
                if !value.isEmpty { rationale.append(value) }
            case "report", "title", "severity", "cis", "filter":
                guard fields[key] == nil else { throw fail(number, "a second \(key) line") }
                guard !value.isEmpty else { throw fail(number, "empty \(key)") }
                fields[key] = value
            default:
                continue
            }
        }
        guard let id = fields["report"] else { return nil }
        guard QueryHeaderParser.isQueryName(id) else {
            throw QueryError.invalidDefinition(source: source, message: "report id '\(id)' must be lowercase letters, digits, - and .")
        }
        var severity = Severity.info
        if let text = fields["severity"] {
            guard let parsed = Severity(rawValue: text.lowercased()) else {
                throw QueryError.invalidDefinition(source: source, message: "severity '\(text)' is not one of high, medium, low, info")
            }
            severity = parsed
        }
        for parameter in query.parameters {
            if let expected = windowParameters[parameter.name] {
                guard parameter.type == expected else {
                    throw QueryError.invalidDefinition(source: source, message: "report parameter '\(parameter.name)' must be of type \(expected.rawValue)")
                }
            } else if parameter.requirement == .required {
                throw QueryError.invalidDefinition(source: source, message: "report parameter '\(parameter.name)' must be optional or have a default: a report runs unattended")
            }
        }
        return ReportDefinition(id: id, title: fields["title"] ?? query.description, severity: severity, cis: fields["cis"],
                                rationale: rationale.isEmpty ? nil : rationale.joined(separator: " "),
                                filter: fields["filter"], query: query)
    }

    /// Whether the query takes `name` (`since`, `until`, `account`).
    public func accepts(_ name: String) -> Bool { query.parameter(name) != nil }
}

extension ReportDefinition {
    /// `cis-4.2` before `cis-4.10`: ids compared with their numbers as numbers, so the CIS
    /// sections come out in the benchmark's order rather than as strings sort.
    public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let x = chunks(a), y = chunks(b)
        for (p, q) in zip(x, y) where p != q {
            switch (Int(p), Int(q)) {
            case let (m?, n?) where m != n: return m < n
            default: return p < q
            }
        }
        return x.count != y.count ? x.count < y.count : a < b
    }

    /// `cis-4.10` → ["cis-", "4", ".", "10"].
    private static func chunks(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inDigits = false
        for c in text {
            let digit = c.isASCIIDigit
            if !current.isEmpty && digit != inDigits {
                result.append(current)
                current = ""
            }
            current.append(c)
            inDigits = digit
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
