-- name: cross-account-roles
-- description: Principals from one account acting under roles of another: who, which role, how often, what they did
-- report: cross-account-roles
-- title: Cross-account role use
-- severity: info
-- rationale: Every trust between accounts, as used: the human or workload behind each cross-account session.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cross-account-roles --since 7d
SELECT min(a.event_time) AS first_seen, max(a.event_time) AS last_seen,
       coalesce(s.origin_account, '') AS from_account, a.origin_type, coalesce(a.origin_id, '') AS origin,
       s.account_id AS role_account, s.role_arn, count(DISTINCT s.id) AS sessions, count(*) AS events,
       sum(a.error_code IS NOT NULL) AS errors,
       (SELECT group_concat(ev, ' ') FROM (SELECT DISTINCT replace(a2.event_source, '.amazonaws.com', '') || ':' || a2.event_name AS ev
          FROM event_attribution a2 JOIN sessions s2 ON s2.id = a2.session_id
          WHERE s2.role_arn = s.role_arn AND coalesce(s2.origin_id, '') = coalesce(a.origin_id, '')
            AND (:since IS NULL OR a2.event_ts >= :since) AND (:until IS NULL OR a2.event_ts < :until) ORDER BY 1 LIMIT 12)) AS actions
FROM sessions s JOIN event_attribution a ON a.session_id = s.id
WHERE s.kind = 'role' AND s.origin_account IS NOT NULL AND s.origin_account <> s.account_id
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR s.account_id = :account)
GROUP BY s.origin_account, a.origin_type, a.origin_id, s.account_id, s.role_arn
ORDER BY role_account, s.role_arn, origin, from_account, a.origin_type;
