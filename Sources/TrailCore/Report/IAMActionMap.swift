/// Maps a CloudTrail call (eventSource + eventName) to the IAM action that authorises it.
///
/// Most calls map directly (`dynamodb.amazonaws.com` + `GetItem` → `dynamodb:GetItem`). The
/// exceptions below are the ones CloudTrail users trip over (trailscraper's issue tracker lists
/// many): service prefixes that differ from the event source, S3 operations whose permission
/// has another name, Lambda's versioned event names, and sign-in or service events that are not
/// IAM actions at all.
public enum IAMActionMap {
    /// Event sources whose IAM prefix is not the host name.
    static let servicePrefixes: [String: String] = [
        "monitoring": "cloudwatch",
        "email": "ses",
        "sso-directory": "sso-directory",
        "elasticloadbalancing": "elasticloadbalancing",
        "es": "es",
        "streams.dynamodb": "dynamodb",
        "acm-pca": "acm-pca",
        "execute-api": "execute-api",
        "apigateway": "apigateway",
        "bedrock-runtime": "bedrock",
    ]

    /// S3 operations authorised by a differently named permission.
    static let s3Actions: [String: String] = [
        "ListBuckets": "ListAllMyBuckets",
        "HeadBucket": "ListBucket",
        "ListObjects": "ListBucket",
        "ListObjectsV2": "ListBucket",
        "ListObjectVersions": "ListBucketVersions",
        "ListMultipartUploads": "ListBucketMultipartUploads",
        "HeadObject": "GetObject",
        "GetObjectAttributes": "GetObject",
        "SelectObjectContent": "GetObject",
        "CopyObject": "PutObject",
        "CreateMultipartUpload": "PutObject",
        "UploadPart": "PutObject",
        "UploadPartCopy": "PutObject",
        "CompleteMultipartUpload": "PutObject",
        "AbortMultipartUpload": "AbortMultipartUpload",
        "DeleteObjects": "DeleteObject",
        "GetBucketLifecycle": "GetLifecycleConfiguration",
        "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
        "PutBucketLifecycle": "PutLifecycleConfiguration",
        "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
        "DeleteBucketLifecycle": "PutLifecycleConfiguration",
        "GetBucketReplication": "GetReplicationConfiguration",
        "PutBucketReplication": "PutReplicationConfiguration",
        "DeleteBucketReplication": "PutReplicationConfiguration",
        "GetBucketCors": "GetBucketCORS",
        "PutBucketCors": "PutBucketCORS",
        "DeleteBucketCors": "PutBucketCORS",
        "GetBucketEncryption": "GetEncryptionConfiguration",
        "PutBucketEncryption": "PutEncryptionConfiguration",
        "DeleteBucketEncryption": "PutEncryptionConfiguration",
        "DeleteBucketPolicy": "DeleteBucketPolicy",
        "GetBucketNotification": "GetBucketNotification",
        "GetBucketNotificationConfiguration": "GetBucketNotification",
        "PutBucketNotificationConfiguration": "PutBucketNotification",
        "DeleteBucketTagging": "PutBucketTagging",
        "DeleteBucketWebsite": "DeleteBucketWebsite",
        "GetBucketLogging": "GetBucketLogging",
        "PutBucketLogging": "PutBucketLogging",
        "DeleteObjectTagging": "DeleteObjectTagging",
        "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
        "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    ]

    /// Event sources that record sign-ins and service activity, not calls an IAM policy allows.
    static let notAuthorisedByIAM: Set<String> = ["signin.amazonaws.com", "sso.amazonaws.com", "health.amazonaws.com"]

    /// Calls that need no permission.
    static let freeCalls: Set<String> = ["sts:GetCallerIdentity"]

    /// The IAM action for a call, or nil when no IAM permission governs it.
    public static func action(eventSource: String, eventName: String, eventType: String? = nil) -> String? {
        guard !notAuthorisedByIAM.contains(eventSource) else { return nil }
        if let type = eventType?.lowercased(), type == "awsserviceevent" || type == "awsconsolesignin" || type == "awscloudtrailinsight" {
            return nil
        }
        guard eventSource.hasSuffix(".amazonaws.com"), !eventName.isEmpty else { return nil }
        let host = String(eventSource.dropLast(".amazonaws.com".count))
        let prefix = servicePrefixes[host] ?? host
        var name = eventName
        switch prefix {
        case "s3":
            name = s3Actions[eventName] ?? eventName
        case "lambda":
            name = stripAPIVersion(eventName)
        default:
            break
        }
        let action = "\(prefix):\(name)"
        return freeCalls.contains(action) ? nil : action
    }

    /// Lambda records `UpdateFunctionCode20150331v2`, `ListFunctions20150331`: drop the version.
    static func stripAPIVersion(_ name: String) -> String {
        var scalars = Array(name.unicodeScalars)
        if scalars.count > 2, scalars[scalars.count - 2] == "v", scalars.last.map({ CharacterSet.decimalDigits.contains($0) }) == true {
            scalars.removeLast(2)
        }
        var digits = 0
        while let last = scalars.last, CharacterSet.decimalDigits.contains(last) {
            scalars.removeLast()
            digits += 1
        }
        guard digits == 8 else { return name }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Object-level S3 permissions take object ARNs; the others take the bucket.
    static func isS3ObjectAction(_ action: String) -> Bool {
        guard action.hasPrefix("s3:") else { return false }
        let name = action.dropFirst(3)
        return name.contains("Object") || name == "AbortMultipartUpload" || name == "ListMultipartUploadParts"
    }
}

import Foundation
