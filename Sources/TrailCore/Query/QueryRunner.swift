import CSQLite
import Foundation

/// Runs named queries, raw SQL and the investigations' own SQL against a database, always under
/// the read-only authorizer, binding parameters by name (never splicing them into the SQL).
public struct QueryRunner {
    public let database: Database
    /// The instant relative times (`7d`) count back from; fixed for the whole run.
    public let now: Int64

    public init(database: Database, now: Int64 = Int64(Date().timeIntervalSince1970)) {
        self.database = database
        self.now = now
    }

    // MARK: named queries

    /// Runs `query` with `arguments` (parameter name → text as typed; `-` and `_` are the same).
    public func run(_ query: NamedQuery, arguments: [String: String]) throws -> ResultSet {
        try run(query, arguments: arguments, as: ResultSet.self)
    }

    /// The same, with the rows kept as bytes for printing: no String per cell.
    public func rows(_ query: NamedQuery, arguments: [String: String]) throws -> RowBuffer {
        try run(query, arguments: arguments, as: RowBuffer.self)
    }

    /// Runs `query`, handing each row to `writer` as SQLite steps it (nothing is kept).
    public func stream(_ query: NamedQuery, arguments: [String: String], to writer: RowStreamWriter) throws {
        try run(query, arguments: arguments, begin: writer.begin(columns:), row: writer.append)
        writer.end()
    }

    private func run<Rows: RowCollector>(_ query: NamedQuery, arguments: [String: String], as: Rows.Type) throws -> Rows {
        var rows: Rows?
        try run(query, arguments: arguments, begin: { rows = Rows(columns: $0) }, row: { rows?.append($0) })
        return rows ?? Rows(columns: [])
    }

    private func run(_ query: NamedQuery, arguments: [String: String], begin: ([String]) -> Void, row: (Statement) throws -> Void) throws {
        let bindings = try bindings(for: query, arguments: arguments)
        try execute(query.sql, bindings: bindings, begin: begin, row: row) { placeholder in
            QueryError.invalidDefinition(source: query.source == NamedQuery.builtInSource ? query.name : query.source,
                                         message: "the SQL uses :\(placeholder) but the header declares no such parameter")
        } checkUnused: { used in
            if let unused = query.parameters.first(where: { !used.contains($0.name) }) {
                throw QueryError.invalidDefinition(source: query.source == NamedQuery.builtInSource ? query.name : query.source,
                                                   message: "the header declares '\(unused.name)' but the SQL never uses :\(unused.name)")
            }
        }
    }

    /// Each declared parameter's value: the argument given, else the default, else NULL.
    public func bindings(for query: NamedQuery, arguments: [String: String]) throws -> [String: SQLValue] {
        var given: [String: String] = [:]
        for (key, value) in arguments { given[key.replacingOccurrences(of: "-", with: "_")] = value }
        for key in given.keys.sorted() where query.parameter(key) == nil {
            throw QueryError.unknownParameter(query: query.name, parameter: key, accepted: query.parameters.map(\.name))
        }
        var result: [String: SQLValue] = [:]
        for parameter in query.parameters {
            let text: String?
            switch parameter.requirement {
            case .required:
                guard let value = given[parameter.name] else {
                    throw QueryError.missingParameter(query: query.name, parameter: parameter.name)
                }
                text = value
            case .optional: text = given[parameter.name]
            case .defaultValue(let value): text = given[parameter.name] ?? value
            }
            result[parameter.name] = try text.map {
                try ParameterValue.convert($0, as: parameter.type, parameter: "--" + QueryError.optionName(parameter.name), now: now)
            } ?? .null
        }
        return result
    }

    // MARK: raw SQL

    /// Runs one statement the user wrote. `-p name=value` pairs bind `:name` placeholders as text.
    public func run(sql: String, textBindings: [String: String] = [:]) throws -> ResultSet {
        try run(sql: sql, textBindings: textBindings, as: ResultSet.self)
    }

    /// The same, with the rows kept as bytes for printing.
    public func rows(sql: String, textBindings: [String: String] = [:]) throws -> RowBuffer {
        try run(sql: sql, textBindings: textBindings, as: RowBuffer.self)
    }

    /// Runs one statement the user wrote, handing each row to `writer` as SQLite steps it.
    public func stream(sql: String, textBindings: [String: String] = [:], to writer: RowStreamWriter) throws {
        try run(sql: sql, textBindings: textBindings, begin: writer.begin(columns:), row: writer.append)
        writer.end()
    }

    private func run<Rows: RowCollector>(sql: String, textBindings: [String: String], as: Rows.Type) throws -> Rows {
        var rows: Rows?
        try run(sql: sql, textBindings: textBindings, begin: { rows = Rows(columns: $0) }, row: { rows?.append($0) })
        return rows ?? Rows(columns: [])
    }

    private func run(sql: String, textBindings: [String: String], begin: ([String]) -> Void, row: (Statement) throws -> Void) throws {
        var bindings: [String: SQLValue] = [:]
        for (key, value) in textBindings { bindings[key] = .text(value) }
        try execute(sql, bindings: bindings, begin: begin, row: row) { placeholder in
            QueryError.missingParameter(query: "--sql", parameter: placeholder)
        } checkUnused: { _ in }
    }

    // MARK: execution

    /// Runs trail's own SQL (the investigations'), with the same guard and named binding.
    func execute(_ sql: String, _ bindings: [String: SQLValue] = [:]) throws -> ResultSet {
        var rows = ResultSet(columns: [])
        try execute(sql, bindings: bindings, begin: { rows = ResultSet(columns: $0) }, row: { rows.append($0) }) { placeholder in
            QueryError.invalidSQL("internal query uses :\(placeholder) without a value")
        } checkUnused: { _ in }
        return rows
    }

    /// Prepares and checks the statement, binds it, then steps it, calling `begin` with the
    /// column names and `row` on each row. Under the connection's `StatementGuard`, if any.
    private func execute(_ sql: String, bindings: [String: SQLValue], begin: ([String]) -> Void, row: (Statement) throws -> Void,
                         missing: (String) -> QueryError,
                         checkUnused: (Set<String>) throws -> Void) throws {
        let authorizer = database.installReadOnlyAuthorizer()
        defer { withExtendedLifetime(authorizer) {} }
        let statement: Statement
        do {
            let text = try SingleStatement.extract(sql, database: database, authorizer: authorizer)
            try SingleStatement.checkLeadingKeyword(text)
            statement = try database.prepare(text)
        } catch let error as DatabaseError {
            throw Self.translate(error, authorizer)
        }
        guard statement.isReadOnly else { throw QueryError.notAllowed("a statement that writes") }

        var used = Set<String>()
        if statement.parameterCount > 0 {
            for index in 1...statement.parameterCount {
                guard let placeholder = statement.parameterName(index), placeholder.count > 1 else {
                    throw QueryError.invalidSQL("use named placeholders such as :role, not ?")
                }
                let name = String(placeholder.dropFirst())
                used.insert(name)
                guard let value = bindings[name] else { throw missing(name) }
                try statement.bind(value, at: index)
            }
        }
        try checkUnused(used)

        begin((0..<statement.columnCount).map { statement.columnName($0) })
        let statementGuard = database.statementGuard
        // A Ctrl-C between two statements stops the next one before it starts.
        if let statementGuard, statementGuard.isCancelled { throw statementGuard.stopped() }
        statementGuard?.begin()
        defer { statementGuard?.end() }
        do {
            while try statement.step() {
                try row(statement)
                // A Ctrl-C while the rows were being written, outside SQLite's steps.
                if let statementGuard, statementGuard.isCancelled { throw statementGuard.stopped() }
            }
        } catch let error as DatabaseError {
            if error.primaryCode == SQLITE_INTERRUPT, let statementGuard { throw statementGuard.stopped() }
            throw Self.translate(error, authorizer)
        }
    }

    /// Caps the memory SQLite may allocate in this process (`sqlite3_hard_heap_limit64`), so a
    /// runaway query (a recursive CTE with UNION, a sort of endless rows) fails with an error
    /// rather than taking the machine's memory. Process-wide: only for processes that only query.
    public static func limitMemory(megabytes: Int) {
        _ = sqlite3_hard_heap_limit64(Int64(megabytes) << 20)
    }

    /// The limit `limitMemory` set, in megabytes; nil for none.
    static var memoryLimit: Int? {
        let bytes = sqlite3_hard_heap_limit64(-1)
        return bytes > 0 ? Int(bytes >> 20) : nil
    }

    /// A refusal or a mistake in the SQL is the query's fault (exit 4); a busy, corrupt or
    /// unreadable database stays a database error (exit 3).
    static func translate(_ error: DatabaseError, _ authorizer: ReadOnlyAuthorizer) -> Error {
        if let denial = authorizer.lastDenial { return QueryError.notAllowed(denial) }
        if error.primaryCode == SQLITE_NOMEM, let megabytes = memoryLimit { return QueryStopped(reason: .memory(megabytes: megabytes)) }
        if error.isBusy || error.isCorrupt || error.primaryCode == SQLITE_IOERR || error.primaryCode == SQLITE_CANTOPEN
            || error.primaryCode == SQLITE_NOMEM {
            return error
        }
        return QueryError.invalidSQL(error.message)
    }
}

/// Where a query's rows go as they are read: values for the code that reads them
/// (`ResultSet`), or bytes for printing (`RowBuffer`).
protocol RowCollector {
    init(columns: [String])
    mutating func append(_ statement: Statement)
}

extension ResultSet: RowCollector {
    init(columns: [String]) { self.init(columns: columns, rows: []) }

    mutating func append(_ statement: Statement) {
        rows.append((0..<statement.columnCount).map { statement.value($0) })
    }
}

extension RowBuffer: RowCollector {}

/// `sqlite3_prepare` compiles only the first statement of a string and ignores the rest; a user
/// who typed `SELECT 1; DELETE …` must be told rather than have half the text silently dropped.
enum SingleStatement {
    /// The text of the only statement in `sql`.
    static func extract(_ sql: String, database: Database, authorizer: ReadOnlyAuthorizer) throws -> String {
        let bytes = Array(sql.utf8CString)
        return try bytes.withUnsafeBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress else { throw QueryError.emptySQL }
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(database.handle, base, -1, &statement, &tail)
            // Left for the caller to translate (see `QueryRunner.execute`).
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
            guard let statement else { throw QueryError.emptySQL }
            sqlite3_finalize(statement)
            let end = tail.map { $0 - base } ?? (buffer.count - 1)
            // Anything after it other than blanks, comments and semicolons is a second statement.
            var rest = tail
            while let current = rest, current.pointee != 0 {
                var next: OpaquePointer?
                var after: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(database.handle, current, -1, &next, &after)
                if let next { sqlite3_finalize(next) }
                if let denial = authorizer.lastDenial { throw QueryError.notAllowed(denial) }
                guard rc == SQLITE_OK, next == nil, let after, after != current else { throw QueryError.multipleStatements }
                rest = after
            }
            let first = buffer[0..<end].map { UInt8(bitPattern: $0) }
            return String(decoding: first, as: UTF8.self)
        }
    }

    /// Only reading statements start like this. The authorizer refuses writes anyway; this also
    /// turns away statements it has no say over, such as `VACUUM INTO 'file'`.
    static let readingKeywords: Set<String> = ["select", "with", "values", "pragma", "explain"]

    static func checkLeadingKeyword(_ sql: String) throws {
        let word = firstWord(sql).lowercased()
        guard readingKeywords.contains(word) else { throw QueryError.notAllowed(word.isEmpty ? "this statement" : word.uppercased()) }
    }

    /// The first word after blanks and `--` / `/* */` comments.
    static func firstWord(_ sql: String) -> String {
        var s = Substring(sql)
        while true {
            s = s.drop { $0.isWhitespace }
            if s.hasPrefix("--") {
                s = s.drop { $0 != "\n" }
            } else if s.hasPrefix("/*") {
                guard let close = s.range(of: "*/") else { return "" }
                s = s[close.upperBound...]
            } else {
                break
            }
        }
        return String(s.prefix { $0.isLetter })
    }
}
