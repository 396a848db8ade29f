import CSQLite

/// What one input file is, as far as the ledger cares.
public struct FileIdentity: Sendable {
    public var path: String
    public var size: Int64
    public var mtimeNs: Int64?
    public var contentHash: String
    public var kind: String

    public init(path: String, size: Int64, mtimeNs: Int64?, contentHash: String, kind: String) {
        self.path = path
        self.size = size
        self.mtimeNs = mtimeNs
        self.contentHash = contentHash
        self.kind = kind
    }
}

/// Counts from writing one file.
public struct FileWriteResult: Sendable {
    public var fileID: Int64 = 0
    public var status: FileStatus = .ingested
    public var newEvents = 0
    public var duplicateEvents = 0
    public var insightEvents = 0
    public var rejected = 0
}

/// Writes parsed files and their ledger rows with prepared statements. The caller owns the
/// transaction, so a file's events and its ledger row always commit together.
public final class EventWriter {
    let db: Database
    private let insertEvent: Statement
    private let insertInsight: Statement
    private let insertResource: Statement
    private let upsertFile: Statement
    private let deleteRejects: Statement
    private let insertReject: Statement
    private let upsertDigest: Statement
    private let touch: Statement
    let sessions: SessionTracker
    let texts: TextInterner

    public init(_ db: Database) throws {
        self.db = db
        sessions = try SessionTracker(db)
        texts = try TextInterner(db)
        let tail = ["event_ts", "session_creation_ts", "file_id", "record_index"]
        let names = EventColumn.allCases.map(\.name) + tail
        let storageNames = EventColumn.allCases.map(\.storageName) + tail
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ",")
        insertEvent = try db.prepare("INSERT OR IGNORE INTO event_rows(\(storageNames.joined(separator: ","))) VALUES (\(placeholders))")
        // Insights events are few; their table keeps every text in place.
        insertInsight = try db.prepare("INSERT OR IGNORE INTO insight_events(\(names.joined(separator: ","))) VALUES (\(placeholders))")
        insertResource = try db.prepare("INSERT INTO resources(event_id, position, arn, type, account_id, event_row) VALUES (?,?,?,?,?,?)")
        upsertFile = try db.prepare("""
            INSERT INTO files(path, size, mtime_ns, content_hash, kind, status, records, new_events, duplicate_events, rejected, error, duplicate_of, ingested_at)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, content_hash=excluded.content_hash,
              kind=excluded.kind, status=excluded.status, records=excluded.records, new_events=excluded.new_events,
              duplicate_events=excluded.duplicate_events, rejected=excluded.rejected, error=excluded.error,
              duplicate_of=excluded.duplicate_of, ingested_at=excluded.ingested_at
            RETURNING id
            """)
        touch = try db.prepare("UPDATE files SET mtime_ns = ? WHERE path = ?")
        deleteRejects = try db.prepare("DELETE FROM rejected_records WHERE file_id = ?")
        insertReject = try db.prepare("INSERT INTO rejected_records(file_id, record_index, byte_offset, reason, raw) VALUES (?,?,?,?,?)")
        upsertDigest = try db.prepare("""
            INSERT OR REPLACE INTO digests(file_id, account_id, digest_start_time, digest_end_time, s3_bucket, s3_object, previous_s3_object, log_file_count, raw)
            VALUES (?,?,?,?,?,?,?,?,?)
            """)
    }

    /// Remembers a file's new mtime when its content is unchanged.
    public func recordModificationTime(_ identity: FileIdentity) throws {
        try touch.bind([identity.mtimeNs.map { .integer($0) } ?? .null, .text(identity.path)])
        try touch.step()
        touch.reset()
    }

    /// Records a file that could not be read at all (vanished, no permission), so the ledger
    /// lists every input that failed.
    public func recordUnreadable(path: String, kind: String, error: String) throws {
        let identity = FileIdentity(path: path, size: 0, mtimeNs: nil, contentHash: "", kind: kind)
        _ = try ledger(identity, status: .failed, records: 0, new: 0, duplicates: 0, rejected: 0, error: error, duplicateOf: nil)
    }

    /// Records a file that holds the same bytes as one already ingested.
    public func recordDuplicate(_ identity: FileIdentity, of original: Int64) throws -> Int64 {
        try ledger(identity, status: .duplicate, records: 0, new: 0, duplicates: 0, rejected: 0, error: nil, duplicateOf: original)
    }

    /// Writes every record of `file` and its ledger row. Must run inside a transaction.
    public func write(_ file: ParsedFile, identity: FileIdentity) throws -> FileWriteResult {
        var result = FileWriteResult()
        result.rejected = file.rejects.count
        result.status = file.fileError != nil ? .failed : (file.rejects.isEmpty ? .ingested : .partial)
        // The ledger row first, to get the file id; its counts are updated below.
        result.fileID = try ledger(identity, status: result.status, records: 0, new: 0, duplicates: 0,
                                   rejected: result.rejected, error: file.fileError, duplicateOf: nil)
        try deleteRejects.bind([.integer(result.fileID)])
        try deleteRejects.step()
        deleteRejects.reset()

        try file.buffer.withUnsafeBufferPointer { buffer in
            try file.scratch.withUnsafeBufferPointer { scratch in
                let bufferBase = buffer.baseAddress ?? UnsafePointer(Self.noBytes)
                let scratchBase = scratch.baseAddress ?? UnsafePointer(Self.noBytes)
                func bind(_ statement: Statement, _ index: Int32, _ value: FieldValue, boolean: Bool = false) {
                    switch value.kind {
                    case .absent, .null: statement.bindNull(index)
                    case .trueValue: boolean ? statement.bindInt(index, 1) : statement.bindText(index, "true")
                    case .falseValue: boolean ? statement.bindInt(index, 0) : statement.bindText(index, "false")
                    case .text, .json: statement.bindTextNoCopy(index, bufferBase + Int(value.offset), Int(value.length))
                    case .scratchText: statement.bindTextNoCopy(index, scratchBase + Int(value.offset), Int(value.length))
                    }
                }
                func string(_ value: FieldValue) -> String? {
                    switch value.kind {
                    case .text, .json: return String(decoding: UnsafeBufferPointer(start: bufferBase + Int(value.offset), count: Int(value.length)), as: UTF8.self)
                    case .scratchText: return String(decoding: UnsafeBufferPointer(start: scratchBase + Int(value.offset), count: Int(value.length)), as: UTF8.self)
                    case .trueValue: return "true"
                    case .falseValue: return "false"
                    case .absent, .null: return nil
                    }
                }
                func bytes(_ value: FieldValue) -> UnsafeBufferPointer<UInt8>? {
                    switch value.kind {
                    case .text: return UnsafeBufferPointer(start: bufferBase + Int(value.offset), count: Int(value.length))
                    case .scratchText: return UnsafeBufferPointer(start: scratchBase + Int(value.offset), count: Int(value.length))
                    default: return nil
                    }
                }
                func intern(_ statement: Statement, _ index: Int32, _ value: FieldValue) throws {
                    switch value.kind {
                    case .absent, .null: statement.bindNull(index)
                    case .text, .json: statement.bindInt(index, try texts.id(UnsafeBufferPointer(start: bufferBase + Int(value.offset), count: Int(value.length))))
                    case .scratchText: statement.bindInt(index, try texts.id(UnsafeBufferPointer(start: scratchBase + Int(value.offset), count: Int(value.length))))
                    case .trueValue, .falseValue:
                        var word = Array((value.kind == .trueValue ? "true" : "false").utf8)
                        let id = try word.withUnsafeMutableBufferPointer { try texts.id(UnsafeBufferPointer($0)) }
                        statement.bindInt(index, id)
                    }
                }
                let columns = EventColumn.allCases.filter { $0 != .sessionID }
                let base = Int32(EventColumn.count)
                var resourceCursor = 0
                for record in 0..<file.recordCount {
                    let insight = file.isInsight[record]
                    let statement = insight ? insertInsight : insertEvent
                    let row = record * EventColumn.count
                    for column in columns {
                        if column.isInterned && !insight {
                            try intern(statement, Int32(column.rawValue + 1), file.fields[row + column.rawValue])
                        } else {
                            bind(statement, Int32(column.rawValue + 1), file.fields[row + column.rawValue], boolean: column.isBoolean)
                        }
                    }
                    let keyField = file.fields[row + EventColumn.sessionID.rawValue]
                    let sessionKey = file.isInsight[record] ? nil : string(keyField)
                    let sessionID = try sessionKey.map { try sessions.id(for: $0) }
                    if let sessionID { statement.bindInt(Int32(EventColumn.sessionID.rawValue + 1), sessionID) } else { statement.bindNull(Int32(EventColumn.sessionID.rawValue + 1)) }
                    statement.bindInt(base + 1, file.eventTimes[record])
                    let creation = file.creationTimes[record]
                    if creation == Int64.min { statement.bindNull(base + 2) } else { statement.bindInt(base + 2, creation) }
                    statement.bindInt(base + 3, result.fileID)
                    statement.bindInt(base + 4, Int64(file.recordIndexes[record]))
                    try statement.step()
                    let inserted = db.changes > 0
                    let eventRow = db.lastInsertRowID
                    statement.reset()
                    if inserted, let sessionID {
                        let f = { (c: EventColumn) in file.fields[row + c.rawValue] }
                        let key = bytes(f(.accessKeyID)).flatMap { b in b.baseAddress.map { SessionKey.isAccessKey($0, b.count) } == true ? b : nil }
                        let mfaField = bytes(f(.sessionMFAAuthenticated))
                        sessions.record(sessionID, eventTS: file.eventTimes[record], eventID: { string(f(.eventID)) ?? "" },
                                        isError: f(.errorCode).isPresent,
                                        mfa: mfaField.map { $0.elementsEqual("true".utf8) } ?? false,
                                        accessKey: key, sourceIdentity: { string(f(.sourceIdentity)) },
                                        identity: {
                                            SessionTracker.Identity(
                                                identityType: string(f(.identityType)), principalID: string(f(.principalID)),
                                                arn: string(f(.identityARN)), account: string(f(.identityAccountID)),
                                                recipientAccount: string(f(.recipientAccountID)), issuerARN: string(f(.sessionIssuerARN)),
                                                creation: file.creationTimes[record] == Int64.min ? nil : file.creationTimes[record],
                                                ec2RoleDelivery: string(f(.ec2RoleDelivery)), inScopeOfIssuedTo: string(f(.inScopeOfIssuedTo)),
                                                webProvider: string(f(.webIDFederatedProvider)), onBehalfOfUserID: string(f(.onBehalfOfUserID)),
                                                invokedBy: string(f(.invokedBy)), userName: string(f(.userName)),
                                                identityProvider: string(f(.identityProvider)), credentialID: string(f(.credentialID)),
                                                assumedRoot: string(f(.assumedRoot)), sourceIP: string(f(.sourceIPAddress)))
                                        })
                    }
                    while resourceCursor < file.resources.count && file.resources[resourceCursor].record < Int32(record) { resourceCursor += 1 }
                    var position: Int64 = 0
                    while resourceCursor < file.resources.count && file.resources[resourceCursor].record == Int32(record) {
                        let entry = file.resources[resourceCursor]
                        resourceCursor += 1
                        guard inserted, !file.isInsight[record] else { continue }
                        bind(insertResource, 1, file.fields[row + EventColumn.eventID.rawValue])
                        insertResource.bindInt(2, position)
                        bind(insertResource, 3, entry.arn)
                        bind(insertResource, 4, entry.type)
                        bind(insertResource, 5, entry.accountID)
                        insertResource.bindInt(6, eventRow)
                        try insertResource.step()
                        insertResource.reset()
                        position += 1
                    }
                    if file.isInsight[record] {
                        if inserted { result.insightEvents += 1 } else { result.duplicateEvents += 1 }
                    } else if inserted {
                        result.newEvents += 1
                    } else {
                        result.duplicateEvents += 1
                    }
                }
                for reject in file.rejects {
                    insertReject.bindInt(1, result.fileID)
                    insertReject.bindInt(2, Int64(reject.index))
                    insertReject.bindInt(3, Int64(reject.offset))
                    insertReject.bindText(4, reject.reason)
                    bind(insertReject, 5, reject.raw)
                    try insertReject.step()
                    insertReject.reset()
                }
            }
        }
        if let digest = file.digest {
            try upsertDigest.bind([.integer(result.fileID), text(digest.accountID), text(digest.startTime), text(digest.endTime),
                                   text(digest.s3Bucket), text(digest.s3Object), text(digest.previousS3Object),
                                   .integer(Int64(digest.logFileCount)), .text(digest.raw)])
            try upsertDigest.step()
            upsertDigest.reset()
        }
        _ = try ledger(identity, status: result.status, records: file.recordCount, new: result.newEvents + result.insightEvents,
                       duplicates: result.duplicateEvents, rejected: result.rejected, error: file.fileError, duplicateOf: nil)
        return result
    }

    /// Stands in for the base address of an empty buffer; no field ever points into it.
    nonisolated(unsafe) private static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    private func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }

    private func ledger(_ identity: FileIdentity, status: FileStatus, records: Int, new: Int, duplicates: Int,
                        rejected: Int, error: String?, duplicateOf: Int64?) throws -> Int64 {
        try upsertFile.bind([
            .text(identity.path), .integer(identity.size), identity.mtimeNs.map { .integer($0) } ?? .null,
            .text(identity.contentHash), .text(identity.kind), .text(status.rawValue), .integer(Int64(records)),
            .integer(Int64(new)), .integer(Int64(duplicates)), .integer(Int64(rejected)), text(error),
            duplicateOf.map { .integer($0) } ?? .null,
        ])
        guard try upsertFile.step() else {
            upsertFile.reset()
            throw DatabaseError(code: SQLITE_ERROR, message: "ledger upsert returned no id for \(identity.path)")
        }
        let id = upsertFile.int64(0)
        _ = try? upsertFile.step()
        upsertFile.reset()
        return id
    }
}
