/// The API calls workloads make once they hold credentials, with realistic parameters,
/// resources (data events) and sizes: most requestParameters are a few hundred bytes, a few
/// are tens of KB, some are null.
enum Workload {
    case human, ec2, lambda, gha, batch, poller
}

struct UsageCall {
    var source: String
    var name: String
    var readOnly: Bool
    var data: Bool
    var request: [UInt8]?
    var response: [UInt8]?
    var resources: [Resource]
    var userAgent: String?
}

enum Catalog {
    enum API: CaseIterable {
        case s3GetObject, s3PutObject, s3ListObjects, s3ListBuckets
        case ddbGetItem, ddbPutItem, ddbQuery
        case ec2DescribeInstances, ec2DescribeSecurityGroups, ec2RunInstances, ec2AuthorizeIngress, ec2DescribeTags
        case iamListRoles, iamGetRole, iamPutRolePolicy, stsGetCallerIdentity
        case kmsDecrypt, kmsGenerateDataKey, secretsGetValue, ssmGetParameter, logsCreateLogStream
        case sqsSendMessage, sqsReceiveMessage, cwDescribeAlarms
        case cfnDescribeStacks, cfnCreateChangeSet, ecrGetAuthorizationToken, ecrPutImage
        case lambdaUpdateCode, lambdaInvoke, ecsUpdateService
    }

    static func mix(_ workload: Workload) -> [(API, Double)] {
        switch workload {
        case .human:
            return [(.ec2DescribeInstances, 8), (.ec2DescribeSecurityGroups, 4), (.iamListRoles, 3), (.iamGetRole, 3),
                    (.s3ListBuckets, 4), (.s3GetObject, 6), (.s3ListObjects, 3), (.stsGetCallerIdentity, 5), (.kmsDecrypt, 2),
                    (.secretsGetValue, 2), (.cwDescribeAlarms, 3), (.cfnDescribeStacks, 3), (.ecsUpdateService, 1),
                    (.ec2RunInstances, 0.8), (.ec2AuthorizeIngress, 0.5), (.iamPutRolePolicy, 0.12), (.ddbQuery, 1)]
        case .ec2:
            return [(.s3GetObject, 10), (.s3PutObject, 5), (.s3ListObjects, 2), (.ddbGetItem, 6), (.ddbPutItem, 3), (.ddbQuery, 3),
                    (.kmsDecrypt, 3), (.kmsGenerateDataKey, 1), (.ssmGetParameter, 2), (.logsCreateLogStream, 1),
                    (.sqsSendMessage, 2), (.sqsReceiveMessage, 3), (.ec2DescribeTags, 1)]
        case .lambda:
            return [(.ddbGetItem, 5), (.ddbPutItem, 5), (.ddbQuery, 2), (.sqsSendMessage, 3), (.logsCreateLogStream, 2),
                    (.s3GetObject, 3), (.s3PutObject, 2), (.kmsDecrypt, 2), (.secretsGetValue, 1), (.lambdaInvoke, 1)]
        case .gha:
            return [(.ecrGetAuthorizationToken, 3), (.ecrPutImage, 2), (.s3PutObject, 3), (.cfnDescribeStacks, 3),
                    (.cfnCreateChangeSet, 1), (.lambdaUpdateCode, 1), (.ecsUpdateService, 1), (.stsGetCallerIdentity, 2)]
        case .batch:
            return [(.s3GetObject, 6), (.s3PutObject, 3), (.ddbPutItem, 1)]
        case .poller:
            return [(.sqsReceiveMessage, 1)]
        }
    }

    /// Precomputed weights so that picking a call does not rebuild arrays.
    struct Table {
        let apis: [API]
        let weights: [Double]
        init(_ workload: Workload) {
            let m = Catalog.mix(workload)
            apis = m.map(\.0)
            weights = m.map(\.1)
        }
    }

    static func call(_ api: API, world: World, account: Int, region: String, big: Bool, rng: inout SplitMix64) -> UsageCall {
        let acct = world.accounts[account].id
        let bucket = rng.pick(world.buckets[account])
        let table = rng.pick(world.tables[account])
        func objectKey() -> String {
            ["static/app", "exports/\(Clock.iso(Int64(rng.range(1_700_000_000, 1_800_000_000))).prefix(10))/part",
             "uploads/\(Identifiers.hex(8, &rng))", "models/v\(rng.range(1, 40))/weights"][rng.below(4)] + "-\(rng.range(0, 9999)).\(["json", "parquet", "js", "bin"][rng.below(4)])"
        }
        func s3(_ name: String, readOnly: Bool, withKey: Bool) -> UsageCall {
            let key = objectKey()
            let request = jsonObject { w in
                w.field("bucketName", bucket)
                w.field("Host", "\(bucket).s3.\(region).amazonaws.com")
                if withKey { w.field("key", key) } else { w.field("list-type", "2"); w.field("prefix", String(key.prefix(8))) }
            }
            var resources = [Resource(arn: "arn:aws:s3:::\(bucket)", account: acct, type: "AWS::S3::Bucket")]
            if withKey { resources.insert(Resource(arn: "arn:aws:s3:::\(bucket)/\(key)", account: nil, type: "AWS::S3::Object"), at: 0) }
            let response: [UInt8]? = readOnly ? nil : jsonObject { w in
                w.field("x-amz-server-side-encryption", "aws:kms")
                w.field("x-amz-version-id", Identifiers.token(32, &rng))
            }
            return UsageCall(source: "s3.amazonaws.com", name: name, readOnly: readOnly, data: true, request: request,
                             response: response, resources: resources, userAgent: nil)
        }
        func dynamo(_ name: String, readOnly: Bool) -> UsageCall {
            let request = jsonObject { w in
                w.field("tableName", table)
                if name == "Query" {
                    w.field("keyConditionExpression", "pk = :pk AND begins_with(sk, :sk)")
                    w.field("limit", rng.range(10, 500))
                } else {
                    w.key("key"); w.beginObject(); w.field("pk", "ORDER#\(rng.range(1, 999_999))"); w.field("sk", "v\(rng.range(0, 9))"); w.endObject()
                }
            }
            return UsageCall(source: "dynamodb.amazonaws.com", name: name, readOnly: readOnly, data: true, request: request, response: nil,
                             resources: [Resource(arn: "arn:aws:dynamodb:\(region):\(acct):table/\(table)", account: acct, type: "AWS::DynamoDB::Table")],
                             userAgent: nil)
        }
        func simple(_ source: String, _ name: String, readOnly: Bool, _ build: (inout JSONWriter) -> Void) -> UsageCall {
            UsageCall(source: source, name: name, readOnly: readOnly, data: false, request: jsonObject(build), response: nil,
                      resources: [], userAgent: nil)
        }
        // Calls without parameters log `requestParameters: null`.
        func bare(_ source: String, _ name: String) -> UsageCall {
            UsageCall(source: source, name: name, readOnly: true, data: false, request: nil, response: nil, resources: [], userAgent: nil)
        }

        switch api {
        case .s3GetObject: return s3("GetObject", readOnly: true, withKey: true)
        case .s3PutObject: return s3("PutObject", readOnly: false, withKey: true)
        case .s3ListObjects: return s3("ListObjects", readOnly: true, withKey: false)
        case .s3ListBuckets:
            return simple("s3.amazonaws.com", "ListBuckets", readOnly: true) { w in w.field("Host", "s3.\(region).amazonaws.com") }
        case .ddbGetItem: return dynamo("GetItem", readOnly: true)
        case .ddbPutItem: return dynamo("PutItem", readOnly: false)
        case .ddbQuery: return dynamo("Query", readOnly: true)
        case .ec2DescribeInstances:
            return simple("ec2.amazonaws.com", "DescribeInstances", readOnly: true) { w in
                w.key("instancesSet"); w.beginObject(); w.endObject()
                w.key("filterSet"); w.beginObject()
                w.key("items"); w.beginArray()
                w.beginObject(); w.field("name", "instance-state-name")
                w.key("valueSet"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("value", "running"); w.endObject()
                w.endArray(); w.endObject(); w.endObject()
                w.endArray(); w.endObject()
            }
        case .ec2DescribeSecurityGroups:
            return simple("ec2.amazonaws.com", "DescribeSecurityGroups", readOnly: true) { w in
                w.key("securityGroupSet"); w.beginObject(); w.endObject()
                w.key("securityGroupIdSet"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("groupId", "sg-\(Identifiers.hex(17, &rng))"); w.endObject()
                w.endArray(); w.endObject()
            }
        case .ec2DescribeTags:
            return simple("ec2.amazonaws.com", "DescribeTags", readOnly: true) { w in
                w.key("filterSet"); w.beginObject(); w.endObject()
            }
        case .ec2RunInstances:
            var call = simple("ec2.amazonaws.com", "RunInstances", readOnly: false) { w in
                w.key("instancesSet"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("imageId", "ami-\(Identifiers.hex(17, &rng))"); w.field("minCount", 1); w.field("maxCount", rng.range(1, 4)); w.endObject()
                w.endArray(); w.endObject()
                w.field("instanceType", ["t3.micro", "m6i.large", "c7g.xlarge", "r6i.2xlarge"][rng.below(4)])
                w.field("userData", "<sensitiveDataRemoved>")
                w.key("blockDeviceMapping"); w.beginObject(); w.endObject()
                w.key("tagSpecificationSet"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("resourceType", "instance"); w.key("tags"); w.beginArray()
                for tag in ["Name", "team", "cost-center", "environment", "owner", "service", "ticket"] {
                    w.beginObject(); w.field("key", tag); w.field("value", "\(tag)-\(Identifiers.token(10, &rng))"); w.endObject()
                }
                w.endArray(); w.endObject()
                w.endArray(); w.endObject()
            }
            call.response = jsonObject { w in
                w.field("requestId", Identifiers.uuid(&rng))
                w.field("reservationId", "r-\(Identifiers.hex(17, &rng))")
                w.field("ownerId", acct)
                w.key("instancesSet"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject()
                w.field("instanceId", Identifiers.instance(&rng))
                w.field("imageId", "ami-\(Identifiers.hex(17, &rng))")
                w.key("instanceState"); w.beginObject(); w.field("code", 0); w.field("name", "pending"); w.endObject()
                w.field("privateDnsName", "ip-10-\(rng.range(0, 255))-\(rng.range(0, 255))-\(rng.range(0, 255)).ec2.internal")
                w.field("subnetId", "subnet-\(Identifiers.hex(17, &rng))")
                w.field("vpcId", "vpc-\(Identifiers.hex(17, &rng))")
                w.endObject()
                w.endArray(); w.endObject()
            }
            return call
        case .ec2AuthorizeIngress:
            return simple("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", readOnly: false) { w in
                w.field("groupId", "sg-\(Identifiers.hex(17, &rng))")
                w.key("ipPermissions"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("ipProtocol", "tcp"); w.field("fromPort", 443); w.field("toPort", 443)
                w.key("ipRanges"); w.beginObject(); w.key("items"); w.beginArray()
                w.beginObject(); w.field("cidrIp", "0.0.0.0/0"); w.endObject()
                w.endArray(); w.endObject(); w.endObject()
                w.endArray(); w.endObject()
            }
        case .iamListRoles:
            return bare("iam.amazonaws.com", "ListRoles")
        case .iamGetRole:
            let role = rng.pick(world.humanRoles[account])
            return simple("iam.amazonaws.com", "GetRole", readOnly: true) { w in w.field("roleName", world.roles[role].name) }
        case .iamPutRolePolicy:
            let role = rng.pick(world.humanRoles[account])
            let document = big ? rng.pick(world.bigDocuments) : World.bigPolicy(bytes: 600, &rng)
            return simple("iam.amazonaws.com", "PutRolePolicy", readOnly: false) { w in
                w.field("roleName", world.roles[role].name)
                w.field("policyName", "inline-\(Identifiers.hex(6, &rng))")
                w.field("policyDocument", document)
            }
        case .stsGetCallerIdentity:
            return bare("sts.amazonaws.com", "GetCallerIdentity")
        case .kmsDecrypt, .kmsGenerateDataKey:
            let keyID = Identifiers.uuid(&rng)
            var call = simple("kms.amazonaws.com", api == .kmsDecrypt ? "Decrypt" : "GenerateDataKey", readOnly: true) { w in
                if api == .kmsGenerateDataKey { w.field("keyId", "alias/app-data"); w.field("keySpec", "AES_256") }
                w.field("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
                w.key("encryptionContext"); w.beginObject()
                w.field("aws:s3:arn", "arn:aws:s3:::\(bucket)/\(objectKey())")
                w.endObject()
            }
            call.resources = [Resource(arn: "arn:aws:kms:\(region):\(acct):key/\(keyID)", account: acct, type: "AWS::KMS::Key")]
            return call
        case .secretsGetValue:
            return simple("secretsmanager.amazonaws.com", "GetSecretValue", readOnly: true) { w in
                w.field("secretId", "\(world.accounts[account].name)/\(["orders-db", "stripe", "github-app", "smtp"][rng.below(4)])/credentials")
            }
        case .ssmGetParameter:
            return simple("ssm.amazonaws.com", "GetParameter", readOnly: true) { w in
                w.field("name", "/\(world.accounts[account].name)/app/\(["db-host", "feature-flags", "api-url"][rng.below(3)])")
                w.field("withDecryption", true)
            }
        case .logsCreateLogStream:
            return simple("logs.amazonaws.com", "CreateLogStream", readOnly: false) { w in
                w.field("logGroupName", "/aws/\(["lambda", "ec2", "ecs"][rng.below(3)])/\(Identifiers.token(10, &rng))")
                w.field("logStreamName", "\(Clock.datePath(Int64(rng.range(1_790_000_000, 1_800_000_000))))/[$LATEST]\(Identifiers.hex(32, &rng))")
            }
        case .sqsSendMessage, .sqsReceiveMessage:
            let queue = rng.pick(world.queues[account])
            return UsageCall(source: "sqs.amazonaws.com", name: api == .sqsSendMessage ? "SendMessage" : "ReceiveMessage",
                             readOnly: api == .sqsReceiveMessage, data: true,
                             request: jsonObject { w in
                                 w.field("queueUrl", queue)
                                 if api == .sqsReceiveMessage { w.field("maxNumberOfMessages", 10); w.field("waitTimeSeconds", 20) }
                             },
                             response: nil, resources: [], userAgent: nil)
        case .cwDescribeAlarms:
            return simple("monitoring.amazonaws.com", "DescribeAlarms", readOnly: true) { w in w.field("maxRecords", 100) }
        case .cfnDescribeStacks:
            return simple("cloudformation.amazonaws.com", "DescribeStacks", readOnly: true) { w in
                w.field("stackName", "\(world.accounts[account].name)-\(["network", "app", "data", "observability"][rng.below(4)])")
            }
        case .cfnCreateChangeSet:
            let body = big ? rng.pick(world.bigDocuments) : "{\"Resources\":{\"Queue\":{\"Type\":\"AWS::SQS::Queue\"}}}"
            return simple("cloudformation.amazonaws.com", "CreateChangeSet", readOnly: false) { w in
                w.field("stackName", "\(world.accounts[account].name)-app")
                w.field("changeSetName", "gha-\(Identifiers.hex(12, &rng))")
                w.field("templateBody", body)
                w.key("capabilities"); w.beginArray(); w.string("CAPABILITY_IAM"); w.endArray()
            }
        case .ecrGetAuthorizationToken:
            return bare("ecr.amazonaws.com", "GetAuthorizationToken")
        case .ecrPutImage:
            var call = simple("ecr.amazonaws.com", "PutImage", readOnly: false) { w in
                w.field("repositoryName", ["payments-api", "web-frontend", "auth-service"][rng.below(3)])
                w.field("imageTag", "v\(rng.range(1, 3)).\(rng.range(0, 60)).\(rng.range(0, 20))")
                w.field("imageManifestMediaType", "application/vnd.oci.image.manifest.v1+json")
            }
            call.response = jsonObject { w in
                w.key("image"); w.beginObject()
                w.field("registryId", acct)
                w.key("imageId"); w.beginObject(); w.field("imageDigest", "sha256:\(Identifiers.hex(64, &rng))"); w.endObject()
                w.endObject()
            }
            return call
        case .lambdaUpdateCode:
            return simple("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", readOnly: false) { w in
                w.field("functionName", rng.pick(world.functions).name)
                w.field("s3Bucket", bucket)
                w.field("s3Key", "builds/\(Identifiers.hex(40, &rng)).zip")
            }
        case .lambdaInvoke:
            let f = rng.pick(world.functions)
            var call = simple("lambda.amazonaws.com", "Invoke", readOnly: false) { w in
                w.field("functionName", world.functionARN(f))
                w.field("invocationType", "Event")
            }
            call.data = true
            call.resources = [Resource(arn: world.functionARN(f), account: world.accounts[f.account].id, type: "AWS::Lambda::Function")]
            return call
        case .ecsUpdateService:
            var call = simple("ecs.amazonaws.com", "UpdateService", readOnly: false) { w in
                w.field("cluster", "\(world.accounts[account].name)-core")
                w.field("service", ["checkout", "search", "auth"][rng.below(3)])
                w.field("forceNewDeployment", true)
            }
            call.response = jsonObject { w in
                w.key("service"); w.beginObject(); w.field("serviceName", "checkout"); w.field("status", "ACTIVE"); w.endObject()
            }
            return call
        }
    }

    /// The service prefix IAM uses in "not authorized to perform" messages.
    static func iamPrefix(_ source: String) -> String {
        switch source {
        case "monitoring.amazonaws.com": return "cloudwatch"
        default: return source.split(separator: ".").first.map(String.init) ?? source
        }
    }
}
