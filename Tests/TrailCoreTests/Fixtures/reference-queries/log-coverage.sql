-- The event-level formulation log-coverage had before it read the hourly roll-up (as of commit 4a927d4), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
WITH RECURSIVE
  -- At most 400 days of hours are listed (the latest ones), so a mistyped window cannot
  -- generate millions of rows.
  upper AS (SELECT coalesce(:until, (SELECT max(event_ts) + 1 FROM events)) AS hi),
  bounds AS (
    SELECT max(coalesce(:since, (SELECT min(event_ts) FROM events)), upper.hi - 400 * 86400) / 3600 * 3600 AS lo,
           upper.hi AS hi FROM upper),
  -- One pass over the time index: the hours each account and region logged in, and from
  -- those the streams themselves.
  logged AS MATERIALIZED (
    SELECT DISTINCT coalesce(recipient_account_id, identity_account_id) AS account, aws_region AS region, event_ts / 3600 * 3600 AS h
    FROM events, bounds WHERE event_ts >= bounds.lo AND event_ts < bounds.hi
      AND (:account IS NULL OR coalesce(recipient_account_id, identity_account_id) = :account)),
  streams AS (SELECT DISTINCT account, region FROM logged),
  hours(h) AS (SELECT lo FROM bounds UNION ALL SELECT h + 3600 FROM hours, bounds WHERE h + 3600 < bounds.hi)
SELECT strftime('%Y-%m-%dT%H:00:00Z', hours.h, 'unixepoch') AS hour, streams.account, streams.region,
       'no events logged' AS problem, NULL AS file
FROM streams CROSS JOIN hours
WHERE NOT EXISTS (SELECT 1 FROM logged l WHERE l.account IS streams.account AND l.region IS streams.region AND l.h = hours.h)
UNION ALL
-- Files that could not be read whole. Their hour, account and region come from the CloudTrail
-- file name (<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<id>.json.gz), not from when they
-- were ingested, so the report does not depend on the ingest's clock; a file named otherwise
-- cannot be placed and is listed in every window.
SELECT n.hour, n.account, n.region, n.status || ': ' || coalesce(n.error, ''), n.path
FROM (
  SELECT b.path, b.status, b.error,
         CASE WHEN b.stamp GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9]Z'
              THEN substr(b.stamp, 1, 4) || '-' || substr(b.stamp, 5, 2) || '-' || substr(b.stamp, 7, 2) || 'T' || substr(b.stamp, 10, 2) || ':00:00Z'
         END AS hour,
         b.account, b.region
  FROM (
    SELECT p.path, p.status, p.error,
           CASE WHEN p.named THEN substr(p.base, 1, 12) END AS account,
           CASE WHEN p.named THEN substr(p.rest, 1, instr(p.rest, '_') - 1) END AS region,
           CASE WHEN p.named THEN substr(p.rest, instr(p.rest, '_') + 1, 14) END AS stamp
    FROM (
      SELECT f.path, f.status, f.error, base, substr(base, 25) AS rest,
             base GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]_CloudTrail_*_*_*' AS named
      FROM (SELECT f.*, replace(f.path, rtrim(f.path, replace(f.path, '/', '')), '') AS base FROM files f) f
      WHERE f.status IN ('failed', 'partial')) p) b) n
WHERE (n.hour IS NULL OR ((:since IS NULL OR CAST(strftime('%s', n.hour) AS INTEGER) >= :since / 3600 * 3600)
                         AND (:until IS NULL OR CAST(strftime('%s', n.hour) AS INTEGER) < :until)))
  AND (:account IS NULL OR n.account IS NULL OR n.account = :account)
ORDER BY 2, 3, 1, 5;
