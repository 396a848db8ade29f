/// What `trail report` found: the window and account it looked at, how much log data that
/// window holds (coverage), and each check with its findings. Every renderer (text, markdown,
/// JSON, CSV, HTML) prints this and nothing else, so they agree with each other, and nothing in
/// it depends on the clock or on the order files were ingested in: two runs over the same
/// database and window give the same bytes.
public struct ComplianceReport: Sendable, Equatable {
    public struct Check: Sendable, Equatable {
        public var definition: ReportDefinition
        /// The query's rows, in the query's own (ORDER BY) order.
        public var result: ResultSet
        /// Caveats for this check, e.g. that it cannot be limited to the account asked for.
        public var notes: [String]

        public init(definition: ReportDefinition, result: ResultSet, notes: [String] = []) {
            self.definition = definition
            self.result = result
            self.notes = notes
        }

        public var count: Int { result.rows.count }

        /// The column that places a finding in time: `time` for event-level checks, `hour` or
        /// `first_seen` for aggregates; nil when the check has none (no daily chart then).
        public var timeColumn: Int? {
            for name in ["time", "hour", "first_seen", "event_time"] {
                if let index = result.index(of: name) { return index }
            }
            return nil
        }

        /// Findings per UTC day (Unix seconds of midnight → count), for the daily chart.
        public var dailyCounts: [Int64: Int] {
            guard let column = timeColumn else { return [:] }
            var counts: [Int64: Int] = [:]
            for row in result.rows where column < row.count {
                guard let text = row[column].textValue, let seconds = Timestamp.parse(text) else { continue }
                counts[ReportWindow.floor(seconds, to: 86_400), default: 0] += 1
            }
            return counts
        }
    }

    public var window: ReportWindow
    /// Only this account's events, when asked (`--account`).
    public var account: String?
    public var coverage: Coverage
    public var checks: [Check]

    public init(window: ReportWindow, account: String?, coverage: Coverage, checks: [Check]) {
        self.window = window
        self.account = account
        self.coverage = coverage
        self.checks = checks
    }

    public var findingCount: Int { checks.reduce(0) { $0 + $1.count } }
    public var checksWithFindings: Int { checks.filter { $0.count > 0 }.count }
    /// What `--fail-on-findings` tests.
    public var hasFindings: Bool { findingCount > 0 }

    /// One row per check: the summary every format starts with.
    public var summary: ResultSet {
        ResultSet(columns: ["check", "title", "severity", "findings", "cis"], rows: checks.map { check in
            [.text(check.definition.id), .text(check.definition.title), .text(check.definition.severity.rawValue),
             .integer(Int64(check.count)), check.definition.cis.map { .text($0) } ?? .null]
        })
    }

    /// The report's title line.
    public static let title = "CloudTrail compliance report"

    /// `2026-11-20T00:00:00Z .. 2026-11-21T00:00:00Z`, with "beginning" / "end" for an open side.
    public var windowText: String {
        switch (window.from, window.to) {
        case (nil, nil): return "all events"
        case let (from, to):
            return (from.map(Timestamp.format) ?? "(first event)") + " .. " + (to.map(Timestamp.format) ?? "(last event)")
        }
    }

    public var accountText: String { account ?? "all accounts" }

    /// `31 in the window, 2026-11-20T08:04:17Z .. 2026-11-20T17:21:09Z`.
    public var eventsText: String {
        var text = "\(coverage.events) in the window"
        if let first = coverage.firstEvent, let last = coverage.lastEvent {
            text += ", first \(Timestamp.format(first)), last \(Timestamp.format(last))"
        }
        return text
    }

    /// `15 ingested (0 partial, 0 records rejected), 0 failed; 15 with events in the window`.
    public var filesText: String {
        let f = coverage.files
        var text = "\(f.ingested + f.partial) ingested (\(f.partial) partial, \(f.rejectedRecords) records rejected), \(f.failed) failed"
        text += "; \(f.withEventsInWindow) with events in the window"
        if f.digests > 0 { text += "; \(f.digests) digest\(f.digests == 1 ? "" : "s")" }
        return text
    }

    /// `444455556666 us-east-1: 6 of 10 hours with logs`, one per stream.
    public var streamTexts: [String] {
        coverage.streams.map { stream in
            "\(stream.account.isEmpty ? "-" : stream.account) \(stream.region.isEmpty ? "-" : stream.region): "
                + "\(stream.loggedHours.count) of \(coverage.hourCount) hours with logs, \(stream.events) event\(stream.events == 1 ? "" : "s")"
        }
    }
}
