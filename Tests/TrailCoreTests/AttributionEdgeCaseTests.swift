import Foundation
import Testing
@testable import TrailCore

/// Compact builders for the records the edge-case tests need.
enum Rec {
    static let prod = "444455556666"
    static let dev = "111122223333"

    static func id(_ tag: String) -> String { "edge-\(tag)" }

    static func base(_ tag: String, _ time: String, _ source: String, _ name: String, account: String = prod) -> [String: Any] {
        ["eventVersion": "1.08", "eventID": id(tag), "eventTime": time, "eventSource": source, "eventName": name,
         "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.17",
         "requestParameters": NSNull(), "responseElements": NSNull(), "recipientAccountId": account,
         "eventType": "AwsApiCall", "readOnly": true]
    }

    static func iamUser(_ name: String, key: String, account: String = dev) -> [String: Any] {
        ["type": "IAMUser", "principalId": "AIDA\(name.uppercased())EXAMPLE01", "arn": "arn:aws:iam::\(account):user/\(name)",
         "accountId": account, "accessKeyId": key, "userName": name]
    }

    static func roleSession(role: String, roleID: String, session: String, key: String, created: String,
                            account: String = prod, sourceIdentity: String? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var context: [String: Any] = [
            "sessionIssuer": ["type": "Role", "principalId": roleID, "arn": "arn:aws:iam::\(account):role/\(role)",
                              "accountId": account, "userName": role],
            "attributes": ["creationDate": created, "mfaAuthenticated": "false"],
        ]
        if let sourceIdentity { context["sourceIdentity"] = sourceIdentity }
        for (k, v) in extra { context[k] = v }
        return ["type": "AssumedRole", "principalId": "\(roleID):\(session)",
                "arn": "arn:aws:sts::\(account):assumed-role/\(role)/\(session)", "accountId": account,
                "accessKeyId": key, "sessionContext": context]
    }

    static func assumeRole(_ tag: String, _ time: String, caller: [String: Any], role: String, roleID: String, session: String,
                           issuedKey: String, account: String = prod, error: String? = nil) -> [String: Any] {
        var r = base(tag, time, "sts.amazonaws.com", "AssumeRole", account: account)
        r["userIdentity"] = caller
        r["requestParameters"] = ["roleArn": "arn:aws:iam::\(account):role/\(role)", "roleSessionName": session]
        if let error {
            r["errorCode"] = error
            r["errorMessage"] = "not authorized to perform sts:AssumeRole"
        } else {
            r["responseElements"] = ["credentials": ["accessKeyId": issuedKey, "expiration": "Nov 20, 2026, 11:00:00 AM"],
                                     "assumedRoleUser": ["assumedRoleId": "\(roleID):\(session)",
                                                         "arn": "arn:aws:sts::\(account):assumed-role/\(role)/\(session)"]]
        }
        return r
    }

    static func call(_ tag: String, _ time: String, _ identity: [String: Any], name: String = "ListBuckets",
                     source: String = "s3.amazonaws.com", account: String = prod) -> [String: Any] {
        var r = base(tag, time, source, name, account: account)
        r["userIdentity"] = identity
        return r
    }
}

@Suite("Attribution: edge cases (spec §11)")
struct AttributionEdgeCaseTests {
    static var alice: [String: Any] { Rec.iamUser("alice", key: "AKIAEXAMPLEALICE0001") }

    /// A Dev user assumes ProdAdmin; the session lists buckets. Used by several tests.
    static func simpleChain() -> [[String: Any]] {
        [
            Rec.assumeRole("ar1", "2026-11-20T10:00:00Z", caller: alice, role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1",
                           session: "alice", issuedKey: "ASIAEXAMPLEISSUED001"),
            Rec.call("use1", "2026-11-20T10:01:00Z", Rec.roleSession(role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1", session: "alice",
                                                                    key: "ASIAEXAMPLEISSUED001", created: "2026-11-20T10:00:00Z")),
        ]
    }

    @Test("ASIA key reuse: the same key id in two sessions never links on the key alone")
    func asiaKeyReuse() throws {
        try withHarness { h in
            var records = Self.simpleChain()
            // An unrelated session, another role, reusing the same key id an hour later.
            records.append(Rec.call("reuse", "2026-11-20T11:30:00Z",
                                    Rec.roleSession(role: "Other", roleID: "AROAEXAMPLEOTHERROLE1", session: "x",
                                                    key: "ASIAEXAMPLEISSUED001", created: "2026-11-20T11:29:00Z")))
            try h.ingest([h.write("reuse.json", records: records)])
            #expect(try h.attribution(Rec.id("use1"))["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            let other = try h.attribution(Rec.id("reuse"))
            #expect(other["origin_type"] == "unknown")
            #expect(other["confidence"] == "none")
            #expect(other["reason"]?.contains("no AssumeRole") == true)
        }
    }

    @Test("Late AssumeRole: usage in one run, its AssumeRole in a later run, same result as together")
    func lateAssumeRole() throws {
        let records = Self.simpleChain()
        var together: [String] = []
        try withHarness { h in
            try h.ingest([h.write("all.json", records: records)])
            together = try h.snapshot()
        }
        try withHarness { h in
            try h.ingest([h.write("usage.json", records: [records[1]])])
            let before = try h.attribution(Rec.id("use1"))
            #expect(before["origin_type"] == "unknown")
            try h.ingest([h.write("late.json", records: [records[0]])])
            let after = try h.attribution(Rec.id("use1"))
            #expect(after["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(try h.snapshot() == together)
        }
    }

    @Test("Self-assume cycle: a role session assuming its own role is walked without looping")
    func selfAssumeCycle() throws {
        try withHarness { h in
            let s1 = Rec.roleSession(role: "Loop", roleID: "AROAEXAMPLELOOPROLE01", session: "s", key: "ASIAEXAMPLELOOPKEY01",
                                     created: "2026-11-20T09:00:00Z")
            let records: [[String: Any]] = [
                Rec.assumeRole("l0", "2026-11-20T09:00:00Z", caller: Self.alice, role: "Loop", roleID: "AROAEXAMPLELOOPROLE01",
                               session: "s", issuedKey: "ASIAEXAMPLELOOPKEY01"),
                // The session re-assumes its own role with the same session name.
                Rec.assumeRole("l1", "2026-11-20T09:10:00Z", caller: s1, role: "Loop", roleID: "AROAEXAMPLELOOPROLE01",
                               session: "s", issuedKey: "ASIAEXAMPLELOOPKEY02"),
                Rec.call("l2", "2026-11-20T09:11:00Z", Rec.roleSession(role: "Loop", roleID: "AROAEXAMPLELOOPROLE01", session: "s",
                                                                      key: "ASIAEXAMPLELOOPKEY02", created: "2026-11-20T09:10:00Z")),
            ]
            try h.ingest([h.write("loop.json", records: records)])
            let row = try h.attribution(Rec.id("l2"))
            #expect(row["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(row["chain_depth"] == "2")
        }
    }

    @Test("Self-assume loop in the data: the cycle guard stops and says so")
    func cycleGuard() throws {
        try withHarness { h in
            // Session S was (per the logs) issued by a call made from S itself.
            let s = Rec.roleSession(role: "Loop", roleID: "AROAEXAMPLELOOPROLE01", session: "s", key: "ASIAEXAMPLELOOPKEY01",
                                    created: "2026-11-20T09:00:00Z")
            let records: [[String: Any]] = [
                Rec.assumeRole("c0", "2026-11-20T09:00:00Z", caller: s, role: "Loop", roleID: "AROAEXAMPLELOOPROLE01",
                               session: "s", issuedKey: "ASIAEXAMPLELOOPKEY01"),
            ]
            try h.ingest([h.write("cycle.json", records: records)])
            let row = try h.attribution(Rec.id("c0"))
            #expect(row["origin_type"] == "unknown")
            #expect(row["reason"]?.contains("loops back") == true)
        }
    }

    @Test("A memo of one entry gives the same attribution, a three-session loop included")
    func boundedMemo() throws {
        try withHarness { h in
            // A → B → C → A: each session's credentials were (per the logs) issued by the next one,
            // plus a plain chain alice → D → E beside it.
            func session(_ role: String, _ n: Int, _ created: String) -> [String: Any] {
                Rec.roleSession(role: role, roleID: "AROAEXAMPLELOOP\(role)0000\(n)", session: role.lowercased(),
                                key: "ASIAEXAMPLELOOPKEY0\(n)", created: created)
            }
            let a = session("RoleA", 1, "2026-11-20T09:00:00Z"), b = session("RoleB", 2, "2026-11-20T09:01:00Z")
            let c = session("RoleC", 3, "2026-11-20T09:02:00Z"), d = session("RoleD", 4, "2026-11-20T09:03:00Z")
            func assume(_ tag: String, _ time: String, _ caller: [String: Any], _ role: String, _ n: Int) -> [String: Any] {
                Rec.assumeRole(tag, time, caller: caller, role: role, roleID: "AROAEXAMPLELOOP\(role)0000\(n)",
                               session: role.lowercased(), issuedKey: "ASIAEXAMPLELOOPKEY0\(n)")
            }
            let records: [[String: Any]] = [
                assume("m1", "2026-11-20T09:00:00Z", c, "RoleA", 1),
                assume("m2", "2026-11-20T09:01:00Z", a, "RoleB", 2),
                assume("m3", "2026-11-20T09:02:00Z", b, "RoleC", 3),
                assume("m4", "2026-11-20T09:03:00Z", Self.alice, "RoleD", 4),
                assume("m5", "2026-11-20T09:04:00Z", d, "RoleE", 5),
                Rec.call("m6", "2026-11-20T09:05:00Z", session("RoleE", 5, "2026-11-20T09:04:00Z")),
            ]
            try h.ingest([h.write("loops.json", records: records)])
            let unbounded = try h.snapshot()
            #expect(try h.attribution(Rec.id("m6"))["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(try h.attribution(Rec.id("m2"))["origin_type"] == "unknown")
            do {
                let db = try TrailDatabase.openForWriting(h.database)
                let attributor = Attributor(db)
                attributor.memoLimit = 1
                _ = try attributor.run()
            }
            #expect(try h.snapshot() == unbounded)
        }
    }

    @Test("A failed AssumeRole issues nothing")
    func failedAssumeRole() throws {
        try withHarness { h in
            let records: [[String: Any]] = [
                Rec.assumeRole("f0", "2026-11-20T09:00:00Z", caller: Self.alice, role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1",
                               session: "alice", issuedKey: "", error: "AccessDenied"),
                Rec.call("f1", "2026-11-20T09:00:30Z", Rec.roleSession(role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1", session: "alice",
                                                                      key: "ASIAEXAMPLEISSUED009", created: "2026-11-20T09:00:00Z")),
            ]
            try h.ingest([h.write("failed.json", records: records)])
            #expect(try h.attribution(Rec.id("f1"))["origin_type"] == "unknown")
            // The failed call itself is still attributed to its caller.
            let attempt = try h.attribution(Rec.id("f0"))
            #expect(attempt["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(attempt["error_code"] == "AccessDenied")
        }
    }

    @Test("EC2 and Lambda sessions resolve to the service without its AssumeRole, as a heuristic")
    func serviceHeuristics() throws {
        try withHarness { h in
            let ec2 = Rec.roleSession(role: "Web", roleID: "AROAEXAMPLEWEBROLE009", session: "i-0123456789abcdef0",
                                      key: "ASIAEXAMPLEEC2KEY001", created: "2026-11-20T08:00:00Z", extra: ["ec2RoleDelivery": "2.0"])
            var lambda = Rec.roleSession(role: "fn-role", roleID: "AROAEXAMPLELAMBDA0001", session: "resize-images",
                                         key: "ASIAEXAMPLELAMKEY001", created: "2026-11-20T08:00:00Z")
            lambda["inScopeOf"] = ["issuerType": "AWS::Lambda::Function",
                                   "credentialsIssuedTo": "arn:aws:lambda:us-east-1:444455556666:function:resize-images"]
            try h.ingest([h.write("svc.json", records: [Rec.call("ec2", "2026-11-20T08:05:00Z", ec2),
                                                        Rec.call("lam", "2026-11-20T08:05:00Z", lambda)])])
            let e = try h.attribution(Rec.id("ec2"))
            #expect(e["origin_type"] == "aws_service")
            #expect(e["origin_id"] == "ec2.amazonaws.com")
            #expect(e["origin_detail"] == "i-0123456789abcdef0")
            #expect(e["confidence"] == "heuristic")
            let l = try h.attribution(Rec.id("lam"))
            #expect(l["origin_id"] == "lambda.amazonaws.com")
            #expect(l["origin_detail"] == "resize-images")
            #expect(l["confidence"] == "heuristic")
        }
    }

    @Test("Source identity: inherited from the parent, and a conflicting child is surfaced")
    func sourceIdentityInheritanceAndConflict() throws {
        try withHarness { h in
            var first = Rec.assumeRole("s0", "2026-11-20T09:00:00Z", caller: Self.alice, role: "A", roleID: "AROAEXAMPLEROLEA00001",
                                       session: "a", issuedKey: "ASIAEXAMPLESIKEY0001")
            var request = try #require(first["requestParameters"] as? [String: Any])
            request["sourceIdentity"] = "alice"
            first["requestParameters"] = request
            let parent = Rec.roleSession(role: "A", roleID: "AROAEXAMPLEROLEA00001", session: "a", key: "ASIAEXAMPLESIKEY0001",
                                         created: "2026-11-20T09:00:00Z")
            let records: [[String: Any]] = [
                first,
                // The usage event of A does not show the source identity: status comes from the issuance.
                Rec.call("s1", "2026-11-20T09:01:00Z", parent),
                Rec.assumeRole("s2", "2026-11-20T09:02:00Z", caller: parent, role: "B", roleID: "AROAEXAMPLEROLEB00001",
                               session: "b", issuedKey: "ASIAEXAMPLESIKEY0002"),
                Rec.call("s3", "2026-11-20T09:03:00Z", Rec.roleSession(role: "B", roleID: "AROAEXAMPLEROLEB00001", session: "b",
                                                                      key: "ASIAEXAMPLESIKEY0002", created: "2026-11-20T09:02:00Z")),
                Rec.assumeRole("s4", "2026-11-20T09:04:00Z", caller: parent, role: "C", roleID: "AROAEXAMPLEROLEC00001",
                               session: "c", issuedKey: "ASIAEXAMPLESIKEY0003"),
                Rec.call("s5", "2026-11-20T09:05:00Z", Rec.roleSession(role: "C", roleID: "AROAEXAMPLEROLEC00001", session: "c",
                                                                      key: "ASIAEXAMPLESIKEY0003", created: "2026-11-20T09:04:00Z",
                                                                      sourceIdentity: "mallory")),
            ]
            try h.ingest([h.write("si.json", records: records)])
            #expect(try h.attribution(Rec.id("s1"))["source_identity_status"] == "issuance")
            let inherited = try h.attribution(Rec.id("s3"))
            #expect(inherited["source_identity"] == "alice")
            #expect(inherited["source_identity_status"] == "inherited")
            let conflict = try h.attribution(Rec.id("s5"))
            #expect(conflict["source_identity"] == "mallory")
            #expect(conflict["source_identity_status"] == "conflict")
        }
    }

    @Test("AWS service events and records without an identity get no credential session")
    func serviceEventsHaveNoSession() throws {
        try withHarness { h in
            var service = Rec.base("svc", "2026-11-20T09:00:00Z", "kms.amazonaws.com", "RotateKey")
            service["userIdentity"] = ["type": "AWSService", "invokedBy": "kms.amazonaws.com"]
            service["eventType"] = "AwsServiceEvent"
            let none = Rec.base("none", "2026-11-20T09:00:00Z", "ec2.amazonaws.com", "BidEvictedEvent")
            try h.ingest([h.write("svc.json", records: [service, none])])
            let s = try h.attribution(Rec.id("svc"))
            #expect(s["session_key"] == "svc:kms.amazonaws.com")
            #expect(s["origin_type"] == "aws_service")
            #expect(s["chain_depth"] == "0")
            let n = try h.attribution(Rec.id("none"))
            #expect(n["session_key"] == nil)
            #expect(n["origin_type"] == "unknown")
        }
    }

    @Test("Forward access sessions (invokedBy) stay with the human's session")
    func forwardAccessSession() throws {
        try withHarness { h in
            var records = Self.simpleChain()
            var fas = Rec.roleSession(role: "ProdAdmin", roleID: "AROAEXAMPLEPRODADMIN1", session: "alice",
                                      key: "ASIAEXAMPLEISSUED001", created: "2026-11-20T10:00:00Z")
            fas["invokedBy"] = "cloudformation.amazonaws.com"
            records.append(Rec.call("fas", "2026-11-20T10:02:00Z", fas, name: "CreateBucket"))
            try h.ingest([h.write("fas.json", records: records)])
            let row = try h.attribution(Rec.id("fas"))
            #expect(row["origin_id"] == "arn:aws:iam::111122223333:user/alice")
            #expect(row["via_service"] == "cloudformation.amazonaws.com")
        }
    }

    @Test("A role recreated with the same name is a different principal")
    func roleRecreated() throws {
        try withHarness { h in
            var records = Self.simpleChain()
            records.append(Rec.call("new", "2026-11-20T10:01:00Z",
                                    Rec.roleSession(role: "ProdAdmin", roleID: "AROAEXAMPLERECREATED1", session: "alice",
                                                    key: "ASIAEXAMPLEISSUED001", created: "2026-11-20T10:00:00Z")))
            try h.ingest([h.write("recreated.json", records: records)])
            #expect(try h.attribution(Rec.id("new"))["session_key"] != h.attribution(Rec.id("use1"))["session_key"])
        }
    }
}

@Suite("Attribution: order independence")
struct AttributionOrderTests {
    /// Every example set plus the sample logs' stories, as separate files.
    static func corpus(in h: AttributionHarness) throws -> [String] {
        var paths: [String] = []
        for name in ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"] {
            // One file per record, so that the order of files is the order of records.
            for (i, record) in try AttributionHarness.example(name).enumerated() {
                paths.append(try h.write("\(name)-\(i).json", records: [record]))
            }
        }
        return paths
    }

    @Test("Shuffled file orders and split runs give the identical attribution")
    func shuffledAndSplit() throws {
        var reference: [String] = []
        try withHarness { h in
            try h.ingest(Self.corpus(in: h))
            reference = try h.snapshot()
        }
        #expect(reference.count > 40)
        var generator = TS.SplitMix64(seed: 2026)
        for trial in 0..<4 {
            try withHarness { h in
                let paths = try Self.corpus(in: h).shuffled(using: &generator)
                if trial % 2 == 0 {
                    // One file per run: the strongest form of late arrival.
                    for path in paths { try h.ingest([path]) }
                } else {
                    let cut = paths.count / 3
                    try h.ingest(Array(paths[..<cut]))
                    try h.ingest(Array(paths[cut...]))
                }
                #expect(try h.snapshot() == reference, "trial \(trial)")
            }
        }
    }
}
