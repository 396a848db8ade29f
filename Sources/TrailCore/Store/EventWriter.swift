import CSQLite

/// What one input file is, as far as the ledger cares.
public struct FileIdentity: Sendable {
    public var path: String
    public var size: Int64
    public var mtimeNs: Int64?
    /// SHA-256 of the bytes as read (empty for a file that could not be read).
    public var sha256: String
    /// The inflated content's SHA-256 and size; nil when the file could not be inflated.
    public var content: ContentKey?
    public var kind: String

    public init(path: String, size: Int64, mtimeNs: Int64?, sha256: String, content: ContentKey?, kind: String) {
        self.path = path
        self.size = size
        self.mtimeNs = mtimeNs
        self.sha256 = sha256
        self.content = content
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
    private let insertBlob: Statement
    private let insertIdentity: Statement
    let sessions: SessionTracker
    let texts: TextInterner

    public init(_ db: Database) throws {
        self.db = db
        sessions = try SessionTracker(db)
        texts = try TextInterner(db)
        let tail = ["event_ts", "session_creation_ts", "file_id", "record_index", "blob_id", "record_offset", "record_length"]
        let names = EventColumn.allCases.map(\.name) + tail
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ",")
        // Parameters ?1…?N in the order of `storedColumns`, then the tail; the NOT EXISTS reads
        // the time, hash and id back by number. An eventID stored with the same time is the same
        // record seen again; the hash narrows the search, the text decides.
        let storedNames = Self.storedColumns.map(\.storageName) + Self.storedTail
        let numbered = (1...storedNames.count).map { "?\($0)" }.joined(separator: ",")
        let idParameter = (Self.storedColumns.firstIndex(of: .eventID) ?? 0) + 1
        insertEvent = try db.prepare("""
            INSERT INTO event_rows(\(storedNames.joined(separator: ","))) SELECT \(numbered)
            WHERE NOT EXISTS (SELECT 1 FROM event_rows INDEXED BY events_time
                              WHERE event_ts = ?\(Self.tailParameter(0)) AND id_hash = ?\(Self.tailParameter(7)) AND event_id = ?\(idParameter))
            """)
        // Insights events are few; their table keeps every text in place.
        insertInsight = try db.prepare("INSERT OR IGNORE INTO insight_events(\(names.joined(separator: ","))) VALUES (\(placeholders))")
        insertBlob = try db.prepare("INSERT INTO blobs(gzip) VALUES (?)")
        insertIdentity = try db.prepare("""
            INSERT OR REPLACE INTO identities(text_id, \(Schema.identityColumns.map(\.name).joined(separator: ", ")))
            VALUES (?\(String(repeating: ", ?", count: Schema.identityColumns.count)))
            """)
        insertResource = try db.prepare("INSERT INTO resources(event_id, position, arn, type, account_id, event_row) VALUES (?,?,?,?,?,?)")
        upsertFile = try db.prepare("""
            INSERT INTO files(path, size, mtime_ns, sha256, content_sha256, content_size, kind, status, records, new_events, duplicate_events, rejected, error, duplicate_of, blob_id, ingested_at)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256,
              content_sha256=excluded.content_sha256, content_size=excluded.content_size,
              kind=excluded.kind, status=excluded.status, records=excluded.records, new_events=excluded.new_events,
              duplicate_events=excluded.duplicate_events, rejected=excluded.rejected, error=excluded.error,
              duplicate_of=excluded.duplicate_of, blob_id=excluded.blob_id, ingested_at=excluded.ingested_at
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
        let identity = FileIdentity(path: path, size: 0, mtimeNs: nil, sha256: "", content: nil, kind: kind)
        _ = try ledger(identity, status: .failed, records: 0, new: 0, duplicates: 0, rejected: 0, error: error, duplicateOf: nil)
    }

    /// Records a file that holds the same bytes as one already ingested.
    public func recordDuplicate(_ identity: FileIdentity, of original: Int64) throws -> Int64 {
        try ledger(identity, status: .duplicate, records: 0, new: 0, duplicates: 0, rejected: 0, error: nil, duplicateOf: original)
    }

    /// The columns `event_rows` stores, in parameter order (the session id is bound apart).
    static let storedColumns = EventColumn.allCases.filter(\.isStored)
    static let storedTail = ["event_ts", "session_creation_ts", "file_id", "record_index", "blob_id", "record_offset", "record_length", "id_hash"]
    static func tailParameter(_ i: Int) -> Int { storedColumns.count + 1 + i }

    /// Writes every record of `file` and its ledger row. Must run inside a transaction.
    public func write(_ file: ParsedFile, identity: FileIdentity) throws -> FileWriteResult {
        var result = FileWriteResult()
        result.rejected = file.rejects.count
        result.status = file.fileError != nil ? .failed : (file.rejects.isEmpty ? .ingested : .partial)
        // The input's bytes once, then the ledger row that names them, to get the file id;
        // its counts are updated below.
        let blobID = try file.archive.map { try storeBlob($0) }
        let scratchBlobID = try file.scratchArchive.map { try storeBlob($0) }
        result.fileID = try ledger(identity, status: result.status, records: 0, new: 0, duplicates: 0,
                                   rejected: result.rejected, error: file.fileError, duplicateOf: nil, blob: blobID)
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
                    case .text, .json: return UnsafeBufferPointer(start: bufferBase + Int(value.offset), count: Int(value.length))
                    case .scratchText: return UnsafeBufferPointer(start: scratchBase + Int(value.offset), count: Int(value.length))
                    default: return nil
                    }
                }
                func intern(_ statement: Statement, _ index: Int32, _ value: FieldValue, added: ((Int64) throws -> Void)? = nil) throws {
                    switch value.kind {
                    case .absent, .null: statement.bindNull(index)
                    case .text, .json, .scratchText:
                        guard let text = bytes(value) else { statement.bindNull(index); return }
                        statement.bindInt(index, try texts.id(text, added: added))
                    case .trueValue, .falseValue:
                        var word = Array((value.kind == .trueValue ? "true" : "false").utf8)
                        let id = try word.withUnsafeMutableBufferPointer { try texts.id(UnsafeBufferPointer($0)) }
                        statement.bindInt(index, id)
                    }
                }
                let stored = Self.storedColumns.enumerated().filter { $0.element != .sessionID }.map { (Int32($0.offset + 1), $0.element) }
                let sessionParameter = Int32((Self.storedColumns.firstIndex(of: .sessionID) ?? 0) + 1)
                let tail = Int32(Self.tailParameter(0))
                let insightColumns = EventColumn.allCases.filter { $0 != .sessionID }
                let insightTail = Int32(EventColumn.count + 1)
                /// The columns both event tables end with, from `index` on: the time, the session's
                /// creation, the file and the record's place in it, and where the record lies (its
                /// input's blob, offset and length).
                func bindPlace(_ statement: Statement, _ index: Int32, _ record: Int) throws {
                    statement.bindInt(index, file.eventTimes[record])
                    let creation = file.creationTimes[record]
                    if creation == Int64.min { statement.bindNull(index + 1) } else { statement.bindInt(index + 1, creation) }
                    statement.bindInt(index + 2, result.fileID)
                    statement.bindInt(index + 3, Int64(file.recordIndexes[record]))
                    let span = file.recordSpans[record]
                    guard let blob = span.kind == .scratchText ? scratchBlobID : blobID else {
                        throw DatabaseError(code: SQLITE_ERROR, message: "\(identity.path): record \(file.recordIndexes[record]) has no stored input to point at")
                    }
                    statement.bindInt(index + 4, blob)
                    statement.bindInt(index + 5, Int64(span.offset))
                    statement.bindInt(index + 6, Int64(span.length))
                }
                var resourceCursor = 0
                for record in 0..<file.recordCount {
                    let insight = file.isInsight[record]
                    let row = record * EventColumn.count
                    let f = { (c: EventColumn) in file.fields[row + c.rawValue] }
                    let statement = insight ? insertInsight : insertEvent
                    var sessionID: Int64? = nil
                    if insight {
                        for column in insightColumns {
                            bind(statement, Int32(column.rawValue + 1), f(column), boolean: column.isBoolean)
                        }
                        statement.bindNull(Int32(EventColumn.sessionID.rawValue + 1))
                        try bindPlace(statement, insightTail, record)
                    } else {
                        let identityCall = Self.isIdentityCall(bytes(f(.eventSource)), bytes(f(.eventName)), readOnly: f(.readOnly))
                        for (parameter, column) in stored {
                            if column.storage == .rowForIdentityCalls && !identityCall {
                                statement.bindNull(parameter)
                            } else if column == .userIdentity {
                                // A new identity text: its flattened fields, once.
                                let insertIdentity = self.insertIdentity
                                try intern(statement, parameter, f(column)) { textID in
                                    insertIdentity.bindInt(1, textID)
                                    for (i, field) in Schema.identityColumns.enumerated() { bind(insertIdentity, Int32(i + 2), f(field)) }
                                    try insertIdentity.step()
                                    insertIdentity.reset()
                                }
                            } else if column.isInterned {
                                try intern(statement, parameter, f(column))
                            } else {
                                bind(statement, parameter, f(column), boolean: column.isBoolean)
                            }
                        }
                        sessionID = try string(f(.sessionID)).map { try sessions.id(for: $0) }
                        if let sessionID { statement.bindInt(sessionParameter, sessionID) } else { statement.bindNull(sessionParameter) }
                        try bindPlace(statement, tail, record)
                        let idHash = bytes(f(.eventID)).map { ByteHash.murmur64(UnsafeRawBufferPointer($0)) } ?? 0
                        statement.bindInt(tail + 7, Int64(bitPattern: idHash))
                    }
                    try statement.step()
                    let inserted = db.changes > 0
                    let eventRow = db.lastInsertRowID
                    statement.reset()
                    if inserted, let sessionID {
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
                        guard inserted, !insight else { continue }
                        bind(insertResource, 1, f(.eventID))
                        insertResource.bindInt(2, position)
                        bind(insertResource, 3, entry.arn)
                        bind(insertResource, 4, entry.type)
                        bind(insertResource, 5, entry.accountID)
                        insertResource.bindInt(6, eventRow)
                        try insertResource.step()
                        insertResource.reset()
                        position += 1
                    }
                    if insight {
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
                       duplicates: result.duplicateEvents, rejected: result.rejected, error: file.fileError, duplicateOf: nil, blob: blobID)
        return result
    }

    private func storeBlob(_ bytes: [UInt8]) throws -> Int64 {
        try bytes.withUnsafeBufferPointer { buffer in
            insertBlob.bindBlobNoCopy(1, buffer)
            try insertBlob.step()
            insertBlob.reset()
        }
        return db.lastInsertRowID
    }

    /// Whether the call is one of `Schema.identityCalls`, compared as bytes. A service listed
    /// without names stands for its calls that are not read-only.
    static func isIdentityCall(_ source: UnsafeBufferPointer<UInt8>?, _ name: UnsafeBufferPointer<UInt8>?, readOnly: FieldValue) -> Bool {
        guard let source, let name else { return false }
        for call in identityCalls where source.elementsEqual(call.source) {
            if call.names.isEmpty { return readOnly.kind != .trueValue }
            return call.names.contains { name.elementsEqual($0) }
        }
        return false
    }

    private static let identityCalls: [(source: [UInt8], names: [[UInt8]])] =
        Schema.identityCalls.map { (Array($0.source.utf8), $0.names.map { Array($0.utf8) }) }

    /// Stands in for the base address of an empty buffer; no field ever points into it.
    nonisolated(unsafe) private static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    private func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }

    private func ledger(_ identity: FileIdentity, status: FileStatus, records: Int, new: Int, duplicates: Int,
                        rejected: Int, error: String?, duplicateOf: Int64?, blob: Int64? = nil) throws -> Int64 {
        try upsertFile.bind([
            .text(identity.path), .integer(identity.size), identity.mtimeNs.map { .integer($0) } ?? .null,
            .text(identity.sha256), identity.content.map { .text($0.sha256) } ?? .null,
            identity.content.map { .integer($0.size) } ?? .null, .text(identity.kind), .text(status.rawValue), .integer(Int64(records)),
            .integer(Int64(new)), .integer(Int64(duplicates)), .integer(Int64(rejected)), text(error),
            duplicateOf.map { .integer($0) } ?? .null, blob.map { .integer($0) } ?? .null,
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
