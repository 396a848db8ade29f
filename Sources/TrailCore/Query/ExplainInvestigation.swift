extension Investigator {
    /// `trail explain EVENT_ID`: the full attribution of one event with the evidence for each
    /// link: whether the event was re-pointed to another session (`event_links`: which rule,
    /// on which other record), then each session of its chain with the rule that linked it
    /// (`link_method`), the confidence, the issuing call and the reason, up to the origin.
    public func explain(eventID: String) throws -> Report {
        let id: [String: SQLValue] = ["id": .text(eventID)]
        let event = try run("""
            SELECT a.event_id, a.event_time AS time, a.account_id AS account, a.region, \(InvestigationSQL.event("a")) AS event,
                   a.event_type, a.identity_type, a.actor_arn, a.access_key_id, a.via_service, a.source_ip_address AS source_ip,
                   a.user_agent, a.error_code, a.error_message, \(InvestigationSQL.resources("a.event_rowid")) AS resources,
                   a.session_key
            FROM event_attribution a WHERE a.id_hash = trail_hash(:id) AND a.event_id = :id
            """, id)
        guard !event.isEmpty else { throw NotFound("no event with id '\(eventID)'") }
        let attribution = try run("""
            SELECT \(InvestigationSQL.origin("a")) AS origin, a.origin_type, a.origin_id, a.origin_detail, a.origin_account,
                   \(InvestigationSQL.chainPath("a")) AS chain, a.chain_depth, a.confidence,
                   a.source_identity, a.source_identity_status, a.mfa, a.mfa_origin, a.mfa_chain, a.reason
            FROM event_attribution a WHERE a.id_hash = trail_hash(:id) AND a.event_id = :id
            """, id)

        var links = ResultSet(columns: Self.chainColumns)
        // event_links names sessions by key in older databases and by sessions.id in newer ones.
        let byKey = try scalar("SELECT count(*) FROM pragma_table_info('event_links') WHERE name = 'original_key'").intValue == 1
        let (original, target, join) = byKey
            ? ("l.original_key", "l.session_key", "")
            : ("so.session_key", "st.session_key",
               "LEFT JOIN sessions so ON so.id = l.original_session_id LEFT JOIN sessions st ON st.id = l.session_id")
        let repointed = try run("""
            SELECT 0, \(original), 'event link', NULL, l.method, NULL, l.evidence_event_id,
                   CASE WHEN x.event_id IS NOT NULL THEN x.event_name || ' at ' || x.event_time || ' in ' ||
                        coalesce(x.recipient_account_id, '?') || ' by ' || coalesce(x.identity_arn, x.invoked_by, x.identity_type, '?') END,
                   CASE l.method
                     WHEN 'shared_event_id' THEN 'this copy names only the calling account; the caller''s own copy of the same request (same sharedEventID) names its session: ' || coalesce(\(target), '?')
                     WHEN 'split by access key' THEN 'two sessions shared principalId@creationDate; this event''s access key was issued by the evidence event, so it belongs to ' || coalesce(\(target), '?')
                     ELSE 're-pointed to ' || coalesce(\(target), '?') END,
                   NULL
            FROM event_links l LEFT JOIN events x ON x.id_hash = trail_hash(l.evidence_event_id) AND x.event_id = l.evidence_event_id \(join)
            WHERE l.event_id = :id
            """, id)
        links.rows.append(contentsOf: repointed.rows)
        if let session = event.values("session_key").first?.textValue {
            links.rows.append(contentsOf: try chainWalk(from: session).rows)
        }
        return Report(sections: [
            .init("event", event, layout: .record),
            .init("attribution", attribution, layout: .record),
            .init("links", links, layout: .records),
        ])
    }
}
