extension Investigator {
    /// `trail who ROLE`: every origin identity that acted under a role (matched on its name or
    /// ARN, `*` or `%` as wildcards), with sessions, first and last use, events, errors and the
    /// chains it came through.
    public func who(role: String, filter: EventFilter) throws -> Report {
        let conditions = filter.conditions(on: "a")
        var bindings = conditions.bindings
        bindings["role"] = .text(WildcardPattern.like(role))
        let roleMatch = "s.role_name LIKE :role ESCAPE '\\' OR s.role_arn LIKE :role ESCAPE '\\'"
        // A time window alone is answered from per-session counts; other filters need the events.
        let perChain: String
        if filter.isTimeOnly {
            bindings["f_since"] = filter.since.map { .integer($0) } ?? .null
            bindings["f_until"] = filter.until.map { .integer($0) } ?? .null
            perChain = """
                SELECT a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account,
                       \(InvestigationSQL.chainPath("a")) AS chain,
                       count(*) AS sessions, min(a.first_ts) AS first_ts, max(a.last_ts) AS last_ts,
                       sum(a.events) AS events, sum(a.errors) AS errors
                FROM (\(InvestigationSQL.sessionActivity(roleMatch, columns: ["role_arn", "origin_type", "origin_id", "origin_detail", "origin_account", "chain", "chain_roles"]))) a
                GROUP BY a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account, a.chain, a.chain_roles
                """
        } else {
            perChain = """
                SELECT a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account,
                       \(InvestigationSQL.chainPath("a")) AS chain,
                       count(DISTINCT a.session_key) AS sessions, min(a.event_ts) AS first_ts, max(a.event_ts) AS last_ts,
                       count(*) AS events, count(a.error_code) AS errors
                FROM sessions s CROSS JOIN event_attribution a ON a.session_key = s.session_key
                WHERE (\(roleMatch))\(conditions.sql)
                GROUP BY a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account, a.chain, a.chain_roles
                """
        }
        let result = try run("""
            WITH per_chain AS (\(perChain))
            SELECT \(InvestigationSQL.origin("p")) AS origin, p.origin_type, p.role_arn AS role,
                   sum(p.sessions) AS sessions,
                   \(InvestigationSQL.iso("min(p.first_ts)")) AS first_seen, \(InvestigationSQL.iso("max(p.last_ts)")) AS last_seen,
                   sum(p.events) AS events, sum(p.errors) AS errors,
                   group_concat(p.chain, '; ') AS chains
            FROM per_chain p
            GROUP BY p.role_arn, p.origin_type, p.origin_id, p.origin_detail, p.origin_account
            ORDER BY max(p.last_ts) DESC, role, origin
            """, bindings)

        var notes: [String] = []
        if result.isEmpty {
            let known = try scalar("SELECT count(*) FROM sessions WHERE role_name LIKE :role ESCAPE '\\' OR role_arn LIKE :role ESCAPE '\\'",
                                   ["role": .text(WildcardPattern.like(role))])
            if known.intValue == 0 { notes.append("no session of a role matching '\(role)' in the database") }
        }
        let failed = try failedAttempts(on: role)
        if failed > 0 {
            notes.append("\(failed) failed AssumeRole call\(failed == 1 ? "" : "s") on a role matching '\(role)': trail query failed-assume-role --role '\(role)'")
        }
        return Report(result, notes: notes)
    }

    /// Refused attempts to assume the role, which `who` does not list (no one acted under it).
    /// The `+` keeps SQLite on the error index, which holds the event name: a few thousand
    /// index entries instead of every AssumeRole row.
    private func failedAttempts(on role: String) throws -> Int64 {
        try scalar("""
            SELECT count(*) FROM (
              SELECT CASE WHEN json_valid(e.request_parameters) THEN json_extract(e.request_parameters, '$.roleArn') END AS target
              FROM events e
              WHERE +e.event_name IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
                AND e.event_source = 'sts.amazonaws.com' AND e.error_code IS NOT NULL)
            WHERE target LIKE :role ESCAPE '\\' OR target LIKE 'arn:%:role/' || :role ESCAPE '\\'
               OR target LIKE 'arn:%:role/%/' || :role ESCAPE '\\'
            """, ["role": .text(WildcardPattern.like(role))]).intValue ?? 0
    }
}
