import CSQLite

/// Keeps a connection read-only for SQL a user wrote (`trail query --sql`, query files).
///
/// The database is already opened read-only with `query_only`, but that still lets a statement
/// attach another file (and write it), create temp tables, flip `writable_schema` or load an
/// extension. SQLite's authorizer sees every table, column, function and pragma a statement
/// touches while it is compiled, so those are refused before anything runs, with a message
/// naming what was refused. The authorizer stays installed until this object is released.
public final class ReadOnlyAuthorizer {
    let database: Database
    /// What was last refused, e.g. "INSERT into events"; reset before each statement.
    public var lastDenial: String?

    init(database: Database) {
        self.database = database
        sqlite3_set_authorizer(database.handle, readOnlyAuthorizerCallback, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { sqlite3_set_authorizer(database.handle, nil, nil) }

    /// Pragmas that only ever read, whatever their argument (usually a table or index name).
    static let readingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "function_list",
        "module_list", "pragma_list", "collation_list", "database_list", "compile_options",
    ]

    /// Pragmas that read a setting without an argument and change it with one.
    static let settingPragmas: Set<String> = [
        "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count",
        "encoding", "journal_mode", "data_version", "query_only", "auto_vacuum", "cache_size", "foreign_keys",
    ]

    /// Functions that reach outside the database.
    static let refusedFunctions: Set<String> = ["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]

    func decide(_ action: Int32, _ first: String?, _ second: String?) -> Int32 {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_UPDATE where first == "sqlite_master" || first == "sqlite_temp_master":
            // SQLite asks this when a statement first uses an eponymous virtual table
            // (json_each, pragma_table_info): it declares the table's schema, it does not write.
            // A real UPDATE of the schema table still fails: it is not a reading statement,
            // `sqlite3_stmt_readonly` says so, and the connection is read-only.
            return SQLITE_OK
        case SQLITE_FUNCTION:
            let name = (second ?? "").lowercased()
            if Self.refusedFunctions.contains(name) { return deny("the function \(name)()") }
            return SQLITE_OK
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if Self.readingPragmas.contains(name) { return SQLITE_OK }
            if Self.settingPragmas.contains(name) && second == nil { return SQLITE_OK }
            return deny(second == nil ? "PRAGMA \(name)" : "PRAGMA \(name) = \(second ?? "")")
        default:
            return deny(Self.describe(action, first, second))
        }
    }

    private func deny(_ what: String) -> Int32 {
        lastDenial = what
        return SQLITE_DENY
    }

    static func describe(_ action: Int32, _ first: String?, _ second: String?) -> String {
        let a = first ?? "?"
        // CREATE, DROP and ALTER reach the authorizer first as a write to the schema table.
        if a == "sqlite_master" || a == "sqlite_temp_master",
           action == SQLITE_INSERT || action == SQLITE_DELETE || action == SQLITE_UPDATE {
            return "changing the schema (CREATE, DROP or ALTER)"
        }
        switch action {
        case SQLITE_INSERT: return "INSERT into \(a)"
        case SQLITE_UPDATE: return "UPDATE of \(a)"
        case SQLITE_DELETE: return "DELETE from \(a)"
        case SQLITE_ATTACH: return "ATTACH"
        case SQLITE_DETACH: return "DETACH"
        case SQLITE_TRANSACTION: return "transaction control (\(a))"
        case SQLITE_SAVEPOINT: return "SAVEPOINT"
        case SQLITE_ALTER_TABLE: return "ALTER TABLE \(second ?? a)"
        case SQLITE_REINDEX: return "REINDEX"
        case SQLITE_ANALYZE: return "ANALYZE"
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE \(a)"
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX \(a)"
        case SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW \(a)"
        case SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER \(a)"
        case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE \(a)"
        case SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE: return "DROP TABLE \(a)"
        case SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX: return "DROP INDEX \(a)"
        case SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW: return "DROP VIEW \(a)"
        case SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER \(a)"
        case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE \(a)"
        default: return "SQLite operation \(action)"
        }
    }
}

/// A C function (no captures), as SQLite requires; the context is the `ReadOnlyAuthorizer`.
private func readOnlyAuthorizerCallback(
    _ context: UnsafeMutableRawPointer?, _ action: Int32, _ first: UnsafePointer<CChar>?, _ second: UnsafePointer<CChar>?,
    _ database: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?
) -> Int32 {
    guard let context else { return SQLITE_DENY }
    let authorizer = Unmanaged<ReadOnlyAuthorizer>.fromOpaque(context).takeUnretainedValue()
    return authorizer.decide(action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
}

extension Database {
    /// Refuses, from now until the returned object is released, every statement that would write,
    /// attach or detach a database, change a setting through a pragma, or load an extension.
    public func installReadOnlyAuthorizer() -> ReadOnlyAuthorizer {
        ReadOnlyAuthorizer(database: self)
    }
}
