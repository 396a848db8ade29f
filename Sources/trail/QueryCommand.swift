import ArgumentParser
import Foundation
import TrailCore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a named query, or one read-only SQL statement of your own.",
        discussion: """
        Named queries are .sql files whose header names them and declares their parameters; \
        `trail query --list` shows them and `trail query NAME --show` prints one. Give parameters \
        after the name as --NAME VALUE (or --NAME=VALUE), or as -p NAME=VALUE; a parameter \
        written with _ (errors_only) is also accepted with - (--errors-only). --since, --until, \
        --account, --region, --service, --event and --errors-only go to the query's parameter of \
        that name, and are refused by a query that has none. Values are bound to :NAME \
        placeholders, never pasted into the SQL.

        Parameter types: text; pattern and glob (a name or ARN, * or % match anything, nothing \
        else is special); int; bool (true/false); service (s3 or s3.amazonaws.com); time \
        (ISO-8601, a date, @UNIX_SECONDS, now, or 90m / 24h / 7d / 2w ago).

        The built-in queries are compiled into trail. Your own folders of .sql files are \
        searched first, so a file of yours replaces a built-in query of the same name: each \
        --queries DIR, then $TRAIL_QUERIES (both may list several folders separated by :). \
        A query file starts with:
          -- name: my-query
          -- description: One line saying what it answers
          -- param: role pattern required Role name or ARN
          -- param: since time default 7d Start of the window
          -- param: limit int optional At most this many rows
          -- example: trail query my-query --role ProdAdmin

        --sql runs one statement on a read-only connection that also refuses writes, ATTACH, \
        DETACH, pragmas that change settings and extensions (exit 4). -p NAME=VALUE binds :NAME \
        as text. `trail schema` lists the tables and views; start from the event_attribution \
        view and the sessions table.

        Rows are printed as they are read: json, jsonl and csv are always complete; a table at \
        a terminal shows the first \(RowStreamWriter.tableWindow) rows (--limit N, 0 for all) and says on \
        stderr how many it left out. A statement stops after --timeout seconds (default 60, 0 \
        for none) or when SQLite's memory passes --max-memory MB (default 2048, 0 for none); \
        Ctrl-C stops it too.

        Exit codes: 0 the query ran (even with no rows), 3 database missing or unreadable, \
        4 unknown query, bad parameter or bad SQL, 6 standard output could not be written, \
        7 stopped by --timeout or --max-memory, 130 interrupted (Ctrl-C).

        Examples:
          trail query --list
          trail query who-assumed-role --role ProdAdmin
          trail query identity-activity -p identity=alice --since 7d --format csv
          trail query resource-access --resource 'arn:aws:s3:::my-app-bucket/*'
          trail query source-ip-activity --ip 203.0.113.77 --format json
          trail query --sql "SELECT role_name, count(*) FROM sessions GROUP BY 1"
          trail query --sql "SELECT * FROM event_attribution WHERE role_name = :r" -p r=ProdAdmin
          TRAIL_QUERIES=~/trail-queries trail query my-query
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The named query to run (see --list).", valueName: "name"))
    var name: String?

    @Flag(help: "List the named queries: name, parameters, description, where each comes from.")
    var list = false

    @Flag(help: "Print the named query's file (header and SQL) instead of running it.")
    var show = false

    @Option(help: ArgumentHelp("Run this SQL statement instead of a named query (read-only).", valueName: "statement"))
    var sql: String?

    @Option(name: [.customShort("p"), .customLong("param")],
            help: ArgumentHelp("A parameter as NAME=VALUE; repeat for more.", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .customLong("queries"),
            help: ArgumentHelp("A folder of your own .sql queries (repeatable; : separates several), searched before $TRAIL_QUERIES and the built-in ones.",
                               valueName: "dir"))
    var queryFolders: [String] = []

    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: QueryLimitOptions

    @Option(help: ArgumentHelp("Show at most this many rows in a table, 0 for all (default: \(RowStreamWriter.tableWindow) at a terminal, else all); json, jsonl and csv are always complete. A query with a limit parameter gets it instead.",
                               valueName: "n"))
    var limit: String?

    /// `--role ProdAdmin` and friends: the query's own parameters, which the parser cannot know.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The query's parameters as --NAME VALUE.", visibility: .hidden))
    var queryParameters: [String] = []

    func validate() throws {
        let modes = [list, sql != nil, name != nil].filter { $0 }.count
        if modes == 0 { throw ValidationError("give a query name, --list, or --sql STATEMENT") }
        if list && (sql != nil || name != nil) { throw ValidationError("--list takes no query name or --sql") }
        if sql != nil && name != nil { throw ValidationError("give either a query name or --sql, not both") }
        if show && name == nil { throw ValidationError("--show needs a query name") }
    }

    func run() throws {
        let interruption = limits.start()
        do {
            let environment = ProcessInfo.processInfo.environment
            let catalog = QueryCatalog.load(userDirectories: QueryCatalog.userDirectories(explicit: queryFolders, environment: environment))
            for problem in catalog.problems { printError("warning: \(problem)") }
            if list {
                try output.emit(Report(catalog.listing))
                return
            }
            var arguments = try parameterArguments()
            // Checked here, not by the parser: a query's own limit parameter checks its value
            // itself (exit 4 for a bad one, as for any parameter).
            func tableLimit() throws -> Int? {
                guard let limit else { return nil }
                guard let n = Int(limit), n >= 0 else { throw QueryError.invalidValue(parameter: "--limit", value: limit, expected: "a number of rows, 0 for all") }
                return n
            }
            if let sql {
                guard filters.queryArguments.isEmpty else {
                    throw QueryError.invalidValue(parameter: "--since/--until/--account/--region/--service/--event/--errors-only",
                                                  value: "with --sql", expected: "placeholders in the SQL, bound with -p NAME=VALUE")
                }
                let db = try database.openForReading()
                interruption.attach(db)
                try output.stream(limit: try tableLimit()) { writer in
                    try QueryRunner(database: db, now: currentUnixTime).stream(sql: sql, textBindings: arguments, to: writer)
                }
                return
            }
            guard let name else { return }
            let query = try catalog.query(named: name)
            if show {
                try writeOutput(query.sql.hasSuffix("\n") ? query.sql : query.sql + "\n")
                return
            }
            for (key, value) in filters.queryArguments {
                guard arguments[key] == nil else {
                    throw QueryError.invalidValue(parameter: key, value: value, expected: "one value, given once")
                }
                arguments[key] = value
            }
            // `--limit` is the query's own parameter when it has one (top-talkers).
            var rows: Int?
            if let limit, query.parameter("limit") != nil {
                guard arguments["limit"] == nil else {
                    throw QueryError.invalidValue(parameter: "--limit", value: limit, expected: "one value, given once")
                }
                arguments["limit"] = limit
            } else {
                rows = try tableLimit()
            }
            let db = try database.openForReading()
            interruption.attach(db)
            try output.stream(limit: rows) { writer in
                try QueryRunner(database: db, now: currentUnixTime).stream(query, arguments: arguments, to: writer)
            }
        } catch {
            throw interruption.failure(error)
        }
    }

    /// `-p NAME=VALUE` and `--NAME VALUE` / `--NAME=VALUE`, by parameter name (`-` read as `_`).
    func parameterArguments() throws -> [String: String] {
        var arguments: [String: String] = [:]
        func add(_ name: String, _ value: String) throws {
            let key = name.replacingOccurrences(of: "-", with: "_")
            guard !key.isEmpty else { throw QueryError.invalidValue(parameter: "-p", value: "=\(value)", expected: "NAME=VALUE") }
            guard arguments[key] == nil else { throw QueryError.invalidValue(parameter: name, value: value, expected: "one value, given once") }
            arguments[key] = value
        }
        for pair in params {
            guard let equals = pair.firstIndex(of: "=") else {
                throw QueryError.invalidValue(parameter: "-p", value: pair, expected: "NAME=VALUE")
            }
            try add(String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
        var index = 0
        while index < queryParameters.count {
            let token = queryParameters[index]
            guard token.hasPrefix("--"), token.count > 2 else {
                throw QueryError.invalidValue(parameter: "query parameters", value: token, expected: "--NAME VALUE after the query name")
            }
            let body = token.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                try add(String(body[..<equals]), String(body[body.index(after: equals)...]))
            } else {
                guard index + 1 < queryParameters.count else {
                    throw QueryError.invalidValue(parameter: token, value: "", expected: "a value after \(token)")
                }
                try add(String(body), queryParameters[index + 1])
                index += 1
            }
            index += 1
        }
        return arguments
    }
}
