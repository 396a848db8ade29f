import Foundation
import Testing
@testable import TrailCore

/// `resource_events` and `resource-access`, which reads it. The table must hold
/// every resource with an ARN and its event's fields, however the events arrived, and the
/// query must give the rows of its former formulation over `resources` and the events
/// (Fixtures/reference-queries/resource-access.sql), also while the table lags the events.
@Suite("Store: resource_events and resource-access")
struct ResourceEventsTests {
    /// Every resource with an ARN, with its event's fields and the event's session now.
    static let fromResources = """
        SELECT r.arn, e.event_ts, e.event_id, r.position, e.id, e.event_time, coalesce(e.recipient_account_id, e.identity_account_id),
               e.event_source, e.event_name, e.error_code, e.session_id
        FROM resources r JOIN event_rows e ON e.id = r.event_row WHERE r.arn IS NOT NULL ORDER BY 1, 2, 3, 4
        """
    /// The same as stored, the session followed through event_links as the query follows it.
    static let stored = """
        SELECT x.arn, x.event_ts, x.event_id, x.position, x.event_row, x.event_time, x.account, x.event_source, x.event_name,
               x.error_code, coalesce(l.session_id, x.session_id)
        FROM resource_events x LEFT JOIN event_links l ON l.event_rowid = x.event_row ORDER BY 1, 2, 3, 4
        """
    /// Rows whose stored session is not the one the ingest gave the event.
    static let notIngestSession = """
        SELECT count(*) FROM resource_events x JOIN event_rows e ON e.id = x.event_row
        LEFT JOIN event_links l ON l.event_rowid = x.event_row
        WHERE x.session_id IS NOT coalesce(l.original_session_id, e.session_id)
        """

    static func expectComplete(_ db: Database, _ comment: Comment) throws {
        let rows = try db.rows(stored)
        #expect(!rows.isEmpty, comment)
        #expect(rows == (try db.rows(fromResources)), comment)
        #expect(try TS.count(db, notIngestSession) == 0, comment)
        #expect(try ResourceEvents.isCurrent(db), comment)
    }

    static let globs = ["arn:aws:s3:::*", "arn:aws:s3:::my-app-bucket/*", "arn:aws:iam::444455556666:role/ProdAdmin", "*", "arn:aws:iam::*",
                        "arn:aws:s3:::nothing-here/*"]
    static let extras: [[String: String]] = [[:], ["account": "444455556666"], ["event": "Get*"], ["errors_only": "true"]]

    /// resource-access against its reference for every glob, window and filter; returns how many
    /// rows were compared.
    @discardableResult
    static func expectAgrees(on runner: QueryRunner, _ label: String) throws -> Int {
        let query = try QueryFixture.builtIn.query(named: "resource-access")
        let reference = try ActivityRollupTests.referenceSQL("resource-access")
        var listed = 0
        for glob in globs {
            for window in [[:]] + ActivityRollupTests.windows {
                for extra in extras {
                    let arguments = window.merging(extra) { a, _ in a }.merging(["resource": glob]) { a, _ in a }
                    let named = try runner.run(query, arguments: arguments)
                    let plain = try QueryAggregateTests.reference(reference, like: "resource-access", arguments, on: runner)
                    #expect(named == plain, "\(label): \(arguments)")
                    listed += named.rows.count
                }
            }
        }
        #expect(listed > 50, "\(label): the comparisons compare rows, not only empty results")
        return listed
    }

    @Test("after the fixture's first load every resource is in resource_events, an owner's re-pointed copy included")
    func onFixture() throws {
        let db = try QueryFixture.open()
        try Self.expectComplete(db, "fixture")
        #expect(try TS.count(db, "SELECT count(*) FROM resource_events") == 20)
        // The role owner's copy of the cross-account AssumeRole names the role, and acts under the
        // caller's session through event_links, not the session stored with it.
        #expect(try TS.count(db, """
            SELECT count(*) FROM resource_events x JOIN event_links l ON l.event_rowid = x.event_row
            WHERE x.event_id = 'q-prod-001' AND l.session_id IS NOT x.session_id
            """) == 1)
        // resource_events replaced the ARN index.
        #expect(try TS.count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'resources_arn'") == 0)
    }

    @Test("resource-access agrees with its formulation over resources and the events, for every glob, window and filter")
    func agreesWhenCurrent() throws {
        try Self.expectAgrees(on: try QueryFixture.runner(), "current")
    }

    @Test("resource-access reads resource_events for what it covers")
    func readsTheTable() throws {
        try TS.withTempDir { dir in
            let path = try QueryFixture.copy(in: dir, named: "marked.db")
            try TrailDatabase.openForWriting(path).execute("UPDATE resource_events SET event_name = 'FromTheTable'")
            let runner = QueryRunner(database: try TS.openDB(path), now: QueryFixture.now)
            let result = try runner.run(try QueryFixture.builtIn.query(named: "resource-access"), arguments: ["resource": "*"])
            #expect(result.rows.count == 20)
            #expect(Set(result.project("event").map { $0[0] ?? "" }).allSatisfy { $0.hasSuffix(":FromTheTable") })
        }
    }

    @Test("while resource_events lags the events (an ingest in progress or interrupted), the rest is read from the events")
    func agreesWhenLagging() throws {
        try TS.withTempDir { dir in
            let path = try QueryFixture.copy(in: dir, named: "lagging.db")
            do {
                let writer = try TrailDatabase.openForWriting(path)
                // As if the last ten events had been committed and the append not run yet.
                try writer.execute("""
                    UPDATE resource_events_state SET max_event_rowid = max_event_rowid - 10;
                    DELETE FROM resource_events WHERE event_row > (SELECT max_event_rowid FROM resource_events_state)
                    """)
                #expect(try !ResourceEvents.isCurrent(writer))
                #expect(try TS.count(writer, "SELECT count(*) FROM resource_events") < 20)
            }
            let runner = QueryRunner(database: try TS.openDB(path), now: QueryFixture.now)
            try Self.expectAgrees(on: runner, "lagging")
            #expect(try runner.run(try QueryFixture.builtIn.query(named: "resource-access"), arguments: ["resource": "*"]).rows.count == 20)

            // The next ingest appends what is missing, even with nothing new to load.
            try TS.ingest([QueryFixture.directory.path], into: path, options: TS.testOptions(attribute: true))
            try Self.expectComplete(try TS.openDB(path), "caught up")
        }
    }

    @Test("ingests file by file append each file's resources; a later file's owner copy is re-pointed through event_links")
    func incrementalIngests() throws {
        try TS.withTempDir { dir in
            let path = dir.file("incremental.db")
            let files = try FileManager.default.subpathsOfDirectory(atPath: QueryFixture.directory.path)
                .filter { $0.hasSuffix(".json") }.sorted()
            #expect(files.count == 2)
            for file in files {
                try TS.ingest([QueryFixture.directory.appendingPathComponent(file).path], into: path, options: TS.testOptions(attribute: true))
                try Self.expectComplete(try TS.openDB(path), "after \(file)")
            }
            let db = try TS.openDB(path)
            #expect(try TS.count(db, "SELECT count(*) FROM resource_events x JOIN event_links l ON l.event_rowid = x.event_row") == 1)
            try Self.expectAgrees(on: QueryRunner(database: db, now: QueryFixture.now), "file by file")
        }
    }

    @Test("a resource without an ARN is left out; ARNs are kept byte for byte, and the record's order is kept")
    func oddResources() throws {
        try TS.withTempDir { dir in
            let db = dir.file("odd.db")
            let resources: [[String: Any]] = [
                ["type": "AWS::S3::Object", "ARN": "arn:aws:s3:::bücket/ключ/%2F 1.txt"],
                ["type": "AWS::S3::Bucket"],
                ["type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::bücket", "accountId": "111122223333"],
            ]
            let first = dir.write(TS.s3Key(name: "one"), TS.recordsFile([
                TS.record(id: "odd-1", name: "GetObject", overrides: ["resources": resources, "eventSource": "s3.amazonaws.com"]),
                TS.record(id: "odd-2", time: "2026-11-20T09:00:00Z", name: "GetObject",
                          overrides: ["resources": [resources[0]], "eventSource": "s3.amazonaws.com", "errorCode": "AccessDenied"]),
            ]))
            try TS.ingest([first], into: db, options: TS.testOptions(attribute: true))
            let opened = try TS.openDB(db)
            try Self.expectComplete(opened, "odd resources")
            #expect(try TS.count(opened, "SELECT count(*) FROM resources") == 4)
            #expect(try TS.count(opened, "SELECT count(*) FROM resource_events") == 3)
            let runner = QueryRunner(database: opened, now: QueryFixture.now)
            let query = try QueryFixture.builtIn.query(named: "resource-access")
            let result = try runner.run(query, arguments: ["resource": "arn:aws:s3:::bücket*"])
            #expect(result.project("event_id", "resource", "error") == [
                ["odd-2", "arn:aws:s3:::bücket/ключ/%2F 1.txt", "AccessDenied"],
                ["odd-1", "arn:aws:s3:::bücket/ключ/%2F 1.txt", nil],
                ["odd-1", "arn:aws:s3:::bücket", nil],
            ])
            let reference = try ActivityRollupTests.referenceSQL("resource-access")
            #expect(result == (try QueryAggregateTests.reference(reference, like: "resource-access", ["resource": "arn:aws:s3:::bücket*"], on: runner)))
        }
    }
}
