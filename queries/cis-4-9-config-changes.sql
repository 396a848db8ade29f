-- name: cis-4-9-config-changes
-- description: CIS 4.9: AWS Config configuration changes, with who did each
-- report: cis-4.9
-- title: AWS Config configuration changes
-- severity: medium
-- cis: 4.9 (v1.4 to v5.0); 3.9 in v1.2
-- rationale: Stopping the configuration recorder hides later changes from Config.
-- filter: {($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-9-config-changes --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_source = 'config.amazonaws.com' AND event_name IN ('StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
