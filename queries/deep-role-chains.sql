-- name: deep-role-chains
-- description: Sessions reached through a chain of more than N roles (role chaining), with the chain and its origin
-- param: depth int default 1 List chains longer than this many hops
-- param: since time optional Only sessions active at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only sessions active before this time
-- param: account text optional Only sessions in this AWS account
-- example: trail query deep-role-chains
-- example: trail query deep-role-chains --depth 2
SELECT s.session_key, s.role_arn, s.chain_depth AS depth,
       s.chain_roles AS chain,
       s.origin_type, s.origin_id, s.origin_detail,
       s.first_seen, s.last_seen, s.events, s.confidence
FROM sessions s
WHERE s.events > 0 AND s.chain_depth > :depth
  AND (:since IS NULL OR s.last_ts >= :since)
  AND (:until IS NULL OR s.first_ts < :until)
  AND (:account IS NULL OR s.account_id = :account)
ORDER BY s.chain_depth DESC, s.last_ts DESC, s.session_key;
