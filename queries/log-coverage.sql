-- name: log-coverage
-- description: Per account and region, the hours in the window with no logged events, and the files that failed
-- report: log-coverage
-- title: Log coverage gaps
-- severity: medium
-- rationale: A silent trail is itself a finding: hours without a single record, in an account and region that otherwise log, and files that could not be read.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report log-coverage --since 7d
WITH RECURSIVE
  bounds AS (
    SELECT coalesce(:since, (SELECT min(event_ts) FROM events)) / 3600 * 3600 AS lo,
           coalesce(:until, (SELECT max(event_ts) + 1 FROM events)) AS hi),
  streams AS (
    SELECT DISTINCT coalesce(recipient_account_id, identity_account_id) AS account, aws_region AS region
    FROM events, bounds WHERE event_ts >= bounds.lo AND event_ts < bounds.hi
      AND (:account IS NULL OR coalesce(recipient_account_id, identity_account_id) = :account)),
  hours(h) AS (SELECT lo FROM bounds UNION ALL SELECT h + 3600 FROM hours, bounds WHERE h + 3600 < bounds.hi),
  logged AS (
    SELECT DISTINCT coalesce(recipient_account_id, identity_account_id) AS account, aws_region AS region, event_ts / 3600 * 3600 AS h
    FROM events, bounds WHERE event_ts >= bounds.lo AND event_ts < bounds.hi)
SELECT strftime('%Y-%m-%dT%H:00:00Z', hours.h, 'unixepoch') AS hour, streams.account, streams.region,
       'no events logged' AS problem, NULL AS file
FROM streams CROSS JOIN hours
WHERE NOT EXISTS (SELECT 1 FROM logged l WHERE l.account IS streams.account AND l.region IS streams.region AND l.h = hours.h)
UNION ALL
SELECT substr(f.ingested_at, 1, 13) || ':00:00Z', NULL, NULL, f.status || ': ' || coalesce(f.error, ''), f.path
FROM files f
WHERE f.status IN ('failed', 'partial')
ORDER BY 2, 3, 1, 5;
