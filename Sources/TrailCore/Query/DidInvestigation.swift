extension Investigator {
    /// `trail did IDENTITY`: what an identity did, directly and through every role chain it
    /// started. IDENTITY is matched against each session's attributed origin (`origin_id`, e.g.
    /// an IAM user ARN, a SAML subject, `lambda.amazonaws.com`; `origin_detail`, e.g. an EC2
    /// instance id or a Lambda function name), IAM user names within origin ARNs, and the
    /// session's own ARN. `*` or `%` are wildcards.
    public func did(identity: String, filter: EventFilter) throws -> Report {
        let conditions = filter.conditions(on: "a")
        var bindings = conditions.bindings
        bindings["who"] = .text(WildcardPattern.like(identity))
        // The matching sessions first, each with its origin and chain spelled out once, then
        // their events from the session index.
        let result = try run("""
            WITH matched AS MATERIALIZED (
              SELECT s.id, \(InvestigationSQL.origin("s")) AS origin, \(InvestigationSQL.chainPath("s")) AS chain
              FROM \(InvestigationSQL.matchingSessions))
            SELECT a.event_time AS time, a.account_id AS account, m.origin, m.chain, \(InvestigationSQL.event("a")) AS event,
                   \(InvestigationSQL.resources("a.event_rowid")) AS resources, a.error_code AS error, a.event_id
            FROM matched m CROSS JOIN event_attribution a ON a.session_id = m.id
            WHERE 1\(conditions.sql)
            ORDER BY a.event_ts, a.event_id
            """, bindings)
        var notes: [String] = []
        if result.isEmpty {
            let known = try scalar("SELECT count(*) FROM sessions s WHERE \(InvestigationSQL.identityMatch)", ["who": .text(WildcardPattern.like(identity))])
            if known.intValue == 0 { notes.append("no identity matching '\(identity)' in the database") }
        }
        return Report(result, notes: notes)
    }
}
