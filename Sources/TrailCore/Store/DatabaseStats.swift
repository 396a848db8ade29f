/// What `trail stats` reports.
public struct DatabaseStats: Codable, Sendable {
    public struct Count: Codable, Sendable {
        public var name: String
        public var events: Int
    }

    public var events = 0
    public var insightEvents = 0
    public var firstEvent: String?
    public var lastEvent: String?
    public var accounts: [Count] = []
    public var regions: [Count] = []
    public var filesByStatus: [String: Int] = [:]
    public var rejectedRecords = 0
    public var digests = 0
    public var sessions = 0
    public var attribution = AttributionState()

    public static func load(_ db: Database) throws -> DatabaseStats {
        var stats = DatabaseStats()
        stats.events = Int(try db.scalarInt("SELECT count(*) FROM events") ?? 0)
        stats.insightEvents = Int(try db.scalarInt("SELECT count(*) FROM insight_events") ?? 0)
        if let range = try db.rows("SELECT min(event_ts), max(event_ts) FROM events").first {
            stats.firstEvent = range[0].intValue.map(Timestamp.format)
            stats.lastEvent = range[1].intValue.map(Timestamp.format)
        }
        stats.accounts = try db.rows("""
            SELECT coalesce(recipient_account_id, identity_account_id, '(none)') AS a, count(*) FROM events GROUP BY a ORDER BY 2 DESC, 1
            """).map { Count(name: $0[0].textValue ?? "", events: Int($0[1].intValue ?? 0)) }
        stats.regions = try db.rows("SELECT coalesce(aws_region, '(none)') AS r, count(*) FROM events GROUP BY r ORDER BY 2 DESC, 1")
            .map { Count(name: $0[0].textValue ?? "", events: Int($0[1].intValue ?? 0)) }
        for row in try db.rows("SELECT status, count(*) FROM files GROUP BY status") {
            stats.filesByStatus[row[0].textValue ?? ""] = Int(row[1].intValue ?? 0)
        }
        stats.rejectedRecords = Int(try db.scalarInt("SELECT count(*) FROM rejected_records") ?? 0)
        stats.digests = Int(try db.scalarInt("SELECT count(*) FROM digests") ?? 0)
        if (try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'sessions'") ?? 0) > 0 {
            stats.sessions = Int(try db.scalarInt("SELECT count(*) FROM sessions") ?? 0)
        }
        stats.attribution = try AttributionState.load(db)
        return stats
    }

    public var text: String {
        var lines = ["events:    \(events)" + (insightEvents > 0 ? " (+\(insightEvents) insight events)" : "")]
        lines.append("range:     \(firstEvent ?? "-") .. \(lastEvent ?? "-")")
        lines.append("sessions:  \(sessions)")
        lines.append("attributed: " + attributionLine)
        lines.append("accounts:  " + (accounts.isEmpty ? "-" : accounts.map { "\($0.name) (\($0.events))" }.joined(separator: ", ")))
        lines.append("regions:   " + (regions.isEmpty ? "-" : regions.map { "\($0.name) (\($0.events))" }.joined(separator: ", ")))
        let files = filesByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("files:     " + (files.isEmpty ? "none" : files))
        if rejectedRecords > 0 { lines.append("rejected:  \(rejectedRecords) records (see the rejected_records table)") }
        if digests > 0 { lines.append("digests:   \(digests)") }
        return lines.joined(separator: "\n")
    }

    /// "all events (2026-12-08T02:19:46Z)", or how many are behind and why.
    var attributionLine: String {
        let when = attribution.attributedAt.map { "last run \($0)" } ?? "never run"
        if attribution.eventsBehind == 0 { return events == 0 ? "-" : "all events (\(when))" }
        let behind = "\(AttributionState.grouped(attribution.eventsBehind)) events not attributed (\(when)"
            + (attribution.deferred ? "; ingested with --no-attribution)" : ")")
        return behind + "; run trail ingest to attribute them"
    }
}
