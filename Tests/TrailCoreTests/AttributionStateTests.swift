import Foundation
import Testing
@testable import TrailCore

// Events committed without an attribution (a run that stopped before it, or one told to skip
// it) show origin `unknown`; the database records how far the attribution got, the commands
// say so, and the next ingest catches up even with no new files.

private func trail(_ arguments: [String], in directory: String) throws -> TS.ProcessOutput {
    let executable = try #require(TS.trailExecutable, "the trail executable was not found; build it with `swift build` before `swift test`")
    var environment = ProcessInfo.processInfo.environment
    environment["TRAIL_DB"] = nil
    return try TS.runProcess(executable, arguments, environment: environment, currentDirectory: directory)
}

/// A user's AssumeRole and three calls under the role it issued: attributed, the calls have
/// the user as origin; not attributed, `unknown`.
private func writeRoleStory(_ dir: TS.TempDir) -> String {
    let role = "arn:aws:iam::111122223333:role/Deploy"
    let assume = TS.record(id: "story-assume", time: "2026-11-20T09:59:00Z", name: "AssumeRole", overrides: [
        "eventSource": "sts.amazonaws.com",
        "requestParameters": ["roleArn": role, "roleSessionName": "alice-deploy"],
        "responseElements": ["credentials": ["accessKeyId": "ASIASTORYKEY", "expiration": "Nov 20, 2026, 10:59:00 PM",
                                             "sessionToken": "token"],
                             "assumedRoleUser": ["assumedRoleId": "AROASTORY:alice-deploy",
                                                 "arn": "arn:aws:sts::111122223333:assumed-role/Deploy/alice-deploy"]],
    ])
    let calls = (0..<3).map { i in
        TS.record(id: "story-call-\(i)", time: "2026-11-20T10:0\(i):00Z", name: "DescribeInstances", overrides: [
            "userIdentity": [
                "type": "AssumedRole", "principalId": "AROASTORY:alice-deploy",
                "arn": "arn:aws:sts::111122223333:assumed-role/Deploy/alice-deploy", "accountId": "111122223333",
                "accessKeyId": "ASIASTORYKEY",
                "sessionContext": ["sessionIssuer": ["type": "Role", "principalId": "AROASTORY", "arn": role,
                                                     "accountId": "111122223333", "userName": "Deploy"],
                                   "attributes": ["creationDate": "2026-11-20T09:59:00Z", "mfaAuthenticated": "false"]],
            ] as [String: Any],
        ])
    }
    return dir.writeGzip(TS.s3Key(name: "story"), TS.recordsFile([assume] + calls))
}

@Suite("Attribution state")
struct AttributionStateTests {
    @Test("the warning names the events left behind, with thousands grouped, and what to run")
    func warningText() {
        var state = AttributionState()
        #expect(state.warning == nil)
        state.eventsBehind = 20_200
        #expect(state.warning == "attribution has not run over 20,200 events; run trail ingest again (no new files needed) to attribute them")
        state.deferred = true
        #expect(state.warning?.contains("--no-attribution") == true)
        #expect(AttributionState.grouped(1_234_567) == "1,234,567" && AttributionState.grouped(999) == "999")
    }

    @Test("an ingest without attribution leaves the state behind; commands say so on stderr, stats shows it; the next ingest, no new files, catches up")
    func behindThenCaughtUp() throws {
        try TS.withTempDir { dir in
            writeRoleStory(dir)
            // Stops before attribution, as a first load that failed on a full disk would.
            let first = try TS.ingest([dir.file("AWSLogs")], into: dir.database, options: TS.testOptions(attribute: false))
            #expect(first.eventsNew == 4 && first.attribution == nil)
            let db = try TS.openDB(dir.database)
            let state = try AttributionState.load(db)
            #expect(state.eventsBehind == 4 && state.coveredThroughRow == 0 && state.attributedAt == nil && state.deferred)

            let who = try trail(["query", "--sql", "SELECT origin_type, count(*) FROM event_attribution GROUP BY 1",
                                 "--format", "csv", "--db", dir.database], in: dir.path)
            #expect(who.status == 0)
            let warnings = who.stderrText.split(separator: "\n")
            #expect(warnings == ["trail: attribution has not run over 4 events (ingested with --no-attribution); run trail ingest without it (no new files needed) to attribute them"])
            let stats = try trail(["stats", "--db", dir.database], in: dir.path)
            #expect(stats.stdoutText.contains("attributed: 4 events not attributed (never run; ingested with --no-attribution)"))
            let statsJSON = try trail(["stats", "--json", "--db", dir.database], in: dir.path)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(statsJSON.stdout)) as? [String: Any])
            let attribution = try #require(object["attribution"] as? [String: Any])
            #expect(attribution["eventsBehind"] as? Int == 4 && attribution["deferred"] as? Bool == true)

            // The catch-up: the same tree, every file unchanged, and still an attribution.
            let ingest = try trail(["ingest", "--quiet", "--db", dir.database, dir.file("AWSLogs")], in: dir.path)
            #expect(ingest.status == 0, "\(ingest.stderrText)")
            let after = try AttributionState.load(db)
            #expect(after.eventsBehind == 0 && after.coveredThroughRow > 0 && after.attributedAt != nil && !after.deferred)
            #expect(try TS.count(db, "SELECT count(*) FROM event_attribution WHERE event_id LIKE 'story-call-%' AND origin_type = 'iam_user'") == 3)
            let again = try trail(["query", "--sql", "SELECT count(*) FROM events", "--db", dir.database], in: dir.path)
            #expect(again.status == 0 && again.stderrText.isEmpty)
            #expect(try trail(["stats", "--db", dir.database], in: dir.path).stdoutText.contains("attributed: all events (last run "))
        }
    }

    @Test("events added after an attribution are counted from its mark")
    func behindAfterAnEarlierRun() throws {
        try TS.withTempDir { dir in
            dir.writeGzip(TS.s3Key(name: "one"), TS.recordsFile(TS.records("one", 2)))
            try TS.ingest([dir.file("AWSLogs")], into: dir.database, options: TS.testOptions(attribute: true))
            let db = try TS.openDB(dir.database)
            let mark = try AttributionState.load(db)
            #expect(mark.eventsBehind == 0 && mark.coveredThroughRow > 0)
            dir.writeGzip(TS.s3Key(name: "two"), TS.recordsFile(TS.records("two", 3)))
            try TS.ingest([dir.file("AWSLogs")], into: dir.database, options: TS.testOptions(attribute: false))
            let behind = try AttributionState.load(db)
            #expect(behind.eventsBehind == 3 && behind.coveredThroughRow == mark.coveredThroughRow && behind.attributedAt == mark.attributedAt)
        }
    }
}
