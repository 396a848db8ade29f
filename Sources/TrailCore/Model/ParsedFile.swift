/// Where a field's value lives after parsing. Values are byte ranges, not Strings, so that the
/// writer can bind them straight from the inflated file without copying or allocating.
public struct FieldValue: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case absent, null
        /// UTF-8 text in `ParsedFile.buffer` (a string without escapes, or raw JSON).
        case text
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
    public var resources: [ResourceEntry] = []
    public var rejects: [RejectedRecord] = []
    /// Set when the file could not be read to its end; the records before the break are kept.
    public var fileError: String?
    /// Set when the file is a CloudTrail digest document.
    public var digest: DigestDocument?

    public init() {}

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
        case .text: return String(decoding: buffer[Int(field.offset)..<Int(field.offset + field.length)], as: UTF8.self)
        case .scratchText: return String(decoding: scratch[Int(field.offset)..<Int(field.offset + field.length)], as: UTF8.self)
        }
    }

    public func string(_ record: Int, _ column: EventColumn) -> String? { string(value(record, column)) }
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
