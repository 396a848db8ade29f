import CSQLite
import Foundation

private extension String {
    func leftPadded(to count: Int) -> String { String(repeating: "0", count: Swift.max(0, count - self.count)) + self }
}

/// One SQLite connection. Not thread-safe: each thread that needs the database opens its own.
public final class Database {
    public enum Mode: Sendable {
        case readWrite, readOnly
        /// Read-only, and nothing else may change the file while it is open: SQLite then
        /// takes no locks and needs no `-shm` index, so a WAL-mode database on read-only media
        /// (evidence on a write-protected disk, a read-only mount) can be read at all.
        case immutable
    }

    let handle: OpaquePointer
    public let path: String
    public let mode: Mode

    /// Opens (creating when `mode` is `.readWrite`) the database at `path`.
    /// `busyTimeoutMs` lets concurrent trail processes wait for each other instead of failing.
    public init(path: String, mode: Mode = .readWrite, busyTimeoutMs: Int32 = 60_000) throws {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .immutable: flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        }
        let rc = sqlite3_open_v2(mode == .immutable ? Self.immutableURI(path) : path, &db, flags, nil)
        guard rc == SQLITE_OK, let opened = db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(code: rc, message: "\(path): \(message)")
        }
        handle = opened
        self.path = path
        self.mode = mode
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMs)
        try registerTrailFunctions()
    }

    deinit { sqlite3_close_v2(handle) }

    /// `file:PATH?immutable=1`, with the characters a URI gives meaning to escaped. An absolute
    /// path gets an empty authority (`file:///…`), so a path starting `//` is not read as a host.
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x20, 0x7F...:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            default:
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return (path.hasPrefix("/") ? "file://" : "file:") + escaped + "?immutable=1"
    }

    /// The guard whose progress handler stops this connection's statements (see `StatementGuard`).
    public private(set) var statementGuard: StatementGuard?

    /// Installs `guard` as the progress handler, checked every 1,000 virtual-machine steps:
    /// often enough that a stop takes effect at once, rarely enough to cost nothing.
    public func install(_ statementGuard: StatementGuard) {
        self.statementGuard = statementGuard
        let context = Unmanaged.passUnretained(statementGuard).toOpaque()
        sqlite3_progress_handler(handle, 1_000, { context in
            guard let context else { return 0 }
            return Unmanaged<StatementGuard>.fromOpaque(context).takeUnretainedValue().shouldStop() ? 1 : 0
        }, context)
    }

    /// Stops the statement running on this connection, from any thread (SQLite allows it).
    public func interrupt() { sqlite3_interrupt(handle) }

    func error(_ code: Int32, sql: String? = nil) -> DatabaseError {
        var message = String(cString: sqlite3_errmsg(handle))
        // For I/O failures the operating system's reason (no space, file too large) is the useful part.
        let primary = code & 0xff
        if primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN {
            let errno = sqlite3_system_errno(handle)
            if errno != 0, let reason = strerror(errno) { message += ": " + String(cString: reason) }
        }
        return DatabaseError(code: code, message: "\(path): \(message)", sql: sql)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            sqlite3_free(errmsg)
            throw error(sqlite3_extended_errcode(handle), sql: sql)
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    /// IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    /// instead of deadlocking on a lock upgrade.
    public func transaction<T>(patience: Double = 1800, _ body: () throws -> T) throws -> T {
        try beginImmediate(patience: patience)
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `BEGIN IMMEDIATE`, retried while another process holds the write lock: each attempt
    /// already waits the busy timeout; between attempts this backs off, up to `patience` seconds,
    /// so concurrent ingests take turns instead of failing with "database is locked".
    public func beginImmediate(patience: Double = 1800, onWait: (() -> Void)? = nil) throws {
        let start = Date()
        var pause: UInt32 = 10_000
        var warned = false
        while true {
            do {
                try execute("BEGIN IMMEDIATE")
                return
            } catch let error as DatabaseError where error.isBusy && Date().timeIntervalSince(start) < patience {
                if !warned { onWait?(); warned = true }
                usleep(pause)
                pause = min(pause * 2, 500_000)
            }
        }
    }

    /// Registers `trail_hash(text)`, the hash `interned_text.hash` holds (see `ByteHash`), so
    /// SQL (the schema migration, a user's own query) can find a text's row by its index.
    public func registerTrailFunctions() throws {
        let rc = sqlite3_create_function_v2(handle, "trail_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, argv in
            guard let value = argv?[0], sqlite3_value_type(value) != SQLITE_NULL else {
                sqlite3_result_null(context)
                return
            }
            let text = sqlite3_value_text(value)
            let count = Int(sqlite3_value_bytes(value))
            let hash = ByteHash.murmur64(UnsafeRawBufferPointer(start: text.map { UnsafeRawPointer($0) }, count: text == nil ? 0 : count))
            sqlite3_result_int64(context, Int64(bitPattern: hash))
        }, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
        try registerRecordFunctions()
    }

    /// `trail_record(blob_id, offset, length)`: the record's JSON text as it came in;
    /// `trail_field(blob_id, offset, length, 'path.to.member')`: one member's JSON text;
    /// `trail_value(…)`: the same with a string decoded, as trail stores scalar columns (see
    /// `RecordArchive`). Not deterministic in SQLite's sense (they read a table), so SQLite never
    /// indexes them; an unreadable record is an error, never a silent NULL.
    private func registerRecordFunctions() throws {
        let reader = Unmanaged.passRetained(RecordReader(handle)).toOpaque()
        let destroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
            if let pointer { Unmanaged<RecordReader>.fromOpaque(pointer).release() }
        }
        for (index, name) in ["trail_record", "trail_field", "trail_value"].enumerated() {
            let arity: Int32 = index == 0 ? 3 : 4
            typealias Body = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void
            let raw: Body = { context, argc, argv in RecordReader.call(context, argc, argv, decode: false) }
            let decoded: Body = { context, argc, argv in RecordReader.call(context, argc, argv, decode: true) }
            let rc = sqlite3_create_function_v2(handle, name, arity, SQLITE_UTF8, reader, index == 2 ? decoded : raw,
                                                nil, nil, index == 0 ? destroy : nil)
            if rc != SQLITE_OK {
                if index == 0 { Unmanaged<RecordReader>.fromOpaque(reader).release() }
                throw self.error(rc)
            }
        }
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// First column of the first row, or nil.
    public func scalarInt(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    public func scalarText(_ sql: String, _ bindings: [SQLValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// All rows of a query as generic values; for small result sets.
    public func rows(_ sql: String, _ bindings: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        var result: [[SQLValue]] = []
        while try statement.step() {
            result.append((0..<statement.columnCount).map { statement.value($0) })
        }
        return result
    }
}
