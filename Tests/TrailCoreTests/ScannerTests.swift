import Foundation
import Testing
@testable import TrailCore

// JSONScanner: RFC 8259 grammar, UTF-8 validation, escapes, and depth/size limits.

/// Scans one complete JSON document: a value followed only by whitespace.
private func scanDocument(_ bytes: [UInt8]) -> Result<JSONKind, JSONSyntaxError> {
    let storage = bytes.isEmpty ? [0] : bytes  // a real base address even for empty input
    return storage.withUnsafeBufferPointer { buffer in
        var scanner = JSONScanner(base: buffer.baseAddress!, count: bytes.count)
        do {
            let kind = try scanner.skipValue()
            scanner.skipWhitespace()
            guard scanner.pos == bytes.count else {
                return .failure(JSONSyntaxError(offset: scanner.pos, reason: "trailing content (test harness)"))
            }
            return .success(kind)
        } catch let error as JSONSyntaxError {
            return .failure(error)
        } catch {
            return .failure(JSONSyntaxError(offset: -1, reason: "\(error)"))
        }
    }
}

private func scanDocument(_ text: String) -> Result<JSONKind, JSONSyntaxError> { scanDocument(Array(text.utf8)) }

private func kind(_ text: String) -> JSONKind? {
    if case .success(let kind) = scanDocument(text) { return kind }
    return nil
}

private func error(_ bytes: [UInt8]) -> JSONSyntaxError? {
    if case .failure(let error) = scanDocument(bytes) { return error }
    return nil
}

private func error(_ text: String) -> JSONSyntaxError? { error(Array(text.utf8)) }

/// Scans a JSON string literal (with its quotes) and returns its decoded bytes.
private func decodeStringLiteral(_ bytes: [UInt8]) throws -> [UInt8] {
    try bytes.withUnsafeBufferPointer { buffer in
        var scanner = JSONScanner(base: buffer.baseAddress!, count: buffer.count)
        let token = try scanner.scanString()
        #expect(scanner.pos == buffer.count, "the scanner stops right after the closing quote")
        var out: [UInt8] = []
        scanner.decode(token, into: &out)
        // The String path must agree with the byte path.
        #expect(Array(scanner.string(token).utf8) == out)
        return out
    }
}

private func decodeStringLiteral(_ text: String) throws -> [UInt8] { try decodeStringLiteral(Array(text.utf8)) }

@Suite("JSONScanner")
struct ScannerTests {
    // MARK: valid documents

    @Test("accepts well-formed values of every kind", arguments: [
        ("{}", JSONKind.object), ("[]", .array), ("{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}", .object),
        (" \t\r\n [ 1 , \"x\" ] \n", .array), ("\"x\"", .string), ("\"\"", .string), ("true", .bool), ("false", .bool),
        ("null", .null), ("0", .number), ("-0", .number), ("-0.0", .number), ("12", .number), ("0.5e-3", .number),
        ("1E+10", .number), ("1e10", .number), ("-1.25E-7", .number), ("123456789012345678901234567890", .number),
        ("1e400", .number), ("[[[[]]]]", .array), ("{\"\":{}}", .object), ("{\"a\":1,\"a\":2}", .object),
        ("[\"\u{7F}\"]", .array),
    ])
    func acceptsValid(text: String, expected: JSONKind) {
        #expect(kind(text) == expected, "\(text)")
    }

    // MARK: invalid documents

    @Test("rejects malformed structure", arguments: [
        "", " ", "{", "[", "}", "]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "[1 2]", "{\"a\":1 \"b\":2}",
        "{a:1}", "{'a':1}", "{\"a\" 1}", "{1:2}", "[}", "{]", "[1}", "{\"a\":1]", "[1,2", "{\"a\":[1,2}", "\u{0C}[]",
        "[\u{A0}]", "/* c */ []", "[1]//",
    ])
    func rejectsBadStructure(text: String) {
        #expect(error(text) != nil, "\(text.debugDescription) must be rejected")
    }

    @Test("number grammar: rejects what RFC 8259 does not allow", arguments: [
        "01", "-01", "00", "1.", "-", "+1", ".5", "-.5", "1e", "1e+", "1E-", "1.e5", "0x10", "NaN", "Infinity", "-Infinity",
        "1_000", "1.5.2", "--1", "1e5.5",
    ])
    func rejectsBadNumbers(text: String) {
        // As a top-level document and inside an array (where the scanner must notice the stray byte itself).
        #expect(error(text) != nil, "\(text) as a document")
        #expect(error("[\(text)]") != nil, "[\(text)]")
    }

    @Test("literals must be exact", arguments: ["tru", "True", "TRUE", "nul", "nulll", "fals", "falsey", "n", "t", "nil", "undefined"])
    func rejectsBadLiterals(text: String) {
        #expect(error("[\(text)]") != nil, "[\(text)]")
    }

    @Test("a skipped value ends exactly after its last byte")
    func skipStopsAfterValue() throws {
        let bytes = Array("[1,{\"a\":\"b\"}] tail".utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(base: buffer.baseAddress!, count: buffer.count)
            let kind = try scanner.skipValue()
            #expect(kind == .array)
            #expect(scanner.pos == 13)
        }
    }

    @Test("errors carry the offset of the offending byte")
    func errorOffsets() {
        #expect(error("[1,2,x]")?.offset == 5)
        #expect(error("{\"a\":1,\"b\" 2}")?.offset == 11)
        #expect(error("[1, \"abc")?.offset == 4, "an unterminated string is reported at its opening quote")
        #expect(error("[\"ok\", \"a\u{01}b\"]")?.offset == 9)
    }

    // MARK: strings and escapes

    @Test("simple escapes decode to their characters")
    func simpleEscapes() throws {
        #expect(try decodeStringLiteral(#""\"\\\/\b\f\n\r\t""#) == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09])
        #expect(try decodeStringLiteral(#""a\nb""#) == Array("a\nb".utf8))
        #expect(try decodeStringLiteral(#""plain""#) == Array("plain".utf8))
    }

    @Test("\\u escapes: BMP characters, either hex case, and NUL")
    func unicodeEscapes() throws {
        #expect(try decodeStringLiteral(#""\u0041\u00e9\u20AC\u00E9""#) == Array("Aé€é".utf8))
        #expect(try decodeStringLiteral(#""\u0000""#) == [0x00])
        #expect(try decodeStringLiteral(#""\u007f\u0080\u07FF\u0800\uFFFF""#) == Array("\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}".utf8))
    }

    @Test("surrogate pairs combine into one scalar")
    func surrogatePairs() throws {
        #expect(try decodeStringLiteral(#""\uD83D\uDE00""#) == [0xF0, 0x9F, 0x98, 0x80])
        #expect(try decodeStringLiteral(#""\ud83d\ude00""#) == Array("😀".utf8))
        #expect(try decodeStringLiteral(#""x\uD800\uDC00y""#) == Array("x\u{10000}y".utf8))
        #expect(try decodeStringLiteral(#""\uDBFF\uDFFF""#) == Array("\u{10FFFF}".utf8))
        // Same result as Foundation for well-formed pairs.
        let foundation = try JSONSerialization.jsonObject(with: Data(#"["\uD83D\uDE00 \uD834\uDD1E"]"#.utf8)) as? [String]
        #expect(try String(decoding: decodeStringLiteral(#""\uD83D\uDE00 \uD834\uDD1E""#), as: UTF8.self) == foundation?.first)
    }

    @Test("lone and misordered surrogates become U+FFFD", arguments: [
        (#""\uD83D""#, "\u{FFFD}"),
        (#""\uD83Dx""#, "\u{FFFD}x"),
        (#""\uDE00""#, "\u{FFFD}"),
        (#""a\uDE00b""#, "a\u{FFFD}b"),
        (#""\uDE00\uD83D""#, "\u{FFFD}\u{FFFD}"),
        (#""\uD83D\uD83D\uDE00""#, "\u{FFFD}😀"),
        (#""\uD83D\u0041""#, "\u{FFFD}A"),
        (#""\uD83D\n""#, "\u{FFFD}\n"),
        (#""\uD83D\\uDE00""#, "\u{FFFD}\\uDE00"),
    ])
    func loneSurrogates(literal: String, expected: String) throws {
        let decoded = try decodeStringLiteral(literal)
        #expect(decoded == Array(expected.utf8), "\(literal)")
        #expect(String(validating: decoded, as: UTF8.self) != nil, "decoded text is valid UTF-8")
    }

    @Test("invalid escapes are errors", arguments: [
        #""\x""#, #""\a""#, #""\U0041""#, #""\u12G4""#, #""\u123""#, #""\u""#, #""\'""#, #""\0""#, #""\ ""#, #""\""#,
    ])
    func invalidEscapes(literal: String) {
        #expect(error(literal) != nil, "\(literal)")
    }

    @Test("unterminated strings are errors", arguments: ["\"abc", "\"abc\\\"", "\"abc\\", "\"\\u00", "\"", "[\"a", "{\"k", "{\"k\":\"v"])
    func unterminated(text: String) {
        let failure = error(text)
        #expect(failure != nil, "\(text)")
    }

    @Test("unescaped control characters in strings are errors; DEL is allowed")
    func controlCharacters() {
        for byte in UInt8(0x00)...UInt8(0x1F) {
            let bytes: [UInt8] = [0x22, 0x61, byte, 0x62, 0x22]
            let failure = error(bytes)
            #expect(failure != nil, "control byte 0x\(String(byte, radix: 16))")
            #expect(failure?.reason.contains("control character") == true, "\(failure?.reason ?? "")")
            #expect(failure?.offset == 2)
        }
        #expect(error([0x22, 0x7F, 0x22]) == nil)
    }

    // MARK: UTF-8

    @Test("well-formed UTF-8 in strings is accepted and passed through", arguments: [
        [0xC2, 0x80], [0xC3, 0xA9], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE2, 0x82, 0xAC], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF3, 0xBF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
    ] as [[UInt8]])
    func validUTF8(sequence: [UInt8]) throws {
        let literal: [UInt8] = [0x22] + sequence + [0x22]
        #expect(try decodeStringLiteral(literal) == sequence)
        #expect(String(validating: sequence, as: UTF8.self) != nil, "fixture sanity")
    }

    @Test("invalid UTF-8 in strings is rejected", arguments: [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xC3, 0x41], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE2, 0x28, 0xA1], [0xE2, 0x82], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xF0, 0x9F, 0x98],
    ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) {
        let literal: [UInt8] = [0x5B, 0x22, 0x61] + sequence + [0x62, 0x22, 0x5D]  // ["a…b"]
        let failure = error(literal)
        #expect(failure != nil, "\(sequence.map { String($0, radix: 16) })")
        #expect(failure?.reason.contains("UTF-8") == true, "\(failure?.reason ?? "")")
        #expect(String(validating: sequence, as: UTF8.self) == nil, "fixture sanity")
    }

    @Test("a UTF-8 sequence cut off by the end of input is an error, not an over-read")
    func truncatedUTF8AtEnd() {
        for cut in [[0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98]] as [[UInt8]] {
            #expect(error([0x22] + cut) != nil)
        }
    }

    @Test("bytes outside strings must be JSON tokens")
    func strayBytes() {
        #expect(error([0x5B, 0xC3, 0xA9, 0x5D]) != nil)  // [é]
        #expect(error([0xEF, 0xBB, 0xBF, 0x5B, 0x5D]) != nil, "the scanner itself does not skip a BOM (the decoder does)")
    }

    // MARK: keys

    @Test("keyEquals matches ASCII case-insensitively, and keys written with escapes once decoded")
    func keyMatching() throws {
        let bytes = Array(#"{"EventID":1,"eventid":2,"EVENTID":3,"event\u0049D":4,"eventIDx":5}"#.utf8)
        var matches: [Bool] = []
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(base: buffer.baseAddress!, count: buffer.count)
            try scanner.forEachMember { s, key in
                matches.append(s.keyEquals(key, "eventid"))
                _ = try s.skipValue()
            }
        }
        #expect(matches == [true, true, true, true, false])
    }

    // MARK: depth and size

    @Test("10,000-deep arrays and objects are skipped without recursion")
    func deepNesting() {
        let depth = 10_000
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(kind(arrays) == .array)
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(kind(objects) == .object)
        let mixed = String(repeating: "{\"k\":[", count: depth) + "null" + String(repeating: "]}", count: depth)
        #expect(kind(mixed) == .object)
    }

    @Test("a million levels of nesting: the depth is bounded by memory, not by the stack")
    func veryDeepNesting() {
        let depth = 1_000_000
        var bytes = [UInt8](repeating: 0x5B, count: depth)
        bytes += [UInt8](repeating: 0x5D, count: depth)
        #expect({ if case .success(.array) = scanDocument(bytes) { return true }; return false }())
    }

    @Test("deep but broken nesting fails cleanly")
    func deepBroken() {
        let depth = 10_000
        let unclosed = String(repeating: "[", count: depth)
        #expect(error(unclosed)?.reason.contains("end of input") == true)
        let mismatched = String(repeating: "[", count: depth) + "}" + String(repeating: "]", count: depth - 1)
        #expect(error(mismatched)?.offset == depth)
        let missingValue = String(repeating: "{\"a\":", count: depth) + String(repeating: "}", count: depth)
        #expect(error(missingValue) != nil)
    }

    @Test("huge strings: 16 MB plain, 2 MB of escapes, 4 MB of multi-byte text")
    func hugeStrings() throws {
        let plainLength = 16 << 20
        var plain: [UInt8] = [0x22]
        plain += [UInt8](repeating: 0x61, count: plainLength)
        plain.append(0x22)
        let decodedPlain = try decodeStringLiteral(plain)
        #expect(decodedPlain.count == plainLength)

        let escapeCount = 1 << 20
        var escaped: [UInt8] = [0x22]
        for _ in 0..<escapeCount { escaped += [0x5C, 0x6E] }  // \n
        escaped.append(0x22)
        let decodedEscapes = try decodeStringLiteral(escaped)
        #expect(decodedEscapes.count == escapeCount)
        #expect(decodedEscapes.allSatisfy { $0 == 0x0A })

        var multibyte: [UInt8] = [0x22]
        for _ in 0..<(1 << 20) { multibyte += [0xF0, 0x9F, 0x98, 0x80] }
        multibyte.append(0x22)
        #expect(try decodeStringLiteral(multibyte).count == 4 << 20)

        // And the same string as a value inside a document.
        #expect(kind("{\"big\":\"" + String(repeating: "x", count: 1 << 20) + "\"}") == .object)
    }
}
