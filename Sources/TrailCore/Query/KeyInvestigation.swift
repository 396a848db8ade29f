extension Investigator {
    /// `trail key ACCESS_KEY`: who the key belongs to and everything done with it. A long-term
    /// key (AKIA…) belongs to an IAM user (or root); a temporary key (ASIA…) to the session its
    /// issuing call created, and through it to that session's origin. The call that created the
    /// key (STS for ASIA, `iam:CreateAccessKey` for AKIA) is shown when it is in the logs.
    public func key(_ accessKey: String, filter: EventFilter) throws -> Report {
        let key: [String: SQLValue] = ["key": .text(accessKey)]
        let sessions = try run("""
            SELECT s.session_key, s.kind, coalesce(s.session_arn, s.origin_id) AS identity, s.role_arn,
                   \(InvestigationSQL.origin("s")) AS origin, \(InvestigationSQL.chainPath("s")) AS chain,
                   s.first_seen, s.last_seen, s.events, s.issuing_event_id, s.link_method AS linked_by, s.confidence
            FROM sessions s
            WHERE s.session_key IN (SELECT a.session_key FROM event_attribution a WHERE \(InvestigationSQL.accessKey("a", ":key")))
            ORDER BY s.first_ts, s.session_key
            """, key)
        // The call that issued the key: for a temporary key, the issuing calls the attribution
        // linked to the sessions that used it, with their other copies (an index lookup). Every
        // STS call is read only when none of those returned the key (a key never used, or whose
        // sessions were linked by ARN and time alone); so should two calls have returned the same
        // key id, one that no session is linked to is not listed. A long-term key comes from
        // iam:CreateAccessKey.
        let stsIssued = """
            e.event_source = 'sts.amazonaws.com'
            AND e.event_name IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken',
                                 'GetFederationToken', 'AssumeRoot')
            AND json_valid(e.response_elements) AND json_extract(e.response_elements, '$.credentials.accessKeyId') = :key
            """
        let iamIssued = """
            e.event_source = 'iam.amazonaws.com' AND e.event_name = 'CreateAccessKey'
            AND json_valid(e.response_elements) AND json_extract(e.response_elements, '$.accessKey.accessKeyId') = :key
            """
        func issuingCalls(_ condition: String, among candidates: String? = nil) throws -> ResultSet {
            try run("""
                SELECT e.event_id, e.event_time AS time, e.recipient_account_id AS account, \(InvestigationSQL.event("e")) AS event,
                       coalesce(e.identity_arn, e.invoked_by, e.identity_type) AS caller
                FROM events e
                WHERE (\(condition)) AND e.error_code IS NULL\(candidates.map { " AND e.id_hash IN (SELECT trail_hash(x) FROM (\($0))) AND e.event_id IN (SELECT x FROM (\($0)))" } ?? "")
                ORDER BY e.event_ts, e.event_id
                """, key)
        }
        var issued: ResultSet
        if accessKey.hasPrefix("AKIA") {
            issued = try issuingCalls(iamIssued)
        } else {
            // The linked calls, and their other copies (a cross-account call is logged in both accounts).
            let linked = """
                SELECT s.issuing_event_id AS x FROM session_access_keys k JOIN sessions s ON s.id = k.session_id
                WHERE k.access_key_id = :key AND s.issuing_event_id IS NOT NULL
                """
            issued = try issuingCalls(stsIssued, among: """
                \(linked)
                UNION SELECT c.event_id FROM events i JOIN events c ON c.shared_event_id = i.shared_event_id
                WHERE i.id_hash IN (SELECT trail_hash(x) FROM (\(linked))) AND i.event_id IN (SELECT x FROM (\(linked))) AND i.shared_event_id IS NOT NULL AND c.shared_event_id IS NOT NULL
                """)
            if issued.isEmpty { issued = try issuingCalls(accessKey.hasPrefix("ASIA") ? stsIssued : "(\(stsIssued)) OR (\(iamIssued))") }
        }
        let totals = try run("""
            SELECT count(*), count(error_code), \(InvestigationSQL.iso("min(event_ts)")), \(InvestigationSQL.iso("max(event_ts)"))
            FROM events e WHERE \(InvestigationSQL.accessKey("e", ":key"))
            """, key)
        let used = totals.rows.first?.first?.intValue ?? 0
        guard used > 0 || !issued.isEmpty else {
            throw NotFound("no event was made with, or issued, the access key '\(accessKey)'")
        }

        let type: String
        switch accessKey.prefix(4) {
        case "AKIA": type = "long-term (AKIA): an IAM user's or root's access key"
        case "ASIA": type = "temporary (ASIA): issued to one session"
        default: type = "not an AWS access key id"
        }
        func distinct(_ column: String) -> String? {
            var seen: [String] = []
            for value in sessions.texts(column).compactMap({ $0 }) where !seen.contains(value) { seen.append(value) }
            return seen.isEmpty ? nil : seen.joined(separator: "; ")
        }
        let issuedBy = issued.rows.map { row in
            "\(row[0].textValue ?? "?") (\(row[3].textValue ?? "?") at \(row[1].textValue ?? "?") by \(row[4].textValue ?? "?"))"
        }
        let total = totals.rows.first ?? []
        func at(_ i: Int) -> SQLValue { i < total.count ? total[i] : .null }
        let summary = ResultSet(columns: ["access_key_id", "type", "belongs_to", "origin", "sessions", "events", "errors",
                                          "first_used", "last_used", "issued_by"], rows: [[
            .text(accessKey), .text(type), distinct("identity").map { .text($0) } ?? .null, distinct("origin").map { .text($0) } ?? .null,
            .integer(Int64(sessions.rows.count)), at(0), at(1), at(2), at(3),
            issuedBy.isEmpty ? .null : .text(issuedBy.joined(separator: "; ")),
        ]])

        let conditions = filter.conditions(on: "a")
        let events = try run("""
            SELECT a.event_time AS time, a.account_id AS account, a.region, \(InvestigationSQL.event("a")) AS event,
                   \(InvestigationSQL.resources("a.event_rowid")) AS resources, a.source_ip_address AS source_ip,
                   a.error_code AS error, a.session_key, a.event_id
            FROM event_attribution a
            WHERE \(InvestigationSQL.accessKey("a", ":key"))\(conditions.sql)
            ORDER BY a.event_ts, a.event_id
            """, key.merging(conditions.bindings) { a, _ in a })
        var notes: [String] = []
        if used == 0 { notes.append("the key was issued but never used in the ingested logs") }
        return Report(sections: [
            .init("key", summary, layout: .record),
            .init("sessions", sessions),
            .init("events", events),
        ], notes: notes)
    }
}
