import Foundation
import Testing
@testable import TrailCore

@Suite("Least-privilege policy from observed activity")
struct PolicyTests {
    @Test("IAM action names: service prefixes, S3 permission names, Lambda versions, non-IAM events")
    func actionMapping() {
        #expect(IAMActionMap.action(eventSource: "dynamodb.amazonaws.com", eventName: "GetItem") == "dynamodb:GetItem")
        #expect(IAMActionMap.action(eventSource: "monitoring.amazonaws.com", eventName: "PutMetricData") == "cloudwatch:PutMetricData")
        #expect(IAMActionMap.action(eventSource: "s3.amazonaws.com", eventName: "ListBuckets") == "s3:ListAllMyBuckets")
        #expect(IAMActionMap.action(eventSource: "s3.amazonaws.com", eventName: "HeadObject") == "s3:GetObject")
        #expect(IAMActionMap.action(eventSource: "s3.amazonaws.com", eventName: "PutBucketLifecycle") == "s3:PutLifecycleConfiguration")
        #expect(IAMActionMap.action(eventSource: "lambda.amazonaws.com", eventName: "UpdateFunctionCode20150331v2") == "lambda:UpdateFunctionCode")
        #expect(IAMActionMap.action(eventSource: "lambda.amazonaws.com", eventName: "ListFunctions20150331") == "lambda:ListFunctions")
        #expect(IAMActionMap.action(eventSource: "lambda.amazonaws.com", eventName: "Invoke") == "lambda:Invoke")
        #expect(IAMActionMap.action(eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin") == nil)
        #expect(IAMActionMap.action(eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity") == nil)
        #expect(IAMActionMap.action(eventSource: "kms.amazonaws.com", eventName: "RotateKey", eventType: "AwsServiceEvent") == nil)
    }

    @Test("sample-logs: the Lambda execution role's policy lists exactly the actions it used")
    func lambdaStoryPolicy() throws {
        try withHarness { h in
            try h.ingest([AttributionCorpusTests.repositoryRoot.appendingPathComponent("sample-logs").path])
            let db = try TrailDatabase.openForReading(h.database)
            let policy = try PolicyGenerator(db).policy(role: "order-processor-role", since: nil, until: nil)
            let actions = policy.statements.flatMap(\.actions).sorted()
            #expect(actions == ["dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"])
            #expect(policy.denied.isEmpty)
            // The document parses as an IAM policy.
            let object = try JSONSerialization.jsonObject(with: Data(policy.json.utf8)) as? [String: Any]
            #expect(object?["Version"] as? String == "2012-10-17")
            #expect((object?["Statement"] as? [[String: Any]])?.allSatisfy { $0["Effect"] as? String == "Allow" } == true)
            // Same policy by role ARN.
            let byARN = try PolicyGenerator(db).policy(role: "arn:aws:iam::444455556666:role/service-role/order-processor-role", since: nil, until: nil)
            #expect(byARN == policy)
        }
    }

    @Test("sample-logs: S3 object reads are granted on the objects the records name; denials are listed, not granted")
    func resourcesAndDenials() throws {
        try withHarness { h in
            try h.ingest([AttributionCorpusTests.repositoryRoot.appendingPathComponent("sample-logs").path])
            let db = try TrailDatabase.openForReading(h.database)
            let ec2 = try PolicyGenerator(db).policy(role: "WebAppInstanceRole", since: nil, until: nil)
            let get = try #require(ec2.statements.first { $0.actions.contains("s3:GetObject") })
            #expect(get.resources.allSatisfy { $0.hasPrefix("arn:aws:s3:::my-app-bucket/") })
            #expect(get.resources.contains("arn:aws:s3:::my-app-bucket/config/app.json"))
            let admin = try PolicyGenerator(db).policy(role: "ProdAdmin", since: nil, until: nil)
            #expect(admin.denied.contains("iam:CreateUser"))
            #expect(!admin.statements.flatMap(\.actions).contains("iam:CreateUser"))
            #expect(admin.statements.flatMap(\.actions).contains("ec2:AuthorizeSecurityGroupIngress"))
        }
    }
}
