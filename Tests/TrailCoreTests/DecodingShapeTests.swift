import Foundation
import Testing
@testable import TrailCore

// Every shape records arrive in, and how members are mapped to columns.

private func parse(_ json: String) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
}

private func sameJSON(_ a: String?, _ b: String) -> Bool {
    guard let a, let x = parse(a) as? NSObject, let y = parse(b) as? NSObject else { return false }
    return x.isEqual(y)
}

/// An EventBridge "AWS API Call via CloudTrail" event around `detail`.
private func envelope(_ detail: String, id: String = "6f87d04b-9f74-4f04-a780-7acf4b0a9b38", pretty: Bool = false) -> String {
    let nl = pretty ? "\n  " : ""
    return "{\(nl)\"version\":\"0\",\(nl)\"id\":\"\(id)\",\(nl)\"detail-type\":\"AWS API Call via CloudTrail\",\(nl)\"source\":\"aws.iam\","
        + "\(nl)\"account\":\"111122223333\",\(nl)\"time\":\"2026-11-20T10:00:00Z\",\(nl)\"region\":\"us-east-1\",\(nl)\"resources\":[],"
        + "\(nl)\"detail\":\(detail)\(pretty ? "\n" : "")}"
}

/// `aws cloudtrail lookup-events` output around record texts.
private func lookupEvents(_ records: [String], nextToken: Bool = false) -> String {
    let events = records.enumerated().map { i, record in
        TS.json(["EventId": "lookup-\(i)", "EventName": "DescribeInstances", "ReadOnly": "true", "EventTime": 1_795_000_000,
                 "EventSource": "ec2.amazonaws.com", "Username": "alice", "Resources": [] as [Any], "CloudTrailEvent": record] as [String: Any])
    }
    let token = nextToken ? "\"NextToken\":\"abc==\"," : ""
    return "{" + token + "\"Events\":[" + events.joined(separator: ",") + "]}"
}

private let digestDocument = """
{"awsAccountId":"111122223333","digestStartTime":"2026-11-20T09:00:00Z","digestEndTime":"2026-11-20T10:00:00Z",
 "digestS3Bucket":"trail-bucket","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T100000Z.json.gz",
 "digestPublicKeyFingerprint":"0123456789abcdef","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2026-11-20T09:59:00Z",
 "oldestEventTime":"2026-11-20T09:00:01Z","previousDigestS3Bucket":"trail-bucket",
 "previousDigestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/previous.json.gz",
 "previousDigestHashValue":"aa","previousDigestHashAlgorithm":"SHA-256","previousDigestSignature":"bb",
 "logFiles":[{"s3Bucket":"trail-bucket","s3Object":"a.json.gz","hashValue":"cc","hashAlgorithm":"SHA-256","newestEventTime":"2026-11-20T09:59:00Z","oldestEventTime":"2026-11-20T09:00:01Z"},
             {"s3Bucket":"trail-bucket","s3Object":"b.json.gz","hashValue":"dd","hashAlgorithm":"SHA-256","newestEventTime":"2026-11-20T09:59:00Z","oldestEventTime":"2026-11-20T09:00:01Z"}]}
"""

private let insightRecord = """
{"eventVersion":"1.08","eventTime":"2026-11-20T10:05:00Z","awsRegion":"us-east-1","eventID":"insight-1","eventType":"AwsCloudTrailInsight",
 "recipientAccountId":"111122223333","sharedEventID":"shared-insight","insightDetails":{"state":"Start","eventSource":"ec2.amazonaws.com",
 "eventName":"RunInstances","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":0.01},"insight":{"average":5.5}}}},
 "eventCategory":"Insight"}
"""

@Suite("Decoding: record shapes")
struct DecodingShapeTests {
    @Test("{\"Records\":[…]} with other members around the array")
    func recordsContainer() {
        let text = "{\"Other\":{\"x\":[1,2]}," + String(TS.recordsFile(TS.records("r", 3)).dropFirst()).dropLast() + ",\"Trailer\":true}"
        let file = TS.decode(text)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["r-0", "r-1", "r-2"])
        #expect(file.recordIndexes == [0, 1, 2])
        #expect(file.rejects.isEmpty)
        #expect(file.string(1, .eventName) == "DescribeInstances")
        #expect(file.string(1, .awsRegion) == "us-east-1")
    }

    @Test("{\"Records\":[]} is an empty, valid file")
    func emptyRecords() {
        let file = TS.decode("{\"Records\":[]}")
        #expect(file.fileError == nil)
        #expect(file.recordCount == 0 && file.rejects.isEmpty)
    }

    @Test("a bare JSON array of records, pretty-printed")
    func bareArray() {
        let text = "[\n  " + TS.records("a", 2).joined(separator: ",\n  ") + "\n]\n"
        let file = TS.decode(text)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["a-0", "a-1"])
    }

    @Test("NDJSON: one record per line, blank lines and CRLF tolerated, UTF-8 BOM skipped")
    func ndjson() {
        let lines = TS.records("n", 3)
        let text = "\u{FEFF}" + lines[0] + "\r\n\r\n" + lines[1] + "\n   \n" + lines[2]
        let file = TS.decode(text)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["n-0", "n-1", "n-2"])
        #expect(file.recordIndexes == [0, 1, 2])
    }

    @Test("a single pretty-printed record document")
    func singleRecord() throws {
        let pretty = try JSONSerialization.data(withJSONObject: TS.recordObject(id: "single"), options: [.prettyPrinted])
        let file = LogFileDecoder.decode(Array(pretty))
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["single"])
    }

    @Test("EventBridge envelope: the record is its detail")
    func eventBridgeEnvelope() {
        let detail = TS.record(id: "eb-1", name: "CreateUser", overrides: ["eventSource": "iam.amazonaws.com"])
        for pretty in [false, true] {
            let file = TS.decode(envelope(detail, pretty: pretty))
            #expect(file.fileError == nil)
            #expect(TS.eventIDs(file) == ["eb-1"])
            #expect(file.string(0, .eventName) == "CreateUser")
            #expect(file.string(0, .eventSource) == "iam.amazonaws.com")
            // The envelope's own members (id, source, account, …) are not record members.
            #expect(file.string(0, .extra) == nil)
            #expect(file.rejects.isEmpty)
        }
    }

    @Test("EventBridge envelopes one per line, mixed with plain records and a Records object")
    func eventBridgeNDJSON() {
        let lines = [
            envelope(TS.record(id: "eb-1"), id: "e1"),
            envelope(TS.record(id: "eb-2"), id: "e2"),
            TS.record(id: "plain-3"),
            TS.recordsFile([TS.record(id: "inner-4"), TS.record(id: "inner-5")]),
            envelope(TS.record(id: "eb-6"), id: "e6"),
        ]
        let file = TS.decode(lines.joined(separator: "\n") + "\n")
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["eb-1", "eb-2", "plain-3", "inner-4", "inner-5", "eb-6"])
        #expect(file.recordIndexes == [0, 1, 2, 3, 4, 5])
    }

    @Test("an EventBridge event that is not a CloudTrail record is rejected, not stored")
    func eventBridgeNonCloudTrail() {
        let other = #"{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"instance-id":"i-1","state":"running"}}"#
        let file = TS.decode(other + "\n" + TS.record(id: "after") + "\n")
        #expect(TS.eventIDs(file) == ["after"])
        #expect(TS.rejectIndexes(file) == [0])
        #expect(TS.rejectReasons(file).first?.contains("eventID") == true)
    }

    @Test("aws cloudtrail lookup-events output: CloudTrailEvent strings are decoded and parsed")
    func lookupEventsOutput() {
        let tricky = TS.record(id: "lk-2", overrides: ["requestParameters": ["name": "quote \" backslash \\ tab \t emoji 😀 \u{2028}"]])
        for nextToken in [false, true] {
            let file = TS.decode(lookupEvents([TS.record(id: "lk-1"), tricky], nextToken: nextToken))
            #expect(file.fileError == nil)
            #expect(TS.eventIDs(file) == ["lk-1", "lk-2"])
            #expect(file.rejects.isEmpty)
            #expect(sameJSON(file.string(1, .requestParameters), #"{"name":"quote \" backslash \\ tab \t emoji 😀 \u2028"}"#))
        }
    }

    @Test("lookup-events with an empty Events array: no records, no error")
    func lookupEventsEmpty() {
        let file = TS.decode(#"{"Events":[],"NextToken":null}"#)
        #expect(file.fileError == nil)
        #expect(file.recordCount == 0 && file.rejects.isEmpty)
    }

    @Test("lookup-events whose Events are record objects (as in the Insights CLI docs) are not lost silently")
    func lookupEventsWithRecordObjects() {
        let text = "{\"NextToken\":\"t\",\"Events\":[" + TS.record(id: "obj-1") + "," + TS.record(id: "obj-2") + "]}"
        let file = TS.decode(text)
        // Either read them as records, or say why not: never 0 records with no reject and no error.
        let accountedFor = file.recordCount + file.rejects.count
        #expect(accountedFor == 2 || file.fileError != nil, "records \(file.recordCount), rejects \(file.rejects.count), error \(file.fileError ?? "nil")")
    }

    @Test("two lookup-events documents appended to one file (paginated CLI output) are both read")
    func concatenatedLookupEvents() {
        let text = lookupEvents([TS.record(id: "page1-a"), TS.record(id: "page1-b")], nextToken: true) + "\n"
            + lookupEvents([TS.record(id: "page2-a")]) + "\n"
        let file = TS.decode(text)
        #expect(TS.eventIDs(file) == ["page1-a", "page1-b", "page2-a"])
        #expect(TS.eventIDs(file).prefix(2) == ["page1-a", "page1-b"])
    }

    @Test("records before a lookup-events document keep their own values")
    func recordThenLookupEvents() {
        // The lookup record is padded so the swapped-in buffer is longer than the first line: the stale
        // ranges then read wrong bytes instead of trapping out of bounds.
        let padded = TS.record(id: "in-lookup", overrides: ["requestParameters": ["pad": String(repeating: "p", count: 4096)]])
        let text = TS.record(id: "before-lookup", name: "BeforeLookup") + "\n" + lookupEvents([padded]) + "\n"
        let file = TS.decode(text)
        let ids = TS.eventIDs(file)
        #expect(ids == ["before-lookup", "in-lookup"])
        #expect(file.recordCount >= 1 && file.string(0, .eventName) == "BeforeLookup")
    }

    @Test("a digest document read as a digest")
    func digestAsDigest() throws {
        let file = TS.decode(digestDocument, expecting: .digest)
        #expect(file.fileError == nil)
        let digest = try #require(file.digest)
        #expect(digest.accountID == "111122223333")
        #expect(digest.startTime == "2026-11-20T09:00:00Z")
        #expect(digest.endTime == "2026-11-20T10:00:00Z")
        #expect(digest.s3Bucket == "trail-bucket")
        #expect(digest.previousS3Object == "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/previous.json.gz")
        #expect(digest.logFileCount == 2)
        #expect(file.recordCount == 0)
    }

    @Test("a digest document where events are expected fails with a clear error")
    func digestAsEvents() {
        let file = TS.decode(digestDocument)
        #expect(file.recordCount == 0)
        #expect(file.fileError?.contains("digest") == true, "\(file.fileError ?? "nil")")
    }

    @Test("a gzip-compressed digest is inflated first")
    func gzipDigest() {
        let file = LogFileDecoder.decode(TS.gzip(digestDocument), expecting: .digest)
        #expect(file.fileError == nil)
        #expect(file.digest?.logFileCount == 2)
    }

    @Test("a digest path that is not a JSON object fails")
    func brokenDigest() {
        #expect(TS.decode("[1,2]", expecting: .digest).fileError != nil)
        #expect(TS.decode("{\"awsAccountId\":", expecting: .digest).fileError != nil)
    }

    @Test("Insights events are flagged (eventType AwsCloudTrailInsight or eventCategory Insight)")
    func insightFlag() {
        let categoryOnly = TS.record(id: "cat-insight", overrides: ["eventCategory": "Insight", "eventType": "Other"])
        let file = TS.decode(TS.recordsFile([TS.record(id: "api"), insightRecord, categoryOnly]))
        #expect(TS.eventIDs(file) == ["api", "insight-1", "cat-insight"])
        #expect(file.isInsight == [false, true, true])
        #expect(sameJSON(file.string(1, .insightDetails), #"{"state":"Start","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":0.01},"insight":{"average":5.5}}}}"#))
    }

    @Test("member names match case-insensitively: sharedEventId, sharedEventID, EVENTNAME")
    func caseVariants() {
        let a = TS.record(id: "case-a", overrides: ["sharedEventId": "s-1"])
        let b = TS.record(id: "case-b", overrides: ["sharedEventID": "s-2"])
        let c = #"{"EventID":"case-c","EVENTTIME":"2026-11-20T10:00:00Z","EventName":"X","UserIdentity":{"Type":"Root","PrincipalID":"111122223333","ARN":"arn:aws:iam::111122223333:root"},"RecipientAccountID":"111122223333"}"#
        let file = TS.decode(TS.recordsFile([a, b, c]))
        #expect(TS.eventIDs(file) == ["case-a", "case-b", "case-c"])
        #expect(file.string(0, .sharedEventID) == "s-1")
        #expect(file.string(1, .sharedEventID) == "s-2")
        #expect(file.string(2, .eventName) == "X")
        #expect(file.string(2, .identityType) == "Root")
        #expect(file.string(2, .principalID) == "111122223333")
        #expect(file.string(2, .identityARN) == "arn:aws:iam::111122223333:root")
        #expect(file.string(2, .recipientAccountID) == "111122223333")
        #expect(file.string(0, .extra) == nil && file.string(2, .extra) == nil)
    }

    @Test("a member whose type drifts is kept as its JSON text")
    func typeDrift() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "d-object", overrides: ["requestParameters": ["bucketName": "b"]]),
            TS.record(id: "d-string", overrides: ["requestParameters": "just a string", "userAgent": 12345]),
            TS.record(id: "d-null", overrides: ["requestParameters": NSNull(), "userAgent": NSNull()]),
            TS.record(id: "d-array", overrides: ["requestParameters": [1, "two"], "userAgent": ["a": 1], "awsRegion": true]),
            TS.record(id: "d-absent", removing: ["requestParameters", "userAgent"]),
        ]))
        #expect(TS.eventIDs(file) == ["d-object", "d-string", "d-null", "d-array", "d-absent"])
        #expect(sameJSON(file.string(0, .requestParameters), #"{"bucketName":"b"}"#))
        #expect(file.string(1, .requestParameters) == "\"just a string\"", "verbatim JSON text, quotes included")
        #expect(file.string(1, .userAgent) == "12345")
        #expect(file.string(2, .requestParameters) == nil)
        #expect(file.string(2, .userAgent) == nil)
        #expect(file.string(3, .requestParameters) == #"[1,"two"]"#)
        #expect(file.string(3, .userAgent) == #"{"a":1}"#)
        #expect(file.string(3, .awsRegion) == "true")
        #expect(file.string(4, .requestParameters) == nil && file.string(4, .userAgent) == nil)
    }

    @Test("readOnly / managementEvent accept JSON booleans and \"true\"/\"false\" strings")
    func booleanColumns() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "b1", overrides: ["readOnly": true, "managementEvent": false]),
            TS.record(id: "b2", overrides: ["readOnly": "false", "managementEvent": "TRUE"]),
            TS.record(id: "b3", overrides: ["readOnly": NSNull(), "managementEvent": "maybe"]),
        ]))
        #expect(file.value(0, .readOnly).kind == .trueValue && file.value(0, .managementEvent).kind == .falseValue)
        #expect(file.value(1, .readOnly).kind == .falseValue && file.value(1, .managementEvent).kind == .trueValue)
        #expect(file.value(2, .readOnly).kind == .null)
        #expect(file.string(2, .managementEvent) == "maybe")
    }

    @Test("unknown top-level members are kept in extra as one JSON object")
    func extraColumn() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "x-1", overrides: ["brandNewField": ["a": 1, "b": [true, NSNull()]], "another": 7, "@version": "1"]),
            TS.record(id: "x-2", overrides: ["resources": "not-an-array"]),
            TS.record(id: "x-3"),
        ]))
        #expect(sameJSON(file.string(0, .extra), #"{"brandNewField":{"a":1,"b":[true,null]},"another":7,"@version":"1"}"#), "\(file.string(0, .extra) ?? "nil")")
        #expect(sameJSON(file.string(1, .extra), #"{"resources":"not-an-array"}"#), "\(file.string(1, .extra) ?? "nil")")
        #expect(file.string(2, .extra) == nil)
    }

    @Test("resources[] entries are read; non-object entries are kept")
    func resources() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "res", overrides: ["resources": [
                ["ARN": "arn:aws:s3:::bucket", "type": "AWS::S3::Bucket", "accountId": "111122223333"],
                "arn:aws:s3:::loose",
                ["arn": "arn:aws:iam::111122223333:role/R"],
            ]]),
        ]))
        #expect(file.resources.count == 3)
        #expect(file.string(file.resources[0].arn) == "arn:aws:s3:::bucket")
        #expect(file.string(file.resources[0].type) == "AWS::S3::Bucket")
        #expect(file.string(file.resources[0].accountID) == "111122223333")
        #expect(file.string(file.resources[1].arn) == "\"arn:aws:s3:::loose\"")
        #expect(file.string(file.resources[2].arn) == "arn:aws:iam::111122223333:role/R")
        #expect(file.resources[2].type.kind == .absent)
    }

    @Test("duplicate keys: the last occurrence wins for plain and verbatim columns")
    func duplicateKeys() {
        let text = #"{"eventID":"dup-1","eventTime":"2026-11-20T10:00:00Z","eventName":"First","eventName":"Second","requestParameters":{"a":1},"requestParameters":{"b":2},"awsRegion":"eu-west-1","awsRegion":null}"#
        let file = TS.decode(text)
        #expect(TS.eventIDs(file) == ["dup-1"])
        #expect(file.string(0, .eventName) == "Second")
        #expect(file.string(0, .requestParameters) == #"{"b":2}"#)
        #expect(file.string(0, .awsRegion) == nil)
        // Foundation agrees.
        let foundation = parse(text) as? [String: Any]
        #expect(foundation?["eventName"] as? String == "Second")
    }

    @Test("duplicate eventID keys: the last one is the record's id")
    func duplicateEventID() {
        let file = TS.decode(#"{"eventID":"first","eventTime":"2026-11-20T10:00:00Z","eventID":"second"}"#)
        #expect(TS.eventIDs(file) == ["second"])
    }

    @Test("a repeated userIdentity replaces the earlier one entirely")
    func duplicateUserIdentity() {
        let text = #"{"eventID":"dup-ui","eventTime":"2026-11-20T10:00:00Z","userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIAOLD"},"userIdentity":{"type":"Root","principalId":"111122223333"}}"#
        let file = TS.decode(text)
        #expect(file.string(0, .identityType) == "Root")
        #expect(file.string(0, .principalID) == "111122223333")
        #expect(file.string(0, .userIdentity) == #"{"type":"Root","principalId":"111122223333"}"#)
        #expect(file.string(0, .userName) == nil)
        #expect(file.string(0, .accessKeyID) == nil)
    }

    @Test("a key with a \\u escape is matched like Foundation does")
    func escapedKey() {
        // "event\u004Eame" is "eventName" once decoded.
        let file = TS.decode(#"{"eventID":"esc-key","eventTime":"2026-11-20T10:00:00Z","event\u004Eame":"Escaped"}"#)
        #expect(TS.eventIDs(file) == ["esc-key"])
        #expect(file.string(0, .eventName) == "Escaped")
    }

    @Test("string values with escapes are decoded in columns")
    func escapedValues() {
        let file = TS.decode(#"{"eventID":"esc\u002Dval","eventTime":"2026-11-20T10:00:00\u005A","eventName":"Tab\tQuote\"Slash\/Emoji\uD83D\uDE00","userAgent":"lone \uDE00"}"#)
        #expect(TS.eventIDs(file) == ["esc-val"])
        #expect(file.string(0, .eventName) == "Tab\tQuote\"Slash/Emoji😀")
        #expect(file.string(0, .userAgent) == "lone \u{FFFD}")
        #expect(file.eventTimes == [Timestamp.parse("2026-11-20T10:00:00Z")!])
    }

    @Test("userIdentity that is not an object is kept verbatim with no flattened columns")
    func userIdentityNotObject() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "ui-string", overrides: ["userIdentity": "someone"]),
            TS.record(id: "ui-null", overrides: ["userIdentity": NSNull()]),
        ]))
        #expect(file.string(0, .userIdentity) == "\"someone\"")
        #expect(file.string(0, .identityType) == nil)
        #expect(file.string(1, .userIdentity) == nil)
    }
}
