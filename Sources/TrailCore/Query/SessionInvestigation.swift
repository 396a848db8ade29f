extension Investigator {
    /// `trail session SESSION`: one session's summary, its chain back to the origin, and its
    /// events. SESSION is a session key, an access key used in it, a session ARN (or role ARN),
    /// or a role session name; when several sessions match, the latest is shown and the others
    /// are listed in a note.
    public func session(_ text: String, filter: EventFilter) throws -> Report {
        let (matches, how) = try matchingSessions(text)
        guard let chosen = matches.first else {
            throw NotFound("no session matches '\(text)' (give a session key, an access key, a session or role ARN, or a role session name)")
        }
        var notes: [String] = []
        if matches.count > 1 {
            let others = matches.dropFirst().prefix(10).map { "  \($0.key)  (\($0.firstSeen) .. \($0.lastSeen))" }
            notes.append("\(matches.count) sessions match '\(text)' by \(how); showing the latest, \(chosen.key). The others:")
            notes.append(contentsOf: others)
            if matches.count > 11 { notes.append("  … and \(matches.count - 11) more") }
        }
        let key: [String: SQLValue] = ["key": .text(chosen.key)]
        let summary = try run("""
            SELECT s.session_key, s.kind, s.account_id AS account, s.session_arn, s.role_arn, s.session_name,
                   s.creation_time, s.first_seen, s.last_seen, s.events, s.errors, s.access_keys,
                   s.source_identity, s.source_identity_status, s.mfa,
                   \(InvestigationSQL.origin("s")) AS origin, s.origin_type, s.origin_account,
                   \(InvestigationSQL.chainPath("s")) AS chain, s.chain_depth, s.confidence, s.reason
            FROM sessions s WHERE s.session_key = :key
            """, key)
        let conditions = filter.conditions(on: "a")
        let events = try run("""
            SELECT a.event_time AS time, a.account_id AS account, a.region, \(InvestigationSQL.event("a")) AS event,
                   \(InvestigationSQL.resources("a.event_rowid")) AS resources, a.source_ip_address AS source_ip,
                   a.access_key_id AS access_key, a.error_code AS error, a.event_id
            FROM event_attribution a
            WHERE a.session_key = :key\(conditions.sql)
            ORDER BY a.event_ts, a.event_id
            """, key.merging(conditions.bindings) { a, _ in a })
        return Report(sections: [
            .init("session", summary, layout: .record),
            .init("chain", try chainWalk(from: chosen.key), layout: .records),
            .init("events", events),
        ], notes: notes)
    }

    struct SessionMatch {
        var key: String
        var firstSeen: String
        var lastSeen: String
    }

    /// The sessions `text` names, latest first, and how they were found.
    func matchingSessions(_ text: String) throws -> ([SessionMatch], String) {
        let columns = "s.session_key, coalesce(s.first_seen, '?'), coalesce(s.last_seen, '?')"
        let order = "ORDER BY s.last_ts DESC, s.session_key"
        func matches(_ sql: String, _ bindings: [String: SQLValue]) throws -> [SessionMatch] {
            try run(sql, bindings).rows.compactMap { row in
                row.first?.textValue.map { SessionMatch(key: $0, firstSeen: row[1].textValue ?? "?", lastSeen: row[2].textValue ?? "?") }
            }
        }
        let exact = try matches("SELECT \(columns) FROM sessions s WHERE s.session_key = :t", ["t": .text(text)])
        if !exact.isEmpty { return (exact, "session key") }
        if SessionKey.isAccessKey(text) {
            let byKey = try matches("""
                SELECT \(columns) FROM sessions s
                WHERE s.session_key IN (SELECT a.session_key FROM event_attribution a WHERE \(InvestigationSQL.accessKey("a", ":t"))) \(order)
                """, ["t": .text(text)])
            return (byKey, "access key")
        }
        let pattern: [String: SQLValue] = ["p": .text(WildcardPattern.like(text))]
        if text.hasPrefix("arn:") {
            let byARN = try matches("""
                SELECT \(columns) FROM sessions s
                WHERE s.session_arn LIKE :p ESCAPE '\\' OR s.role_arn LIKE :p ESCAPE '\\' \(order)
                """, pattern)
            return (byARN, "ARN")
        }
        let byName = try matches("SELECT \(columns) FROM sessions s WHERE s.session_name LIKE :p ESCAPE '\\' \(order)", pattern)
        return (byName, "role session name")
    }
}
