import Foundation
import Testing
@testable import TrailCore

/// The query and investigation commands end to end: exit codes, stdout/stderr, options.
@Suite("Query: the trail commands", .enabled(if: QueryCLI.executable != nil, "the trail executable is not built"))
struct QueryCLITests {
    static var db: String { QueryFixture.databasePath }

    @Test("named queries take --NAME VALUE, --NAME=VALUE and -p NAME=VALUE")
    func dynamicParameters() throws {
        for arguments in [["--role", "ProdAdmin"], ["--role=ProdAdmin"], ["-p", "role=ProdAdmin"]] {
            let out = try QueryCLI.run(["query", "who-assumed-role"] + arguments + ["--db", Self.db, "--format", "csv"])
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            let records = try parseCSV(out.stdout)
            #expect(records.count == 2 && records[1][2] == "arn:aws:iam::111122223333:user/alice")
        }
        let filtered = try QueryCLI.run(["query", "identity-activity", "--identity", "alice", "--errors-only", "--service", "s3",
                                         "--db", Self.db, "--format", "jsonl"])
        #expect(filtered.status == 0)
        #expect(filtered.stdout.split(separator: "\n").count == 2)
    }

    @Test("exit 4: unknown query, missing or unknown parameter, filter a query does not take, bad value")
    func queryErrors() throws {
        let cases: [[String]] = [
            ["query", "no-such-query"],
            ["query", "who-assumed-role"],
            ["query", "who-assumed-role", "--role", "ProdAdmin", "--colour", "red"],
            ["query", "console-logins", "--region", "us-east-1"],
            ["query", "top-talkers", "--limit", "many"],
            ["query", "top-talkers", "--since", "last tuesday"],
            ["query", "who-assumed-role", "--role"],
            ["who", "ProdAdmin", "--since", "soon"],
        ]
        for arguments in cases {
            let out = try QueryCLI.run(arguments + ["--db", Self.db])
            #expect(out.status == 4, "\(arguments): \(out.status) \(out.stderr)")
            #expect(out.stderr.hasPrefix("trail: ") && out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
            #expect(out.stdout.isEmpty)
        }
    }

    @Test("exit 4: writes through --sql, with a one-line message")
    func sqlWrites() throws {
        for sql in ["INSERT INTO events(event_id) VALUES ('x')", "DROP TABLE events", "ATTACH ':memory:' AS x",
                    "PRAGMA writable_schema = ON", "SELECT load_extension('x')"] {
            let out = try QueryCLI.run(["query", "--sql", sql, "--db", Self.db])
            #expect(out.status == 4, "\(sql): \(out.stderr)")
            #expect(out.stderr.contains("not allowed") && out.stderr.split(separator: "\n").count == 1)
        }
        let ok = try QueryCLI.run(["query", "--sql", "SELECT count(*) AS n FROM events", "--db", Self.db, "--format", "json"])
        #expect(ok.status == 0 && ok.stdout == "[\n  {\"n\":23}\n]\n")
    }

    @Test("exit 3: no database; exit 5: nothing matches, who and did included, with the empty output still printed")
    func exitCodes() throws {
        let missing = try QueryCLI.run(["query", "top-talkers", "--db", "/nonexistent/trail.db"])
        #expect(missing.status == 3 && missing.stderr.contains("no trail database"))
        #expect(try QueryCLI.run(["who", "ProdAdmin", "--db", "/nonexistent/trail.db"]).status == 3)
        for arguments in [["explain", "no-such-event"], ["session", "no-such-session"], ["key", "AKIAFIXTURENOBODY001"]] {
            let out = try QueryCLI.run(arguments + ["--db", Self.db])
            #expect(out.status == 5, "\(arguments): \(out.stderr)")
        }
        let empty = try QueryCLI.run(["did", "mallory", "--db", Self.db])
        #expect(empty.status == 5 && empty.stdout.isEmpty && empty.stderr.contains("(no rows)"), "\(empty.status) \(empty.stderr)")
        let emptyJSON = try QueryCLI.run(["did", "mallory", "--db", Self.db, "--format", "json"])
        #expect(emptyJSON.status == 5 && emptyJSON.stdout == "[]\n", "\(emptyJSON.status)")
        let nobody = try QueryCLI.run(["who", "NoSuchRole", "--db", Self.db, "--format", "json"])
        #expect(nobody.status == 5 && nobody.stdout == "[]\n", "\(nobody.status) \(nobody.stderr)")
        // A role that exists, but no event of it in the window, is no match either.
        let window = try QueryCLI.run(["who", "ProdAdmin", "--db", Self.db, "--since", "2030-01-01"])
        #expect(window.status == 5, "\(window.status) \(window.stderr)")
        // A query with no rows is an answer, not a miss.
        #expect(try QueryCLI.run(["query", "--sql", "SELECT 1 WHERE 0", "--db", Self.db]).status == 0)
    }

    @Test("investigations print their data on stdout in each format")
    func investigations() throws {
        let who = try QueryCLI.run(["who", "ProdAdmin", "--db", Self.db, "--format", "json"])
        #expect(who.status == 0 && who.stderr.contains("failed AssumeRole"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(who.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["origin"] as? String == "arn:aws:iam::111122223333:user/alice")

        let session = try QueryCLI.run(["session", "alice-prod", "--db", Self.db, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(session.stdout.utf8)) as? [String: Any])
        #expect((object["events"] as? [Any])?.count == 4 && (object["chain"] as? [Any])?.count == 3)

        let explain = try QueryCLI.run(["explain", "q-prod-005", "--db", Self.db, "--width", "0"])
        #expect(explain.status == 0 && explain.stdout.contains("== links ==") && explain.stdout.contains("L1 key+arn+time"))
        let narrow = try QueryCLI.run(["explain", "q-prod-005", "--db", Self.db, "--width", "100"])
        #expect(narrow.status == 0 && narrow.stdout.contains("…"))
        for line in narrow.stdout.split(separator: "\n") { #expect(line.count <= 100) }

        let key = try QueryCLI.run(["key", "AKIAFIXTUREALICE0001", "--db", Self.db, "--format", "csv"])
        #expect(key.status == 0 && key.stdout.contains("q-dev-006"))

        let did = try QueryCLI.run(["did", "alice", "--db", Self.db], environment: ["COLUMNS": "70"])
        for line in did.stdout.split(separator: "\n") { #expect(line.count <= 70) }
    }

    @Test("--list, --show, user folders from --queries and $TRAIL_QUERIES")
    func catalog() throws {
        let list = try QueryCLI.run(["query", "--list", "--format", "csv"])
        #expect(list.status == 0)
        #expect(QueryNamedTests.shipped.isSubset(of: Set(try parseCSV(list.stdout).dropFirst().map { $0[0] })))

        let show = try QueryCLI.run(["query", "resource-access", "--show"])
        #expect(show.status == 0 && show.stdout.hasPrefix("-- name: resource-access"))

        let folder = try QueryScratch()
        defer { folder.remove() }
        try folder.write("top-talkers.sql", "-- description: overridden\nSELECT 'mine' AS who;")
        try folder.write("role-count.sql", "-- description: sessions per role\n-- param: role pattern optional\nSELECT count(*) AS n FROM sessions WHERE :role IS NULL OR role_name LIKE :role ESCAPE '\\';")
        for (arguments, environment) in [(["--queries", folder.path], [String: String]()), ([], ["TRAIL_QUERIES": "/nonexistent:" + folder.path])] {
            let mine = try QueryCLI.run(["query", "top-talkers", "--db", Self.db, "--format", "csv"] + arguments, environment: environment)
            #expect(mine.status == 0 && mine.stdout == "who\r\nmine\r\n", "\(mine.stderr)")
            let count = try QueryCLI.run(["query", "role-count", "--role", "prod*", "--db", Self.db, "--format", "csv"] + arguments, environment: environment)
            #expect(count.stdout == "n\r\n1\r\n")
        }
    }

    @Test("schema lists tables and views, with or without a database")
    func schema() throws {
        let withDB = try QueryCLI.run(["schema", "--db", Self.db])
        #expect(withDB.status == 0 && withDB.stdout.contains("event_attribution (view)") && withDB.stdout.contains("sessions (table)"))
        let blank = try QueryCLI.run(["schema", "--db", "/nonexistent/trail.db", "--format", "csv"])
        #expect(blank.status == 0 && blank.stderr.contains("no database"))
        #expect(try parseCSV(blank.stdout).contains { $0.count == 5 && $0[0] == "sessions" && $0[2] == "origin_type" })
        let sql = try QueryCLI.run(["schema", "--sql", "--db", Self.db])
        #expect(sql.stdout.contains("CREATE VIEW event_attribution"))
    }
}
