import Foundation
import Testing
@testable import TrailCore

@Suite("Query: headers, catalog, parameters")
struct QueryCatalogTests {
    static let header = """
        -- name: my-query
        -- description: What it answers
        -- Free text in the header is ignored.
        -- param: role pattern required Role name or ARN
        -- param: since time default 7d Start of the window
        -- param: limit int default "20" At most this many
        -- param: flag bool optional
        -- example: trail query my-query --role ProdAdmin

        SELECT :role AS role, :since AS since, :limit AS lim, :flag AS flag;
        """

    @Test("a header written with Windows line ends (CRLF) reads the same")
    func crlfHeader() throws {
        let unix = try QueryHeaderParser.parse(Self.header, fileName: "my-query.sql", source: "/tmp/q/my-query.sql")
        let windows = try QueryHeaderParser.parse(Self.header.replacingOccurrences(of: "\n", with: "\r\n"),
                                                  fileName: "my-query.sql", source: "/tmp/q/my-query.sql")
        #expect(windows.name == unix.name && windows.description == unix.description)
        #expect(windows.parameters == unix.parameters && windows.examples == unix.examples)
        #expect(windows.parameters.count == 4)
    }

    @Test("a header is parsed into name, description, typed parameters and examples")
    func parseHeader() throws {
        let query = try QueryHeaderParser.parse(Self.header, fileName: "other-name.sql", source: "/tmp/q/other-name.sql")
        #expect(query.name == "my-query")
        #expect(query.description == "What it answers")
        #expect(query.examples == ["trail query my-query --role ProdAdmin"])
        #expect(query.parameters == [
            QueryParameter(name: "role", type: .pattern, requirement: .required, help: "Role name or ARN"),
            QueryParameter(name: "since", type: .time, requirement: .defaultValue("7d"), help: "Start of the window"),
            QueryParameter(name: "limit", type: .int, requirement: .defaultValue("20"), help: "At most this many"),
            QueryParameter(name: "flag", type: .bool, requirement: .optional, help: ""),
        ])
        #expect(query.usage == "--role <pattern> [--since <time>] [--limit <int>] [--flag <bool>]")
        // Without a name line, the file name gives it.
        let unnamed = try QueryHeaderParser.parse("-- description: d\nSELECT 1", fileName: "from-file.sql", source: "x")
        #expect(unnamed.name == "from-file")
        #expect(try QueryHeaderParser.parse("-- name: cis-4.1-x\n-- description: d\nSELECT 1", fileName: "c.sql", source: "x").name == "cis-4.1-x")
    }

    static let brokenHeaderCases: [(String, String)] = [
        ("-- name: q\nSELECT 1", "description"),
        ("-- description: d\n-- param: role txt required\nSELECT 1", "unknown type 'txt'"),
        ("-- description: d\n-- param: role text\nSELECT 1", "required, optional or default"),
        ("-- description: d\n-- param: n int default ten\nSELECT 1", "default of 'n'"),
        ("-- description: d\n-- param: Role text required\nSELECT 1", "lowercase"),
        ("-- description: d\n-- param: a text required\n-- param: a int optional\nSELECT 1", "declared twice"),
        ("-- name: Bad_Name\n-- description: d\nSELECT 1", "lowercase letters"),
    ]

    @Test("broken headers are refused with the line and the reason", arguments: brokenHeaderCases)
    func brokenHeaders(text: String, expected: String) {
        #expect {
            _ = try QueryHeaderParser.parse(text, fileName: "q.sql", source: "/x/q.sql")
        } throws: { error in
            guard let error = error as? QueryError, case .invalidDefinition = error else { return false }
            return error.description.contains(expected) && error.exitStatus == .queryError
        }
    }

    @Test("user folders win over built-in queries; broken files are reported, not fatal")
    func userFolders() throws {
        let first = try QueryScratch(), second = try QueryScratch()
        defer { first.remove(); second.remove() }
        try first.write("who-assumed-role.sql", "-- description: mine\nSELECT 'mine' AS who;")
        try first.write("broken.sql", "-- description: d\n-- param: x nonsense required\nSELECT :x;")
        try first.write("notes.txt", "not a query")
        try second.write("who-assumed-role.sql", "-- description: second folder\nSELECT 'second' AS who;")
        try second.write("extra.sql", "-- name: extra\n-- description: extra one\nSELECT 1 AS one;")

        let directories = QueryCatalog.userDirectories(explicit: [first.path], environment: ["TRAIL_QUERIES": second.path + ":/nonexistent/trail-queries"])
        #expect(directories == [first.path, second.path, "/nonexistent/trail-queries"])
        let catalog = QueryCatalog.load(userDirectories: directories)
        let mine = try catalog.query(named: "who-assumed-role")
        #expect(mine.description == "mine")
        #expect(mine.source.hasSuffix("who-assumed-role.sql") && !mine.isBuiltIn)
        #expect(try catalog.query(named: "extra").description == "extra one")
        #expect(try catalog.query(named: "top-talkers").isBuiltIn)
        #expect(catalog.problems.count == 2)
        #expect(catalog.problems.contains { $0.contains("broken.sql:2") && $0.contains("nonsense") })
        #expect(catalog.problems.contains { $0.contains("/nonexistent/trail-queries") })
        #expect(throws: QueryError.self) { try catalog.query(named: "broken") }
        let result = try QueryRunner(database: try QueryFixture.open()).run(mine, arguments: [:])
        #expect(result.project("who") == [["mine"]])
    }

    @Test("an unknown query name is a query error with suggestions")
    func unknownQuery() {
        #expect {
            _ = try QueryFixture.builtIn.query(named: "who-asumed-role")
        } throws: { error in
            guard let error = error as? QueryError, case .unknownQuery(_, let suggestions) = error else { return false }
            return suggestions == ["who-assumed-role"] && error.exitStatus == .queryError && error.description.contains("--list")
        }
    }

    @Test("parameters: missing, unknown, badly typed, and - or _ in names")
    func parameterErrors() throws {
        let runner = try QueryFixture.runner()
        let query = try QueryHeaderParser.parse(Self.header, fileName: "my-query.sql", source: "x")
        #expect(throws: QueryError.missingParameter(query: "my-query", parameter: "role")) { try runner.run(query, arguments: [:]) }
        #expect(throws: QueryError.unknownParameter(query: "my-query", parameter: "rol", accepted: ["role", "since", "limit", "flag"])) {
            try runner.run(query, arguments: ["role": "x", "rol": "y"])
        }
        #expect(throws: QueryError.self) { try runner.run(query, arguments: ["role": "x", "limit": "many"]) }
        #expect(throws: QueryError.self) { try runner.run(query, arguments: ["role": "x", "since": "yesterday"]) }
        #expect(throws: QueryError.self) { try runner.run(query, arguments: ["role": "x", "flag": "maybe"]) }
        let result = try runner.run(query, arguments: ["role": "Prod_*", "flag": "yes"])
        #expect(result.rows == [[.text("Prod\\_%"), .integer(QueryFixture.now - 7 * 86_400), .integer(20), .integer(1)]])
        let named = try QueryFixture.run("top-talkers", ["errors-only": "true"])
        #expect(named.column("origin_id") == ["arn:aws:iam::111122223333:user/alice", "936482017355"])
    }

    @Test("a query whose SQL and header disagree is reported as a broken definition")
    func definitionChecks() throws {
        let runner = try QueryFixture.runner()
        let undeclared = try QueryHeaderParser.parse("-- description: d\nSELECT :who;", fileName: "u.sql", source: "/q/u.sql")
        #expect(throws: QueryError.invalidDefinition(source: "/q/u.sql", message: "the SQL uses :who but the header declares no such parameter")) {
            try runner.run(undeclared, arguments: [:])
        }
        let unused = try QueryHeaderParser.parse("-- description: d\n-- param: who text optional\nSELECT 1;", fileName: "v.sql", source: "/q/v.sql")
        #expect(throws: QueryError.invalidDefinition(source: "/q/v.sql", message: "the header declares 'who' but the SQL never uses :who")) {
            try runner.run(unused, arguments: [:])
        }
        let anonymous = try QueryHeaderParser.parse("-- description: d\nSELECT ?;", fileName: "w.sql", source: "/q/w.sql")
        #expect(throws: QueryError.self) { try runner.run(anonymous, arguments: [:]) }
    }

    @Test("wildcards: * and % match anything, _ ? [ are literal")
    func wildcards() throws {
        #expect(WildcardPattern.like("order_processor*") == "order\\_processor%")
        #expect(WildcardPattern.like("a%b\\c") == "a%b\\\\c")
        #expect(WildcardPattern.glob("arn:aws:s3:::b/k?[1]*") == "arn:aws:s3:::b/k[?][[]1]*")
        #expect(WildcardPattern.glob("203.0.113.%") == "203.0.113.*")
        #expect(ServiceName.normalize("s3") == "s3.amazonaws.com")
        #expect(ServiceName.normalize("S3.amazonaws.com") == "s3.amazonaws.com")
        #expect(ServiceName.normalize(" ") == nil)
    }
}
