-- name: unresolved-sessions
-- description: Sessions whose origin could not be resolved (or only ambiguously), with the reason
-- param: include_heuristic bool default false Also list sessions linked only by a heuristic
-- param: since time optional Only sessions active at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only sessions active before this time
-- param: account text optional Only sessions in this AWS account
-- example: trail query unresolved-sessions
-- example: trail query unresolved-sessions --include-heuristic true
SELECT s.session_key, s.kind, s.session_arn, s.role_arn, s.first_seen, s.last_seen, s.events,
       s.origin_type, s.confidence, s.link_method, s.reason, s.candidates
FROM sessions s
WHERE s.events > 0 AND (s.origin_type = 'unknown' OR s.confidence IN ('none', 'ambiguous')
       OR (:include_heuristic AND s.confidence = 'heuristic'))
  AND (:since IS NULL OR s.last_ts >= :since)
  AND (:until IS NULL OR s.first_ts < :until)
  AND (:account IS NULL OR s.account_id = :account)
ORDER BY s.events DESC, s.session_key;
