/// Where a field's value lives after parsing. Values are byte ranges, not Strings, so that the
/// writer can bind them straight from the inflated file without copying or allocating.
public struct FieldValue: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case absent, null
        /// A JSON string's content, without escapes, in `ParsedFile.buffer`.
        case text
        /// A JSON value other than a string (object, array, number, boolean) as its text, in `ParsedFile.buffer`.
        case json
        /// UTF-8 text in `ParsedFile.scratch` (a decoded string, or JSON assembled by trail).
        case scratchText
        case trueValue, falseValue
    }

    public var offset: Int32
    public var length: Int32
    public var kind: Kind

    public static let absent = FieldValue(offset: 0, length: 0, kind: .absent)
    public static let null = FieldValue(offset: 0, length: 0, kind: .null)

    public var isPresent: Bool { kind != .absent && kind != .null }
    /// True for a JSON string (decoded or not).
    public var isString: Bool { kind == .text || kind == .scratchText }
}

/// One `resources[]` entry of a record.
public struct ResourceEntry: Sendable {
    public var record: Int32
    public var arn: FieldValue
    public var type: FieldValue
    public var accountID: FieldValue
}

/// A record that could not be stored as an event, kept with its cause and raw bytes.
public struct RejectedRecord: Sendable, Equatable {
    public var index: Int
    public var offset: Int
    public var reason: String
    public var raw: FieldValue
}

/// Everything one input file yields: its inflated bytes and the parsed records as ranges into them.
public struct ParsedFile: Sendable {
    public var buffer: [UInt8] = []
    public var scratch: [UInt8] = []
    /// `recordCount * EventColumn.count` values, row-major.
    public var fields: [FieldValue] = []
    /// Per record: eventTime and sessionContext creationDate as Unix seconds (`Int64.min` when absent).
    public var eventTimes: [Int64] = []
    public var creationTimes: [Int64] = []
    /// Per record: its index in the file (records and rejects share one numbering).
    public var recordIndexes: [Int32] = []
    /// Per record: an Insights event, stored apart from API activity.
    public var isInsight: [Bool] = []
    /// Per record: where its JSON text lies, in `buffer` (`.json`: the inflated input) or in
    /// `scratch` (`.scratchText`: a record embedded as a string, as lookup-events prints them).
    public var recordSpans: [FieldValue] = []
    public var resources: [ResourceEntry] = []
    public var rejects: [RejectedRecord] = []
    /// What the store keeps of the input: its gzip stream, whose inflated bytes are `buffer`
    /// (the input itself when it came gzip-compressed), and, when records were embedded as
    /// strings, `scratch` compressed the same way. Set by the ingest's parser threads.
    public var archive: [UInt8]?
    public var scratchArchive: [UInt8]?
    /// Between `LogFileDecoder.inflate` and `decodeInflated`: the gzip stream broke, after the
    /// bytes in `buffer` (`endsCleanly`: at a member boundary).
    var brokenGzip: (error: DecompressionError, endsCleanly: Bool)?
    /// Set when the file could not be read to its end; the records before the break are kept.
    public var fileError: String?
    /// Set when the file is a CloudTrail digest document.
    public var digest: DigestDocument?

    public init() {}

    /// Byte ranges are 32-bit: decoded values (scratch) may not grow past this.
    static let scratchLimit = 1 << 30

    public var recordCount: Int { eventTimes.count }

    public func value(_ record: Int, _ column: EventColumn) -> FieldValue {
        fields[record * EventColumn.count + column.rawValue]
    }

    /// The text of a field as a String (for tests and diagnostics; the writer binds bytes).
    public func string(_ field: FieldValue) -> String? {
        switch field.kind {
        case .absent, .null: return nil
        case .trueValue: return "true"
        case .falseValue: return "false"
        case .text, .json: return String(decoding: buffer[Int(field.offset)..<Int(field.offset + field.length)], as: UTF8.self)
        case .scratchText: return String(decoding: scratch[Int(field.offset)..<Int(field.offset + field.length)], as: UTF8.self)
        }
    }

    public func string(_ record: Int, _ column: EventColumn) -> String? { string(value(record, column)) }

    /// Appends another file's records (decoded from a different buffer, as lookup-events'
    /// embedded records are): its bytes move into this file's scratch and its ranges follow.
    mutating func append(_ other: ParsedFile) {
        guard scratch.count + other.buffer.count + other.scratch.count <= Self.scratchLimit else {
            fileError = fileError ?? "file too large: its embedded records exceed \(Self.scratchLimit >> 20) MiB"
            return
        }
        let bufferBase = Int32(scratch.count)
        scratch.append(contentsOf: other.buffer)
        let scratchBase = Int32(scratch.count)
        scratch.append(contentsOf: other.scratch)
        func move(_ v: FieldValue) -> FieldValue {
            switch v.kind {
            case .text, .json: return FieldValue(offset: v.offset + bufferBase, length: v.length, kind: .scratchText)
            case .scratchText: return FieldValue(offset: v.offset + scratchBase, length: v.length, kind: .scratchText)
            default: return v
            }
        }
        let recordBase = Int32(recordCount)
        fields.append(contentsOf: other.fields.map(move))
        eventTimes.append(contentsOf: other.eventTimes)
        creationTimes.append(contentsOf: other.creationTimes)
        recordIndexes.append(contentsOf: other.recordIndexes)
        isInsight.append(contentsOf: other.isInsight)
        recordSpans.append(contentsOf: other.recordSpans.map(move))
        resources.append(contentsOf: other.resources.map {
            ResourceEntry(record: $0.record + recordBase, arn: move($0.arn), type: move($0.type), accountID: move($0.accountID))
        })
        rejects.append(contentsOf: other.rejects.map { RejectedRecord(index: $0.index, offset: $0.offset, reason: $0.reason, raw: move($0.raw)) })
        if fileError == nil { fileError = other.fileError }
    }
}

/// The fields of a CloudTrail digest file that say what it covers.
public struct DigestDocument: Sendable, Equatable {
    public var accountID: String?
    public var startTime: String?
    public var endTime: String?
    public var s3Bucket: String?
    public var s3Object: String?
    public var previousS3Object: String?
    public var logFileCount: Int
    public var raw: String
}
