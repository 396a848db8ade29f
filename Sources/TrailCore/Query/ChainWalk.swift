extension Investigator {
    /// The columns of a chain walk, shared by `session` and `explain`.
    static let chainColumns = ["hop", "session_key", "kind", "identity", "linked_by", "confidence",
                               "evidence_event_id", "evidence", "reason", "candidates"]

    /// A session's chain back to its origin, one row per hop: the session, the session whose
    /// call issued its credentials (`parent_session_key`), and so on, then the origin. Each
    /// session row says how its parent was found: the rule (`link_method`), its confidence, the
    /// issuing call (event id, what it was, who made it) and the attribution's reason.
    func chainWalk(from sessionKey: String) throws -> ResultSet {
        try run("""
            WITH RECURSIVE up(hop, key, path) AS (
              SELECT 1, :key, '|' || :key || '|'
              UNION ALL
              -- The parent is looked up with a scalar subquery, not a join: with statistics on
              -- sessions SQLite would build a Bloom filter over the whole table for the join.
              SELECT up.hop + 1, (SELECT s.parent_session_key FROM sessions s WHERE s.session_key = up.key) AS parent,
                     up.path || (SELECT s.parent_session_key FROM sessions s WHERE s.session_key = up.key) || '|'
              FROM up
              WHERE parent IS NOT NULL AND up.hop < 64 AND instr(up.path, '|' || parent || '|') = 0
            )
            SELECT up.hop, up.key AS session_key, s.kind, coalesce(s.session_arn, s.role_arn) AS identity,
                   s.link_method AS linked_by, s.confidence, s.issuing_event_id AS evidence_event_id,
                   CASE WHEN ie.event_id IS NOT NULL THEN
                     ie.event_name || ' at ' || ie.event_time || ' in ' || coalesce(ie.recipient_account_id, '?') || ' by ' ||
                     coalesce(ie.identity_arn,
                              (SELECT c.identity_arn FROM events c WHERE c.shared_event_id = ie.shared_event_id AND c.shared_event_id IS NOT NULL
                                 AND c.event_id <> ie.event_id AND c.identity_arn IS NOT NULL ORDER BY c.event_id LIMIT 1),
                              ie.invoked_by, ie.identity_type, '?')
                   END AS evidence,
                   CASE WHEN s.session_key IS NULL THEN 'no events of this session in the ingested logs' ELSE s.reason END AS reason,
                   s.candidates
            FROM up LEFT JOIN sessions s ON s.session_key = up.key LEFT JOIN events ie ON ie.id_hash = trail_hash(s.issuing_event_id) AND ie.event_id = s.issuing_event_id
            UNION ALL
            SELECT (SELECT max(hop) FROM up) + 1, NULL, 'origin: ' || o.origin_type, \(InvestigationSQL.origin("o")),
                   NULL, o.confidence, NULL, NULL,
                   CASE WHEN o.origin_account IS NOT NULL THEN 'origin account ' || o.origin_account END, NULL
            FROM sessions o WHERE o.session_key = :key
            ORDER BY 1
            """, ["key": .text(sessionKey)])
    }
}
