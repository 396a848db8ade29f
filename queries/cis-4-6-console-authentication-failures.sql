-- name: cis-4-6-console-authentication-failures
-- description: CIS 4.6: Console authentication failures, with who did each
-- report: cis-4.6
-- title: Console authentication failures
-- severity: medium
-- cis: 4.6 (v1.4 to v5.0); 3.6 in v1.2
-- rationale: Repeated failed console logins suggest password guessing.
-- filter: {($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-6-console-authentication-failures --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_name = 'ConsoleLogin' AND error_message = 'Failed authentication'
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
