/// Turns one CloudTrail record (a JSON object in the file buffer) into a row of field ranges.
///
/// Keys are matched case-insensitively, so `sharedEventId`, Lake's lowercase names and
/// CloudTrail's own spelling all land in the same column. When a key repeats, the last
/// occurrence wins (as in most JSON parsers). A value whose type drifts (an object where a
/// string is usual, a number, null) is stored as its JSON text rather than dropped.
struct RecordNormalizer {
    private var row = [FieldValue](repeating: .absent, count: EventColumn.count)
    private var resources: [(FieldValue, FieldValue, FieldValue)] = []
    private var extraMembers: [(key: Range<Int>, value: Range<Int>)] = []

    /// Parses the record at the scanner's position into `file`. Throws only for JSON syntax
    /// errors (the caller decides whether it can resynchronise); a well-formed value that is not
    /// a valid record becomes a `RejectedRecord`.
    mutating func normalize(_ scanner: inout JSONScanner, index: Int, into file: inout ParsedFile) throws {
        scanner.skipWhitespace()
        let start = scanner.pos
        guard file.scratch.count <= ParsedFile.scratchLimit else {
            throw JSONSyntaxError(offset: start, reason: "file too large: its decoded values exceed \(ParsedFile.scratchLimit >> 20) MiB")
        }
        guard start < scanner.count, scanner.base[start] == 0x7B else {
            let kind = try scanner.skipValue()
            file.rejects.append(RejectedRecord(index: index, offset: start, reason: "record is a JSON \(kind), not an object",
                                               raw: FieldValue(offset: Int32(start), length: Int32(scanner.pos - start), kind: .json)))
            return
        }
        for i in row.indices { row[i] = .absent }
        resources.removeAll(keepingCapacity: true)
        extraMembers.removeAll(keepingCapacity: true)
        var resourcesRaw: Range<Int>?
        // Logstash's cloudtrail codec renames eventTime to @timestamp; accept it when eventTime is absent.
        var logstashTimestamp = FieldValue.absent

        try scanner.forEachMember { s, key in
            if let column = Self.topLevelColumn(s, key) {
                if column == .userIdentity {
                    try parseUserIdentity(&s, file: &file)
                } else if column.isVerbatimJSON {
                    row[column.rawValue] = try Self.rawValue(&s)
                } else {
                    row[column.rawValue] = try Self.scalarValue(&s, column: column, scratch: &file.scratch)
                }
            } else if s.keyEquals(key, "@timestamp") {
                let valueStart = s.pos
                logstashTimestamp = try Self.scalarValue(&s, scratch: &file.scratch)
                extraMembers.append((key.start - 1..<key.end + 1, valueStart..<s.pos))
            } else if s.keyEquals(key, "resources") {
                let valueStart = s.pos
                if s.pos < s.count && s.base[s.pos] == 0x5B {
                    try parseResources(&s, file: &file)
                } else {
                    _ = try s.skipValue()
                    resourcesRaw = valueStart..<s.pos
                }
            } else {
                let valueStart = s.pos
                _ = try s.skipValue()
                extraMembers.append((key.start - 1..<key.end + 1, valueStart..<s.pos))
            }
        }
        let end = scanner.pos
        let raw = FieldValue(offset: Int32(start), length: Int32(end - start), kind: .json)

        if let resourcesRaw {
            extraMembers.append((0..<0, resourcesRaw))
        }
        if !extraMembers.isEmpty {
            row[EventColumn.extra.rawValue] = buildExtra(scanner, &file.scratch)
        }

        // A record must say which event it is and when it happened.
        let id = row[EventColumn.eventID.rawValue]
        guard id.isString, id.length > 0 else {
            let reason = id.kind == .absent || id.kind == .null ? "missing eventID" : (id.isString ? "eventID is empty" : "eventID is not a string")
            file.rejects.append(RejectedRecord(index: index, offset: start, reason: reason, raw: raw))
            return
        }
        if row[EventColumn.eventTime.rawValue].kind == .absent, logstashTimestamp.isPresent {
            row[EventColumn.eventTime.rawValue] = logstashTimestamp
        }
        let time = row[EventColumn.eventTime.rawValue]
        guard time.isString else {
            let reason = time.kind == .absent || time.kind == .null ? "missing eventTime" : "eventTime is not a string"
            file.rejects.append(RejectedRecord(index: index, offset: start, reason: reason, raw: raw))
            return
        }
        guard let eventTime = Self.parseTime(time, scanner, file.scratch) else {
            file.rejects.append(RejectedRecord(index: index, offset: start,
                                               reason: "eventTime \"\(file.string(time) ?? "")\" is not an ISO-8601 time", raw: raw))
            return
        }
        let creation = row[EventColumn.sessionCreationDate.rawValue]
        let creationTime = creation.isString ? Self.parseTime(creation, scanner, file.scratch) : nil

        row[EventColumn.sessionID.rawValue] = SessionKey.build(row: row, eventTime: eventTime, creationTime: creationTime,
                                                                base: scanner.base, scratch: &file.scratch)
        let recordNumber = Int32(file.recordCount)
        file.fields.append(contentsOf: row)
        file.eventTimes.append(eventTime)
        file.creationTimes.append(creationTime ?? Int64.min)
        file.recordIndexes.append(Int32(index))
        file.isInsight.append(isInsightRecord(scanner, file))
        file.recordSpans.append(raw)
        for (arn, type, account) in resources {
            file.resources.append(ResourceEntry(record: recordNumber, arn: arn, type: type, accountID: account))
        }
    }

    // MARK: members

    /// Columns filled from userIdentity; cleared when the key repeats, so the last one wins whole.
    private static let identityColumns: [EventColumn] = EventColumn.allCases.filter {
        ($0.rawValue >= EventColumn.identityType.rawValue && $0.rawValue <= EventColumn.inScopeOfIssuedTo.rawValue)
            || [.userIdentity, .webIDFederationData, .onBehalfOf, .inScopeOf, .invokedByDelegate].contains($0)
    }

    private mutating func parseUserIdentity(_ s: inout JSONScanner, file: inout ParsedFile) throws {
        for column in Self.identityColumns { row[column.rawValue] = .absent }
        let start = s.pos
        guard s.pos < s.count, s.base[s.pos] == 0x7B else {
            row[EventColumn.userIdentity.rawValue] = try Self.rawValue(&s)
            return
        }
        try s.forEachMember { s, key in
            if s.keyEquals(key, "type") { row[EventColumn.identityType.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "principalid") { row[EventColumn.principalID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "arn") { row[EventColumn.identityARN.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "accountid") { row[EventColumn.identityAccountID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "accesskeyid") { row[EventColumn.accessKeyID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "username") { row[EventColumn.userName.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "invokedby") { row[EventColumn.invokedBy.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "identityprovider") { row[EventColumn.identityProvider.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "credentialid") { row[EventColumn.credentialID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "sessioncontext") { try parseSessionContext(&s, file: &file) }
            else if s.keyEquals(key, "onbehalfof") {
                row[EventColumn.onBehalfOf.rawValue] = try Self.rawValue(&s)
                row[EventColumn.onBehalfOfUserID.rawValue] = try Self.memberString(of: row[EventColumn.onBehalfOf.rawValue], "userid", s, &file.scratch)
            } else if s.keyEquals(key, "inscopeof") {
                row[EventColumn.inScopeOf.rawValue] = try Self.rawValue(&s)
                row[EventColumn.inScopeOfIssuedTo.rawValue] = try Self.memberString(of: row[EventColumn.inScopeOf.rawValue], "credentialsissuedto", s, &file.scratch)
            } else if s.keyEquals(key, "invokedbydelegate") { row[EventColumn.invokedByDelegate.rawValue] = try Self.rawValue(&s) }
            else { _ = try s.skipValue() }
        }
        row[EventColumn.userIdentity.rawValue] = FieldValue(offset: Int32(start), length: Int32(s.pos - start), kind: .json)
    }

    private mutating func parseSessionContext(_ s: inout JSONScanner, file: inout ParsedFile) throws {
        guard s.pos < s.count, s.base[s.pos] == 0x7B else { _ = try s.skipValue(); return }
        try s.forEachMember { s, key in
            if s.keyEquals(key, "sessionissuer") {
                guard s.pos < s.count, s.base[s.pos] == 0x7B else { _ = try s.skipValue(); return }
                try s.forEachMember { s, key in
                    if s.keyEquals(key, "type") { row[EventColumn.sessionIssuerType.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else if s.keyEquals(key, "principalid") { row[EventColumn.sessionIssuerPrincipalID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else if s.keyEquals(key, "arn") { row[EventColumn.sessionIssuerARN.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else if s.keyEquals(key, "accountid") { row[EventColumn.sessionIssuerAccountID.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else if s.keyEquals(key, "username") { row[EventColumn.sessionIssuerUserName.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else { _ = try s.skipValue() }
                }
            } else if s.keyEquals(key, "attributes") {
                guard s.pos < s.count, s.base[s.pos] == 0x7B else { _ = try s.skipValue(); return }
                try s.forEachMember { s, key in
                    if s.keyEquals(key, "creationdate") { row[EventColumn.sessionCreationDate.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else if s.keyEquals(key, "mfaauthenticated") { row[EventColumn.sessionMFAAuthenticated.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
                    else { _ = try s.skipValue() }
                }
            } else if s.keyEquals(key, "sourceidentity") { row[EventColumn.sourceIdentity.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "ec2roledelivery") { row[EventColumn.ec2RoleDelivery.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "assumedroot") { row[EventColumn.assumedRoot.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "signinsessionarn") { row[EventColumn.signInSessionARN.rawValue] = try Self.scalarValue(&s, scratch: &file.scratch) }
            else if s.keyEquals(key, "webidfederationdata") {
                row[EventColumn.webIDFederationData.rawValue] = try Self.rawValue(&s)
                row[EventColumn.webIDFederatedProvider.rawValue] = try Self.memberString(of: row[EventColumn.webIDFederationData.rawValue], "federatedprovider", s, &file.scratch)
            } else { _ = try s.skipValue() }
        }
    }

    private mutating func parseResources(_ s: inout JSONScanner, file: inout ParsedFile) throws {
        try s.forEachElement { s, _ in
            guard s.pos < s.count, s.base[s.pos] == 0x7B else {
                // Not an object: keep the element's JSON as the ARN so nothing is lost.
                let value = try Self.rawValue(&s)
                resources.append((value, .absent, .absent))
                return
            }
            var arn = FieldValue.absent, type = FieldValue.absent, account = FieldValue.absent
            try s.forEachMember { s, key in
                if s.keyEquals(key, "arn") { arn = try Self.scalarValue(&s, scratch: &file.scratch) }
                else if s.keyEquals(key, "type") { type = try Self.scalarValue(&s, scratch: &file.scratch) }
                else if s.keyEquals(key, "accountid") { account = try Self.scalarValue(&s, scratch: &file.scratch) }
                else { _ = try s.skipValue() }
            }
            resources.append((arn, type, account))
        }
    }

    // MARK: values

    /// A scalar column: a string is stored decoded; anything else as its JSON text.
    static func scalarValue(_ s: inout JSONScanner, column: EventColumn? = nil, scratch: inout [UInt8]) throws -> FieldValue {
        guard s.pos < s.count else { throw s.fail("unexpected end of input, expected a value") }
        let c = s.base[s.pos]
        if c == 0x22 {
            let token = try s.scanString()
            if column?.isBoolean == true, !token.hasEscapes {
                if s.keyEquals(token, "true") { return FieldValue(offset: 0, length: 0, kind: .trueValue) }
                if s.keyEquals(token, "false") { return FieldValue(offset: 0, length: 0, kind: .falseValue) }
            }
            if !token.hasEscapes {
                return FieldValue(offset: Int32(token.start), length: Int32(token.count), kind: .text)
            }
            let offset = scratch.count
            s.decode(token, into: &scratch)
            return FieldValue(offset: Int32(offset), length: Int32(scratch.count - offset), kind: .scratchText)
        }
        let start = s.pos
        let kind = try s.skipValue()
        if kind == .null { return .null }
        if kind == .bool, column?.isBoolean == true {
            return s.base[start] == 0x74 ? FieldValue(offset: 0, length: 0, kind: .trueValue) : FieldValue(offset: 0, length: 0, kind: .falseValue)
        }
        return FieldValue(offset: Int32(start), length: Int32(s.pos - start), kind: .json)
    }

    /// A verbatim column: the value's JSON text; JSON null becomes SQL NULL.
    static func rawValue(_ s: inout JSONScanner) throws -> FieldValue {
        let start = s.pos
        let kind = try s.skipValue()
        if kind == .null { return .null }
        return FieldValue(offset: Int32(start), length: Int32(s.pos - start), kind: .json)
    }

    /// The string member `key` of an object already stored as a raw value.
    static func memberString(of object: FieldValue, _ key: StaticString, _ s: JSONScanner, _ scratch: inout [UInt8]) throws -> FieldValue {
        guard object.kind == .json, object.length > 0, s.base[Int(object.offset)] == 0x7B else { return .absent }
        var sub = JSONScanner(base: s.base, count: Int(object.offset + object.length), pos: Int(object.offset))
        var found = FieldValue.absent
        try sub.forEachMember { sub, k in
            if sub.keyEquals(k, key) { found = try scalarValue(&sub, scratch: &scratch) } else { _ = try sub.skipValue() }
        }
        return found
    }

    static func parseTime(_ field: FieldValue, _ s: JSONScanner, _ scratch: [UInt8]) -> Int64? {
        switch field.kind {
        case .text: return Timestamp.parse(s.base + Int(field.offset), Int(field.length))
        case .scratchText:
            return scratch.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return nil }
                return Timestamp.parse(base + Int(field.offset), Int(field.length))
            }
        default: return nil
        }
    }

    /// Insights records say so in eventType or eventCategory; they are kept apart from API activity.
    private func isInsightRecord(_ s: JSONScanner, _ file: ParsedFile) -> Bool {
        let type = row[EventColumn.eventType.rawValue]
        if type.kind == .text, s.keyEquals(StringToken(start: Int(type.offset), end: Int(type.offset + type.length), hasEscapes: false), "awscloudtrailinsight") {
            return true
        }
        let category = row[EventColumn.eventCategory.rawValue]
        if category.kind == .text, s.keyEquals(StringToken(start: Int(category.offset), end: Int(category.offset + category.length), hasEscapes: false), "insight") {
            return true
        }
        return false
    }

    /// Re-assembles unknown members into one JSON object in scratch.
    private func buildExtra(_ s: JSONScanner, _ scratch: inout [UInt8]) -> FieldValue {
        let offset = scratch.count
        scratch.append(0x7B)
        for (i, member) in extraMembers.enumerated() {
            if i > 0 { scratch.append(0x2C) }
            if member.key.isEmpty {
                scratch.append(contentsOf: Array("\"resources\"".utf8))
            } else {
                scratch.append(contentsOf: UnsafeBufferPointer(start: s.base + member.key.lowerBound, count: member.key.count))
            }
            scratch.append(0x3A)
            scratch.append(contentsOf: UnsafeBufferPointer(start: s.base + member.value.lowerBound, count: member.value.count))
        }
        scratch.append(0x7D)
        return FieldValue(offset: Int32(offset), length: Int32(scratch.count - offset), kind: .scratchText)
    }

    // MARK: key table

    private static let topLevelKeys: [(StaticString, EventColumn)] = [
        ("eventversion", .eventVersion), ("useridentity", .userIdentity), ("eventtime", .eventTime),
        ("eventsource", .eventSource), ("eventname", .eventName), ("awsregion", .awsRegion),
        ("sourceipaddress", .sourceIPAddress), ("useragent", .userAgent), ("requestparameters", .requestParameters),
        ("responseelements", .responseElements), ("requestid", .requestID), ("eventid", .eventID),
        ("readonly", .readOnly), ("eventtype", .eventType), ("managementevent", .managementEvent),
        ("recipientaccountid", .recipientAccountID), ("eventcategory", .eventCategory), ("tlsdetails", .tlsDetails),
        ("errorcode", .errorCode), ("errormessage", .errorMessage), ("additionaleventdata", .additionalEventData),
        ("sharedeventid", .sharedEventID), ("apiversion", .apiVersion), ("serviceeventdetails", .serviceEventDetails),
        ("vpcendpointid", .vpcEndpointID), ("vpcendpointaccountid", .vpcEndpointAccountID), ("addendum", .addendum),
        ("sessioncredentialfromconsole", .sessionCredentialFromConsole), ("edgedevicedetails", .edgeDeviceDetails),
        ("insightdetails", .insightDetails), ("eventcontext", .eventContext), ("annotation", .annotation),
    ]

    static func topLevelColumn(_ s: JSONScanner, _ key: StringToken) -> EventColumn? {
        for (name, column) in topLevelKeys where (key.hasEscapes || name.utf8CodeUnitCount == key.count) && s.keyEquals(key, name) {
            return column
        }
        return nil
    }
}
