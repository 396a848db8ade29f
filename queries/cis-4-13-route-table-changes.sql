-- name: cis-4-13-route-table-changes
-- description: CIS 4.13: Route table changes, with who did each
-- report: cis-4.13
-- title: Route table changes
-- severity: medium
-- cis: 4.13 (v1.4 to v5.0); 3.13 in v1.2
-- rationale: Routes can send traffic around inspection.
-- filter: {($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-13-route-table-changes --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_name IN ('CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
