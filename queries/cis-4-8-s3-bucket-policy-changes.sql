-- name: cis-4-8-s3-bucket-policy-changes
-- description: CIS 4.8: S3 bucket policy changes, with who did each
-- report: cis-4.8
-- title: S3 bucket policy changes
-- severity: medium
-- cis: 4.8 (v1.4 to v5.0); 3.8 in v1.2
-- rationale: Bucket policies, ACLs, CORS, lifecycle and replication decide who reads the data and where it goes.
-- filter: {($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-8-s3-bucket-policy-changes --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_source = 's3.amazonaws.com' AND event_name IN ('PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
