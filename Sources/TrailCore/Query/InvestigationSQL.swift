/// SQL expressions the investigations share, so every command shows chains, resources,
/// events and origins the same way.
enum InvestigationSQL {
    /// The chain of `alias` (a session or `event_attribution` row) as `account:role > account:role`,
    /// or `(direct)` when the origin acted without assuming a role.
    static func chainPath(_ alias: String) -> String {
        "coalesce(\(alias).chain_roles, '(direct)')"
    }

    /// The resource ARNs an event names, in record order, by the event's row id.
    static func resources(_ eventRow: String) -> String {
        "(SELECT group_concat(arn, ', ') FROM (SELECT r.arn FROM resources r WHERE r.event_row = \(eventRow) ORDER BY r.position))"
    }

    /// `s3:GetObject`, as IAM actions are written.
    static func event(_ alias: String) -> String {
        "replace(\(alias).event_source, '.amazonaws.com', '') || ':' || \(alias).event_name"
    }

    /// `arn:aws:iam::111122223333:user/alice`, `ec2.amazonaws.com (i-0a1b2c3d4e5f67890)`.
    static func origin(_ alias: String) -> String {
        "coalesce(\(alias).origin_id, \(alias).origin_type) || coalesce(' (' || \(alias).origin_detail || ')', '')"
    }

    /// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
    static func iso(_ expression: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%SZ', \(expression), 'unixepoch')"
    }

    /// True for a session `s` whose attributed origin, or own ARN, is `:who` (a LIKE pattern):
    /// an ARN, an IAM user name, a SAML/OIDC subject, an Identity Center user, an AWS service,
    /// an EC2 instance id or a Lambda function name.
    static let identityMatch = """
        s.origin_id LIKE :who ESCAPE '\\'
           OR s.origin_detail LIKE :who ESCAPE '\\'
           OR s.session_arn LIKE :who ESCAPE '\\'
           OR s.origin_id LIKE 'arn:%:user/' || :who ESCAPE '\\'
           OR s.origin_id LIKE 'arn:%:user/%/' || :who ESCAPE '\\'
        """

    /// Per-session activity in a time window (`:f_since`, `:f_until`, either may be unbound),
    /// for the sessions `s` that `condition` selects: one row per session with its `id`, the
    /// session columns `columns` (prefixed `s.`), and `events`, `errors`, `first_ts`, `last_ts`.
    ///
    /// A session wholly inside the window takes the counts the attribution stored, provided no
    /// event reached it since (`attributed_raw_events` still equals the writer's `raw_events`);
    /// any other is counted from its events on the session index (CROSS JOIN keeps SQLite from
    /// scanning the events instead). The cost follows the number of sessions, not of events.
    static func sessionActivity(_ condition: String, columns: [String]) -> String {
        let picked = columns.map { "s.\($0)" }.joined(separator: ", ")
        let carried = columns.map { "m.\($0)" }.joined(separator: ", ")
        return """
            SELECT m.id, \(carried), m.events, m.errors, m.first_ts, m.last_ts
            FROM (\(sessionWindow(condition, picked))) m
            WHERE m.fresh AND m.inside AND m.events > 0
            UNION ALL
            SELECT m.id, \(carried), count(*), count(e.error_code), min(e.event_ts), max(e.event_ts)
            FROM (\(sessionWindow(condition, picked))) m
            CROSS JOIN events e ON e.session_id = m.id
            WHERE NOT (m.fresh AND m.inside)
              AND (:f_since IS NULL OR e.event_ts >= :f_since) AND (:f_until IS NULL OR e.event_ts < :f_until)
            GROUP BY m.id
            """
    }

    /// Sessions `condition` selects whose events (as attributed, or as written since) may fall in
    /// the window, with `fresh` (nothing new since the attribution) and `inside` (the attributed
    /// span lies in the window).
    private static func sessionWindow(_ condition: String, _ picked: String) -> String {
        """
        SELECT s.id, \(picked), s.events, s.errors, s.first_ts, s.last_ts,
               s.attributed_raw_events IS s.raw_events AS fresh,
               (:f_since IS NULL OR s.first_ts >= :f_since) AND (:f_until IS NULL OR s.last_ts < :f_until) AS inside
        FROM sessions s
        WHERE (\(condition)) AND (s.events > 0 OR s.raw_events > 0)
          AND (:f_since IS NULL OR max(coalesce(s.last_ts, s.raw_last_ts), coalesce(s.raw_last_ts, s.last_ts)) >= :f_since)
          AND (:f_until IS NULL OR min(coalesce(s.first_ts, s.raw_first_ts), coalesce(s.raw_first_ts, s.first_ts)) < :f_until)
        """
    }

    /// `FROM` clause: the sessions `identityMatch` selects, as `s`. The inner select takes only the
    /// id, so SQLite reads the three matched columns from the `sessions_identity` index instead of
    /// every session's wide row; the matches are then read by id (CROSS JOIN keeps that order
    /// whatever the planner's statistics say).
    static let matchingSessions = """
        (SELECT s.id FROM sessions s WHERE \(identityMatch)) matched_ids CROSS JOIN sessions s ON s.id = matched_ids.id
        """

    /// Events with one access key. The IS NOT NULL lets SQLite use a partial index on the key.
    static func accessKey(_ alias: String, _ placeholder: String) -> String {
        "\(alias).access_key_id = \(placeholder) AND \(alias).access_key_id IS NOT NULL"
    }
}
