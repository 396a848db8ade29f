/// The time range a report covers: events with `from <= event_ts < to`; nil is open.
public struct ReportWindow: Sendable, Equatable {
    public var from: Int64?
    public var to: Int64?

    public init(from: Int64? = nil, to: Int64? = nil) {
        self.from = from
        self.to = to
    }

    /// `--since`/`--from` and `--until`/`--to` as typed, in the forms `TimeExpression` takes.
    ///
    /// A start given as a duration (`--since 24h`) means "the last 24 hours", so the window then
    /// ends now: hours at its end without any logs show as gaps, which is what a nightly job
    /// needs to see when a trail goes silent. A start given as a time (`--from 2026-11-20`) with
    /// no end leaves the end open, so the same command over the same database prints the same
    /// report whenever it runs.
    public static func parse(from: String?, to: String?, now: Int64) throws -> ReportWindow {
        func given(_ s: String?) -> String? {
            guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return s
        }
        func time(_ text: String, _ option: String) throws -> Int64 {
            guard let value = TimeExpression.parse(text, now: now) else {
                throw QueryError.invalidValue(parameter: option, value: text, expected: ParameterType.time.expectation)
            }
            return value
        }
        var window = ReportWindow()
        if let text = given(from) {
            window.from = try time(text, "--since/--from")
            if given(to) == nil, TimeExpression.duration(text.trimmingCharacters(in: .whitespaces)) != nil { window.to = now }
        }
        if let text = given(to) { window.to = try time(text, "--until/--to") }
        if let start = window.from, let end = window.to, start >= end {
            throw QueryError.invalidValue(parameter: "--since", value: Timestamp.format(start),
                                          expected: "a time before the end of the window (\(Timestamp.format(end)))")
        }
        return window
    }

    /// `value` rounded down to a multiple of `step` (also for times before 1970).
    static func floor(_ value: Int64, to step: Int64) -> Int64 {
        value >= 0 ? value / step * step : -((-value + step - 1) / step) * step
    }
}
