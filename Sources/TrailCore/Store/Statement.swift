import CSQLite

/// A value moving in or out of SQLite.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var textValue: String? {
        switch self {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let s): return s
        }
    }

    public var intValue: Int64? {
        switch self {
        case .integer(let v): return v
        case .real(let v): return Int64(exactly: v.rounded(.towardZero))
        case .text(let s): return Int64(s)
        case .null: return nil
        }
    }
}

/// A prepared statement. Reuse it with `reset()` in hot loops.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let prepared = stmt else {
            throw database.error(rc, sql: sql)
        }
        handle = prepared
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "column\(index + 1)"
    }

    public func parameterIndex(_ name: String) -> Int32 {
        sqlite3_bind_parameter_index(handle, name)
    }

    public func parameterName(_ index: Int32) -> String? {
        sqlite3_bind_parameter_name(handle, index).map { String(cString: $0) }
    }

    // MARK: binding

    public func bind(_ values: [SQLValue]) throws {
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, csqlite_transient())
        }
        if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
    }

    @inline(__always)
    public func bindNull(_ index: Int32) { sqlite3_bind_null(handle, index) }

    @inline(__always)
    public func bindInt(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    @inline(__always)
    public func bindText(_ index: Int32, _ value: String?) {
        if let value { sqlite3_bind_text(handle, index, value, -1, csqlite_transient()) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds bytes as text, copied by SQLite; empty bytes bind the empty text, not NULL.
    public func bindTextCopy(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
            return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), csqlite_transient())
        }
    }

    /// Binds bytes without copying. The caller keeps the memory alive until the next step/reset.
    @inline(__always)
    public func bindTextNoCopy(_ index: Int32, _ pointer: UnsafePointer<UInt8>, _ count: Int) {
        pointer.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) {
            _ = sqlite3_bind_text(handle, index, $0, Int32(count), nil)
        }
    }

    /// Binds a blob without copying. The caller keeps the memory alive until the next step/reset.
    public func bindBlobNoCopy(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress {
            sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(bytes.count), nil)
        } else {
            sqlite3_bind_zeroblob(handle, index, 0)
        }
    }

    // MARK: stepping

    /// Advances; true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, sql: sql)
        }
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: reading

    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }
    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func text(_ index: Int32) -> String? {
        guard let ptr = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: ptr, count: count), as: UTF8.self)
    }

    /// The text's bytes as stored (no UTF-8 repair, embedded NULs kept), valid until the next
    /// step or reset; nil for NULL.
    public func textBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let ptr = sqlite3_column_text(handle, index) else { return nil }
        return UnsafeBufferPointer(start: ptr, count: Int(sqlite3_column_bytes(handle, index)))
    }

    public enum ColumnType { case null, integer, real, text }

    /// The current row's value type in column `index`; a BLOB counts as text, as in `value`.
    public func columnType(_ index: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_NULL: return .null
        default: return .text
        }
    }

    public func value(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_NULL: return .null
        default: return text(index).map { .text($0) } ?? .null
        }
    }
}
