-- The event-level formulation cis-4-1 had before it read error_events (as of commit 7bb362f),
-- kept as the reference the error_events version must agree with (ActivityRollupTests).
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
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE error_code IS NOT NULL AND (error_code GLOB '*UnauthorizedOperation' OR error_code GLOB 'AccessDenied*')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
