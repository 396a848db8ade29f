/// The filters every investigation accepts: `--since`, `--until`, `--account`, `--region`,
/// `--service`, `--event`, `--errors-only`. Times compare with `event_ts` (Unix seconds).
public struct EventFilter: Sendable, Equatable {
    /// Events at or after this instant.
    public var since: Int64?
    /// Events before this instant.
    public var until: Int64?
    public var account: String?
    public var region: String?
    /// A full event source (`s3.amazonaws.com`).
    public var service: String?
    /// An event name; `*` or `%` are wildcards.
    public var event: String?
    public var errorsOnly = false

    public init(since: Int64? = nil, until: Int64? = nil, account: String? = nil, region: String? = nil,
                service: String? = nil, event: String? = nil, errorsOnly: Bool = false) {
        self.since = since
        self.until = until
        self.account = account
        self.region = region
        self.service = service
        self.event = event
        self.errorsOnly = errorsOnly
    }

    /// Parses the options as typed. Empty strings count as not given.
    public static func parse(since: String?, until: String?, account: String?, region: String?, service: String?,
                             event: String?, errorsOnly: Bool, now: Int64) throws -> EventFilter {
        func given(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        var filter = EventFilter(account: given(account), region: given(region), event: given(event), errorsOnly: errorsOnly)
        if let text = given(since) {
            guard let value = TimeExpression.parse(text, now: now) else {
                throw QueryError.invalidValue(parameter: "--since", value: text, expected: ParameterType.time.expectation)
            }
            filter.since = value
        }
        if let text = given(until) {
            guard let value = TimeExpression.parse(text, now: now) else {
                throw QueryError.invalidValue(parameter: "--until", value: text, expected: ParameterType.time.expectation)
            }
            filter.until = value
        }
        if let since = filter.since, let until = filter.until, since >= until {
            throw QueryError.invalidValue(parameter: "--since", value: Timestamp.format(since),
                                          expected: "a time before --until (\(Timestamp.format(until)))")
        }
        if let text = given(service) {
            guard let normalized = ServiceName.normalize(text) else {
                throw QueryError.invalidValue(parameter: "--service", value: text, expected: ParameterType.service.expectation)
            }
            filter.service = normalized
        }
        return filter
    }

    /// True when only a time window narrows the events, so per-session counts can answer.
    var isTimeOnly: Bool { account == nil && region == nil && service == nil && event == nil && !errorsOnly }

    /// `AND …` conditions on the `event_attribution` columns of `alias`, with their bindings
    /// (placeholders prefixed `f_` so they cannot collide with the caller's).
    func conditions(on alias: String) -> (sql: String, bindings: [String: SQLValue]) {
        var sql = ""
        var bindings: [String: SQLValue] = [:]
        if let since {
            sql += " AND \(alias).event_ts >= :f_since"
            bindings["f_since"] = .integer(since)
        }
        if let until {
            sql += " AND \(alias).event_ts < :f_until"
            bindings["f_until"] = .integer(until)
        }
        if let account {
            sql += " AND \(alias).account_id = :f_account"
            bindings["f_account"] = .text(account)
        }
        if let region {
            sql += " AND \(alias).region = :f_region"
            bindings["f_region"] = .text(region)
        }
        if let service {
            sql += " AND \(alias).event_source = :f_service"
            bindings["f_service"] = .text(service)
        }
        if let event {
            sql += " AND \(alias).event_name LIKE :f_event ESCAPE '\\'"
            bindings["f_event"] = .text(WildcardPattern.like(event))
        }
        if errorsOnly { sql += " AND \(alias).error_code IS NOT NULL" }
        return (sql, bindings)
    }

    /// True when nothing is filtered.
    public var isEmpty: Bool { self == EventFilter() }
}
