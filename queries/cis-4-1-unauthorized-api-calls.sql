-- name: cis-4-1-unauthorized-api-calls
-- description: CIS 4.1: Unauthorized API calls, with who did each
-- report: cis-4.1
-- title: Unauthorized API calls
-- severity: medium
-- cis: 4.1 (v1.4 to v5.0); 3.1 in v1.2
-- rationale: Denied calls show probing, misconfigured automation or a stolen credential testing its reach; the origin says whose.
-- rationale: Matched with GLOB, case-sensitive as the filter pattern is; an AccessDenied only in errorMessage does not count.
-- filter: {($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-1-unauthorized-api-calls --since 24h
--
-- The failed calls come from error_events, in time order, while the roll-ups are current;
-- otherwise (an ingest in progress, or one that was interrupted) from the events themselves.
-- Each arm keeps its own order and only one of them returns rows.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok)
SELECT * FROM (
  SELECT x.event_time AS time, x.account, x.region,
         replace(x.event_source, '.amazonaws.com', '') || ':' || x.event_name AS event, x.error_code AS error, x.resources,
         x.origin_type, coalesce(x.origin_id, '') AS origin, x.origin_detail, x.chain, x.session_key AS session,
         x.source_ip_address AS source_ip, x.event_id
  FROM error_events x
  WHERE (SELECT ok FROM fresh)
    AND (x.error_code GLOB '*UnauthorizedOperation' OR x.error_code GLOB 'AccessDenied*')
    AND (:since IS NULL OR x.event_ts >= :since)
    AND (:until IS NULL OR x.event_ts < :until)
    AND (:account IS NULL OR x.account = :account)
  ORDER BY x.event_ts, x.event_id)
UNION ALL
SELECT * FROM (
  SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
         session, source_ip, event_id
  FROM fresh CROSS JOIN event_findings
  WHERE NOT fresh.ok
    AND error_code IS NOT NULL AND (error_code GLOB '*UnauthorizedOperation' OR error_code GLOB 'AccessDenied*')
    AND (:since IS NULL OR +event_ts >= :since)
    AND (:until IS NULL OR +event_ts < :until)
    AND (:account IS NULL OR account = :account)
  ORDER BY +event_ts, event_id);
