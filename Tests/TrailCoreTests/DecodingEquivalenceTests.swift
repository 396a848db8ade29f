import Foundation
import Testing
@testable import TrailCore

// Parser equivalence: every record of the shared corpus, read by trail's byte-level decoder and by
// Foundation's JSONSerialization, must give the same values.

/// One corpus file as Foundation sees it: record index (trail's numbering) → parsed record, or nil
/// when that line is not valid JSON.
private struct FoundationView {
    enum Shape: String { case records, array, single, ndjson, lookupEvents }
    var shape: Shape
    var records: [(index: Int, value: Any?)]
    /// `Events[]` elements that are records themselves rather than `CloudTrailEvent` strings.
    var lookupEventsWithObjects = false
}

private func foundationParse(_ any: Data) -> Any? {
    try? JSONSerialization.jsonObject(with: any, options: [.fragmentsAllowed])
}

/// Case-insensitive member lookup, as trail matches keys. `ambiguous` when two spellings are present.
private func member(_ object: Any?, _ key: String) -> (value: Any?, ambiguous: Bool) {
    guard let dict = object as? [String: Any] else { return (nil, false) }
    let lower = key.lowercased()
    let keys = dict.keys.filter { $0.lowercased() == lower }
    if keys.count > 1 { return (nil, true) }
    guard let found = keys.first else { return (nil, false) }
    let value = dict[found]
    return (value is NSNull ? nil : value, false)
}

private func member(_ object: Any?, path: [String]) -> (value: Any?, ambiguous: Bool) {
    var current: Any? = object
    for key in path {
        let (value, ambiguous) = member(current, key)
        if ambiguous { return (nil, true) }
        current = value
    }
    return (current, false)
}

private func foundationView(of text: [UInt8]) -> FoundationView? {
    let data = Data(text)
    if let document = foundationParse(data) {
        if let dict = document as? [String: Any] {
            if let records = member(dict, "Records").value as? [Any] {
                return FoundationView(shape: .records, records: records.enumerated().map { ($0.offset, $0.element) })
            }
            if let events = member(dict, "Events").value as? [Any] {
                var view = FoundationView(shape: .lookupEvents, records: [])
                var index = 0
                for element in events {
                    if let string = member(element, "CloudTrailEvent").value as? String {
                        view.records.append((index, foundationParse(Data(string.utf8))))
                        index += 1
                    } else if element is [String: Any] {
                        view.lookupEventsWithObjects = true
                        view.records.append((index, element))
                        index += 1
                    }
                }
                return view
            }
            return FoundationView(shape: .single, records: [(0, dict)])
        }
        if let array = document as? [Any] {
            return FoundationView(shape: .array, records: array.enumerated().map { ($0.offset, $0.element) })
        }
        return nil
    }
    // NDJSON: one value per non-blank line.
    var view = FoundationView(shape: .ndjson, records: [])
    var index = 0
    var parsedAny = false
    for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        let value = foundationParse(Data(line))
        if value != nil { parsedAny = true }
        view.records.append((index, value))
        index += 1
    }
    return parsedAny ? view : nil
}

/// Compares a trail string column with Foundation's value of the same member.
private func sameScalar(_ trail: String?, _ expected: Any?, boolean: Bool = false) -> Bool {
    guard let expected else { return trail == nil }
    if boolean {
        if let flag = expected as? Bool, !(expected is String) { return trail == (flag ? "true" : "false") }
        if let text = expected as? String, ["true", "false"].contains(text.lowercased()) { return trail == text.lowercased() }
    }
    if let string = expected as? String {
        guard let trail else { return false }
        return Array(trail.unicodeScalars) == Array(string.unicodeScalars)
    }
    // Not a string: trail keeps the value's JSON text.
    guard let trail, let reparsed = foundationParse(Data(trail.utf8)) else { return false }
    return sameJSON(reparsed, expected)
}

/// Deep equality of two Foundation JSON values, through NSDictionary/NSArray isEqual.
private func sameJSON(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (is NSNull, nil), (nil, is NSNull): return true
    case let (x as [String: Any], y as [String: Any]): return NSDictionary(dictionary: x).isEqual(NSDictionary(dictionary: y))
    case let (x as [Any], y as [Any]): return NSArray(array: x).isEqual(NSArray(array: y))
    case let (x as String, y as String): return Array(x.unicodeScalars) == Array(y.unicodeScalars)
    case let (x as NSObject, y as NSObject): return x.isEqual(y)
    default: return false
    }
}

/// Columns compared as strings: (column, path in the record, stored as a boolean).
private let scalarColumns: [(EventColumn, [String], Bool)] = [
    (.eventID, ["eventID"], false), (.eventTime, ["eventTime"], false), (.eventVersion, ["eventVersion"], false),
    (.eventSource, ["eventSource"], false), (.eventName, ["eventName"], false), (.awsRegion, ["awsRegion"], false),
    (.sourceIPAddress, ["sourceIPAddress"], false), (.userAgent, ["userAgent"], false), (.errorCode, ["errorCode"], false),
    (.errorMessage, ["errorMessage"], false), (.requestID, ["requestID"], false), (.eventType, ["eventType"], false),
    (.recipientAccountID, ["recipientAccountId"], false), (.sharedEventID, ["sharedEventID"], false),
    (.eventCategory, ["eventCategory"], false), (.vpcEndpointID, ["vpcEndpointId"], false),
    (.readOnly, ["readOnly"], true), (.managementEvent, ["managementEvent"], true),
    (.identityType, ["userIdentity", "type"], false), (.principalID, ["userIdentity", "principalId"], false),
    (.identityARN, ["userIdentity", "arn"], false), (.identityAccountID, ["userIdentity", "accountId"], false),
    (.accessKeyID, ["userIdentity", "accessKeyId"], false), (.userName, ["userIdentity", "userName"], false),
    (.invokedBy, ["userIdentity", "invokedBy"], false),
    (.sessionCreationDate, ["userIdentity", "sessionContext", "attributes", "creationDate"], false),
    (.sessionMFAAuthenticated, ["userIdentity", "sessionContext", "attributes", "mfaAuthenticated"], false),
    (.sessionIssuerARN, ["userIdentity", "sessionContext", "sessionIssuer", "arn"], false),
    (.sessionIssuerType, ["userIdentity", "sessionContext", "sessionIssuer", "type"], false),
    (.sessionIssuerUserName, ["userIdentity", "sessionContext", "sessionIssuer", "userName"], false),
    (.sessionIssuerAccountID, ["userIdentity", "sessionContext", "sessionIssuer", "accountId"], false),
    (.sourceIdentity, ["userIdentity", "sessionContext", "sourceIdentity"], false),
]

/// Columns kept as the member's JSON text.
private let verbatimColumns: [(EventColumn, String)] = [
    (.requestParameters, "requestParameters"), (.responseElements, "responseElements"),
    (.additionalEventData, "additionalEventData"), (.userIdentity, "userIdentity"),
    (.serviceEventDetails, "serviceEventDetails"), (.tlsDetails, "tlsDetails"),
]

/// Top-level members trail maps to columns (anything else lands in `extra`).
private let knownTopLevel: Set<String> = [
    "eventversion", "useridentity", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent",
    "requestparameters", "responseelements", "requestid", "eventid", "readonly", "eventtype", "managementevent",
    "recipientaccountid", "eventcategory", "tlsdetails", "errorcode", "errormessage", "additionaleventdata", "sharedeventid",
    "apiversion", "serviceeventdetails", "vpcendpointid", "vpcendpointaccountid", "addendum", "sessioncredentialfromconsole",
    "edgedevicedetails", "insightdetails", "eventcontext", "annotation",
]

/// Unix seconds of an RFC 3339 time, by Foundation.
private func foundationSeconds(_ text: String) -> Int64? {
    let isoFormatter = ISO8601DateFormatter()
    isoFormatter.formatOptions = [.withInternetDateTime]
    let isoFractionalFormatter = ISO8601DateFormatter()
    isoFractionalFormatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = isoFormatter.date(from: text) ?? isoFractionalFormatter.date(from: text) else { return nil }
    return Int64(date.timeIntervalSince1970.rounded(.down))
}

/// Walks the corpus and returns the files to compare (sorted, relative paths).
private func corpusFiles() throws -> [URL] {
    let root = TS.corpusDirectory
    let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
    var files: [URL] = []
    for case let url as URL in enumerator {
        let name = url.lastPathComponent.lowercased()
        guard name.hasSuffix(".json") || name.hasSuffix(".json.gz") || name.hasSuffix(".jsonl") else { continue }
        files.append(url)
    }
    return files.sorted { $0.path < $1.path }
}

@Suite("Decoding: parser equivalence with Foundation on the shared corpus")
struct DecodingEquivalenceTests {
    @Test("the corpus is present (../shared/corpus next to the repository)", .enabled(if: TS.runCorpusTests, TS.corpusSkipReason))
    func corpusPresent() throws {
        var isDirectory: ObjCBool = false
        let present = FileManager.default.fileExists(atPath: TS.corpusDirectory.path, isDirectory: &isDirectory) && isDirectory.boolValue
        try #require(present, "corpus not found at \(TS.corpusDirectory.path): the equivalence tests need ../shared/corpus (CI provides it)")
        #expect(try corpusFiles().count > 100)
    }

    @Test("every corpus record: trail's columns equal Foundation's values", .enabled(if: TS.runCorpusTests, TS.corpusSkipReason))
    func equivalence() throws {
        try #require(FileManager.default.fileExists(atPath: TS.corpusDirectory.path),
                     "corpus not found at \(TS.corpusDirectory.path): the equivalence tests need ../shared/corpus (CI provides it)")
        var filesCompared = 0, filesSkipped: [String] = []
        var recordsCompared = 0, recordsRejected = 0, fieldsCompared = 0
        var shapes: [String: Int] = [:]

        for url in try corpusFiles() {
            let relative = String(url.path.dropFirst(TS.corpusDirectory.path.count + 1))
            let raw = Array(try Data(contentsOf: url))
            let text: [UInt8]
            if relative.hasSuffix(".gz") {
                text = try #require(TS.gunzipWithSystemTool(raw), "\(relative): gzip -d failed")
            } else {
                text = raw
            }
            guard let view = foundationView(of: text) else {
                filesSkipped.append(relative)  // Foundation cannot parse it: nothing to compare with.
                continue
            }
            filesCompared += 1
            shapes[view.shape.rawValue, default: 0] += 1
            let parsed = LogFileDecoder.decode(raw)
            var problems: [String] = []
            func problem(_ message: String) { problems.append("\(relative): \(message)") }

            if parsed.fileError != nil {
                problem("file error \(parsed.fileError!)")
            }
            let stored = Dictionary(uniqueKeysWithValues: (0..<parsed.recordCount).map { (Int(parsed.recordIndexes[$0]), $0) })
            let rejected = Dictionary(parsed.rejects.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })

            for (index, value) in view.records {
                // Foundation could not parse this line: trail must reject it as invalid JSON.
                guard let value else {
                    if let reject = rejected[index] {
                        if !reject.reason.hasPrefix("invalid JSON") { problem("record \(index): Foundation cannot parse it, trail rejected it as \(reject.reason)") }
                    } else {
                        problem("record \(index): Foundation cannot parse it, trail neither rejected nor stored it as such (stored: \(stored[index] != nil))")
                    }
                    continue
                }
                guard let record = value as? [String: Any] else {
                    if rejected[index]?.reason.contains("not an object") != true { problem("record \(index) is not an object but was not rejected as such") }
                    continue
                }
                let id = member(record, "eventID").value as? String
                // Logstash exports rename eventTime to @timestamp; trail reads that when eventTime is absent.
                let eventTimeMember = member(record, "eventTime")
                let eventTimeAbsent = !eventTimeMember.ambiguous && !record.keys.contains { $0.lowercased() == "eventtime" }
                let expectedTime: Any? = eventTimeAbsent ? member(record, "@timestamp").value : eventTimeMember.value
                let time = expectedTime as? String
                guard let row = stored[index] else {
                    guard let reject = rejected[index] else {
                        problem("record \(index) (eventID \(id ?? "nil")) is neither stored nor rejected")
                        continue
                    }
                    recordsRejected += 1
                    // A rejection must be justified by the record itself.
                    let justified: Bool
                    if id == nil || id!.isEmpty {
                        justified = reject.reason.contains("eventID")
                    } else if time == nil {
                        justified = reject.reason.contains("eventTime")
                    } else {
                        justified = reject.reason.contains("ISO-8601") && foundationSeconds(time!) == nil
                    }
                    if !justified { problem("record \(index) (eventID \(id ?? "nil"), eventTime \(time ?? "nil")) rejected: \(reject.reason)") }
                    continue
                }
                recordsCompared += 1
                if id == nil { problem("record \(index): stored although Foundation sees no string eventID (\(String(describing: member(record, "eventID").value)))") }

                for (column, path, boolean) in scalarColumns {
                    var (expected, ambiguous) = member(record, path: path)
                    if column == .eventTime { expected = expectedTime }
                    if ambiguous { continue }
                    // A nested column is only filled when every level above it is an object.
                    let actual = parsed.string(row, column)
                    fieldsCompared += 1
                    if !sameScalar(actual, expected, boolean: boolean) {
                        problem("record \(index) \(path.joined(separator: ".")): trail \(actual.debugDescription) ≠ Foundation \(String(describing: expected))")
                    }
                }
                for (column, key) in verbatimColumns {
                    let (expected, ambiguous) = member(record, key)
                    if ambiguous { continue }
                    let actual = parsed.string(row, column)
                    fieldsCompared += 1
                    if expected == nil {
                        if actual != nil { problem("record \(index) \(key): trail has \(actual!.prefix(80)), Foundation has null/absent") }
                        continue
                    }
                    guard let actual, let reparsed = foundationParse(Data(actual.utf8)) else {
                        problem("record \(index) \(key): trail's text does not re-parse: \(actual?.prefix(80) ?? "nil")")
                        continue
                    }
                    if !sameJSON(reparsed, expected) {
                        problem("record \(index) \(key): re-parsed trail text differs from Foundation's value")
                    }
                }
                // Unknown members are kept in `extra`, nothing dropped.
                var expectedExtra: [String: Any] = [:]
                for (key, member) in record where !knownTopLevel.contains(key.lowercased()) {
                    if key.lowercased() == "resources", member is [Any] { continue }
                    expectedExtra[key] = member
                }
                let extra = parsed.string(row, .extra)
                fieldsCompared += 1
                if expectedExtra.isEmpty {
                    if extra != nil { problem("record \(index): unexpected extra \(extra!.prefix(80))") }
                } else if let extra, let reparsed = foundationParse(Data(extra.utf8)) as? [String: Any] {
                    if !sameJSON(reparsed, expectedExtra) { problem("record \(index): extra \(extra.prefix(120)) ≠ unknown members \(expectedExtra.keys.sorted())") }
                } else {
                    problem("record \(index): unknown members \(expectedExtra.keys.sorted()) missing from extra (\(extra ?? "nil"))")
                }
                // eventTime as Unix seconds.
                if let time, let seconds = foundationSeconds(time), parsed.eventTimes[row] != seconds {
                    problem("record \(index): event time \(parsed.eventTimes[row]) ≠ Foundation \(seconds) for \(time)")
                }
                // resources[] entries.
                if let resources = member(record, "resources").value as? [Any] {
                    let entries = parsed.resources.filter { Int($0.record) == row }
                    if entries.count != resources.count {
                        problem("record \(index): \(entries.count) resources ≠ Foundation \(resources.count)")
                    } else {
                        for (entry, resource) in zip(entries, resources) where resource is [String: Any] {
                            for (field, key) in [(entry.arn, "ARN"), (entry.type, "type"), (entry.accountID, "accountId")] {
                                if !sameScalar(parsed.string(field), member(resource, key).value) {
                                    problem("record \(index): resource \(key) \(parsed.string(field).debugDescription) ≠ \(String(describing: member(resource, key).value))")
                                }
                            }
                        }
                    }
                }
            }
            // Nothing trail stored or rejected may come from nowhere.
            let known = Set(view.records.map(\.index))
            for index in stored.keys where !known.contains(index) { problem("trail stored record \(index) that Foundation does not see") }

            if problems.isEmpty { continue }
            if view.lookupEventsWithObjects {
                // See the report: `{"Events":[{…record…}]}` (records, not CloudTrailEvent strings) are silently dropped.
                for message in problems { Issue.record(Comment(rawValue: message)) }
            } else {
                for message in problems.prefix(20) { Issue.record(Comment(rawValue: message)) }
            }
        }
        // The comparison must not be vacuous: the corpus holds several hundred comparable records.
        #expect(filesCompared >= 200, "files compared: \(filesCompared), skipped: \(filesSkipped)")
        #expect(recordsCompared >= 850, "records compared: \(recordsCompared)")
        #expect(recordsRejected >= 100, "records rejected: \(recordsRejected)")
        #expect(fieldsCompared > 30_000)
        #expect(shapes["records"] ?? 0 > 0 && shapes["array"] ?? 0 > 0 && shapes["ndjson"] ?? 0 > 0 && shapes["single"] ?? 0 > 0,
                "\(shapes)")
        #expect(filesSkipped.count <= 3, "files Foundation cannot parse: \(filesSkipped)")
    }
}
