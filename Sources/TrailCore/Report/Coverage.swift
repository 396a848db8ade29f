/// How much of the window the database can speak for: the files behind it and, per account and
/// region, the hours that have at least one logged event. A report with no findings over a
/// window with no logs proves nothing; the coverage says which it is.
///
/// Files are counted from the ledger (`files`), event files only. Files recorded as `duplicate`
/// (the same bytes seen again under another path) are left out: they add nothing, and counting
/// them would make a report change when the same logs are ingested again from a copy. The
/// ledger's `ingested_at` is never shown: it is the wall clock of the ingest, not of the logs.
public struct Coverage: Sendable, Equatable {
    public struct Files: Sendable, Equatable {
        /// Read whole (status `ingested`).
        public var ingested = 0
        /// Read to the end with some records rejected.
        public var partial = 0
        /// Could not be read to the end.
        public var failed = 0
        public var rejectedRecords = 0
        public var digests = 0
        /// Files that first brought an event of the window (and account).
        public var withEventsInWindow = 0

        public init() {}
    }

    /// One account and region's logs.
    public struct Stream: Sendable, Equatable {
        public var account: String
        public var region: String
        public var events: Int
        /// Start (Unix seconds) of each hour of the window with at least one event, ascending.
        public var loggedHours: [Int64]

        public init(account: String, region: String, events: Int, loggedHours: [Int64]) {
            self.account = account
            self.region = region
            self.events = events
            self.loggedHours = loggedHours
        }
    }

    public var files = Files()
    /// Events in the window (and account).
    public var events = 0
    public var firstEvent: Int64?
    public var lastEvent: Int64?
    /// The hours the coverage strip spans: from the window's start (else the first event's
    /// hour) to its end (else just after the last event), as in the `log-coverage` check.
    public var hours: Range<Int64>?
    public var streams: [Stream] = []

    public init() {}

    /// The longest span the coverage strip draws.
    static let longestSpan: Int64 = 400 * 86_400

    /// Number of whole or partial hours in `hours`.
    public var hourCount: Int {
        guard let hours else { return 0 }
        return Int((hours.upperBound - hours.lowerBound + 3599) / 3600)
    }

    public static func load(_ database: Database, window: ReportWindow, account: String?) throws -> Coverage {
        let runner = QueryRunner(database: database)
        let bindings: [String: SQLValue] = [
            "since": window.from.map { .integer($0) } ?? .null,
            "until": window.to.map { .integer($0) } ?? .null,
            "account": account.map { .text($0) } ?? .null,
        ]
        let inWindow = """
            (:since IS NULL OR e.event_ts >= :since) AND (:until IS NULL OR e.event_ts < :until)
              AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
            """
        var coverage = Coverage()

        let files = try runner.execute("""
            SELECT coalesce(sum(status = 'ingested' AND kind = 'events'), 0), coalesce(sum(status = 'partial' AND kind = 'events'), 0),
                   coalesce(sum(status = 'failed'), 0), coalesce(sum(kind = 'digest' AND status <> 'duplicate'), 0),
                   (SELECT count(*) FROM rejected_records)
            FROM files
            """)
        if let row = files.rows.first {
            coverage.files.ingested = Int(row[0].intValue ?? 0)
            coverage.files.partial = Int(row[1].intValue ?? 0)
            coverage.files.failed = Int(row[2].intValue ?? 0)
            coverage.files.digests = Int(row[3].intValue ?? 0)
            coverage.files.rejectedRecords = Int(row[4].intValue ?? 0)
        }

        let totals = try runner.execute("""
            SELECT count(*), min(e.event_ts), max(e.event_ts), count(DISTINCT e.file_id) FROM events e WHERE \(inWindow)
            """, bindings)
        if let row = totals.rows.first {
            coverage.events = Int(row[0].intValue ?? 0)
            coverage.firstEvent = row[1].intValue
            coverage.lastEvent = row[2].intValue
            coverage.files.withEventsInWindow = Int(row[3].intValue ?? 0)
        }

        let start = window.from ?? coverage.firstEvent
        let end = window.to ?? coverage.lastEvent.map { $0 + 1 }
        if let start, let end, start < end {
            // The strip covers at most the window's last 400 days, so a mistyped window stays drawable.
            coverage.hours = ReportWindow.floor(max(start, end - Coverage.longestSpan), to: 3600)..<end
        }

        // Hours with logs per stream; integer division floors event_ts (>= 0 in practice) to the hour.
        let hourly = try runner.execute("""
            SELECT coalesce(e.recipient_account_id, e.identity_account_id, '') AS account, coalesce(e.aws_region, '') AS region,
                   e.event_ts / 3600 * 3600 AS hour, count(*)
            FROM events e WHERE \(inWindow)
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, bindings)
        var current: Stream?
        for row in hourly.rows {
            let account = row[0].textValue ?? "", region = row[1].textValue ?? ""
            let hour = row[2].intValue ?? 0, count = Int(row[3].intValue ?? 0)
            if let stream = current, stream.account != account || stream.region != region {
                coverage.streams.append(stream)
                current = nil
            }
            var stream = current ?? Stream(account: account, region: region, events: 0, loggedHours: [])
            stream.events += count
            stream.loggedHours.append(hour)
            current = stream
        }
        if let current { coverage.streams.append(current) }
        return coverage
    }
}
