/// A JSON syntax error at a byte offset of the scanned buffer.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public let offset: Int
    public let reason: String
}

/// What kind of value a scan found.
public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, bool, null
}

/// A string token: the bytes between the quotes, and whether they hold escapes to decode.
struct StringToken {
    var start: Int
    var end: Int
    var hasEscapes: Bool
    var count: Int { end - start }
}

/// A single-pass, validating JSON scanner over bytes (RFC 8259, UTF-8 checked).
///
/// It never recurses, so nesting depth is bounded by memory, not the stack, and it never
/// reads outside `0..<count`. Values can be skipped (validated, not materialised), which is
/// how the normaliser keeps raw sub-objects as byte ranges instead of building trees.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var pos: Int

    init(base: UnsafePointer<UInt8>, count: Int, pos: Int = 0) {
        self.base = base
        self.count = count
        self.pos = pos
    }

    @inline(__always)
    func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? pos, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    /// Next non-whitespace byte, or nil at the end.
    @inline(__always)
    mutating func peekNonWhitespace() -> UInt8? {
        skipWhitespace()
        return pos < count ? base[pos] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard pos < count else { throw fail("unexpected end of input, expected \(what)") }
        guard base[pos] == byte else { throw fail("expected \(what), found \(describe(base[pos]))") }
        pos += 1
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    // MARK: strings

    /// Scans a string starting at the opening quote; leaves `pos` after the closing quote.
    mutating func scanString() throws -> StringToken {
        guard pos < count, base[pos] == UInt8(ascii: "\"") else {
            throw pos < count ? fail("expected a string, found \(describe(base[pos]))") : fail("unexpected end of input, expected a string")
        }
        let open = pos
        pos += 1
        let start = pos
        var escapes = false
        while pos < count {
            let c = base[pos]
            if c == 0x22 {  // "
                let token = StringToken(start: start, end: pos, hasEscapes: escapes)
                pos += 1
                return token
            } else if c == 0x5C {  // backslash
                escapes = true
                guard pos + 1 < count else { break }
                switch base[pos + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    pos += 2
                case 0x75:  // u
                    guard pos + 5 < count else { pos = count; break }
                    for i in 2...5 where hexValue(base[pos + i]) == nil {
                        throw fail("invalid \\u escape in string", at: pos)
                    }
                    pos += 6
                default:
                    throw fail("invalid escape \\\(describe(base[pos + 1])) in string", at: pos)
                }
            } else if c < 0x20 {
                throw fail("unescaped control character \(describe(c)) in string")
            } else if c < 0x80 {
                pos += 1
            } else {
                try validateUTF8Sequence()
            }
        }
        throw fail("unterminated string", at: open)
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` and steps over it.
    @inline(__always)
    mutating func validateUTF8Sequence() throws {
        let lead = base[pos]
        var need = 0
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: throw fail("invalid UTF-8 byte 0x\(String(lead, radix: 16, uppercase: true)) in string")
        }
        guard pos + need < count else { throw fail("truncated UTF-8 sequence in string") }
        let second = base[pos + 1]
        guard second >= lo && second <= hi else { throw fail("invalid UTF-8 sequence in string") }
        if need > 1 {
            for i in 2...need where base[pos + i] & 0xC0 != 0x80 {
                throw fail("invalid UTF-8 sequence in string")
            }
        }
        pos += need + 1
    }

    /// Appends the decoded content of `token` (escapes resolved) to `output`.
    func decode(_ token: StringToken, into output: inout [UInt8]) {
        if !token.hasEscapes {
            output.append(contentsOf: UnsafeBufferPointer(start: base + token.start, count: token.count))
            return
        }
        var i = token.start
        while i < token.end {
            let c = base[i]
            guard c == 0x5C, i + 1 < token.end else {
                output.append(c)
                i += 1
                continue
            }
            let e = base[i + 1]
            i += 2
            switch e {
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x6E: output.append(0x0A)
            case 0x72: output.append(0x0D)
            case 0x74: output.append(0x09)
            case 0x75:
                var scalar = hex4(at: i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must pair with a following \uDC00–\uDFFF escape.
                    if i + 6 <= token.end, base[i] == 0x5C, base[i + 1] == 0x75 {
                        let low = hex4(at: i + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &output)
            default: output.append(e)  // " \ /
            }
        }
    }

    /// The decoded string as a Swift String.
    func string(_ token: StringToken) -> String {
        if !token.hasEscapes {
            return String(decoding: UnsafeBufferPointer(start: base + token.start, count: token.count), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.count)
        decode(token, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    func hex4(at i: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 { value = value << 4 | UInt32(hexValue(base[i + k]) ?? 0) }
        return value
    }

    // MARK: scalars

    mutating func scanNumber() throws {
        let start = pos
        if pos < count && base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < count, isDigit(base[pos]) else { throw fail("invalid number", at: start) }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
        if pos < count && base[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < count, isDigit(base[pos]) else { throw fail("invalid number", at: start) }
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
        if pos < count && (base[pos] | 0x20) == UInt8(ascii: "e") {
            pos += 1
            if pos < count && (base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < count, isDigit(base[pos]) else { throw fail("invalid number", at: start) }
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
    }

    mutating func scanLiteral(_ literal: StaticString) throws {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= count else { throw fail("unexpected end of input in literal") }
        let lit = literal.utf8Start
        for i in 0..<n where base[pos + i] != lit[i] {
            throw fail("invalid literal, expected \(literal)")
        }
        pos += n
    }

    /// Scans one non-container value at `pos`.
    mutating func scanScalar() throws -> JSONKind {
        guard pos < count else { throw fail("unexpected end of input, expected a value") }
        switch base[pos] {
        case 0x22: _ = try scanString(); return .string
        case 0x74: try scanLiteral("true"); return .bool
        case 0x66: try scanLiteral("false"); return .bool
        case 0x6E: try scanLiteral("null"); return .null
        case 0x2D, 0x30...0x39: try scanNumber(); return .number
        default: throw fail("expected a value, found \(describe(base[pos]))")
        }
    }

    // MARK: whole values

    private enum SkipState { case open, key, value, after }

    /// Skips (and validates) one complete value of any kind, iteratively.
    mutating func skipValue() throws -> JSONKind {
        skipWhitespace()
        guard pos < count else { throw fail("unexpected end of input, expected a value") }
        let first = base[pos]
        guard first == 0x7B || first == 0x5B else { return try scanScalar() }
        var stack: [UInt8] = []
        var state = SkipState.open
        while true {
            switch state {
            case .open:
                let opener = base[pos]
                pos += 1
                stack.append(opener)
                skipWhitespace()
                guard pos < count else { throw fail("unexpected end of input inside \(opener == 0x7B ? "object" : "array")") }
                if base[pos] == opener + 2 {  // '{'+2 == '}', '['+2 == ']'
                    pos += 1
                    stack.removeLast()
                    state = .after
                } else {
                    state = opener == 0x7B ? .key : .value
                }
            case .key:
                skipWhitespace()
                _ = try scanString()
                try expect(0x3A, "':' after object key")
                state = .value
            case .value:
                skipWhitespace()
                guard pos < count else { throw fail("unexpected end of input, expected a value") }
                let c = base[pos]
                if c == 0x7B || c == 0x5B {
                    state = .open
                } else {
                    _ = try scanScalar()
                    state = .after
                }
            case .after:
                guard let top = stack.last else {
                    return first == 0x7B ? .object : .array
                }
                skipWhitespace()
                guard pos < count else { throw fail("unexpected end of input inside \(top == 0x7B ? "object" : "array")") }
                let c = base[pos]
                if c == 0x2C {
                    pos += 1
                    state = top == 0x7B ? .key : .value
                } else if c == top + 2 {
                    pos += 1
                    stack.removeLast()
                } else {
                    throw fail("expected ',' or '\(top == 0x7B ? "}" : "]")', found \(describe(c))")
                }
            }
        }
    }

    // MARK: object iteration

    /// Iterates the members of the object at `pos`: `body` receives each key and must consume
    /// the member's value (by skipping or scanning it).
    mutating func forEachMember(_ body: (inout JSONScanner, StringToken) throws -> Void) throws {
        try expect(0x7B, "'{'")
        skipWhitespace()
        if pos < count && base[pos] == 0x7D { pos += 1; return }
        while true {
            skipWhitespace()
            let key = try scanString()
            try expect(0x3A, "':' after object key")
            skipWhitespace()
            try body(&self, key)
            skipWhitespace()
            guard pos < count else { throw fail("unexpected end of input inside object") }
            let c = base[pos]
            pos += 1
            if c == 0x7D { return }
            guard c == 0x2C else { throw fail("expected ',' or '}' in object, found \(describe(c))", at: pos - 1) }
        }
    }

    /// Iterates the elements of the array at `pos`; `body` must consume each element.
    mutating func forEachElement(_ body: (inout JSONScanner, Int) throws -> Void) throws {
        try expect(0x5B, "'['")
        skipWhitespace()
        if pos < count && base[pos] == 0x5D { pos += 1; return }
        var index = 0
        while true {
            skipWhitespace()
            try body(&self, index)
            index += 1
            skipWhitespace()
            guard pos < count else { throw fail("unexpected end of input inside array") }
            let c = base[pos]
            pos += 1
            if c == 0x5D { return }
            guard c == 0x2C else { throw fail("expected ',' or ']' in array, found \(describe(c))", at: pos - 1) }
        }
    }

    /// Case-insensitive ASCII comparison of a key token with a lowercase literal.
    @inline(__always)
    func keyEquals(_ token: StringToken, _ lowercase: StaticString) -> Bool {
        let n = lowercase.utf8CodeUnitCount
        if token.hasEscapes { return escapedKeyEquals(token, lowercase) }
        guard token.count == n else { return false }
        let lit = lowercase.utf8Start
        for i in 0..<n {
            let b = base[token.start + i]
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if lower != lit[i] { return false }
        }
        return true
    }
}

extension JSONScanner {
    /// The rare key written with escapes (`"event\u004Eame"`): decode it, then compare.
    func escapedKeyEquals(_ token: StringToken, _ lowercase: StaticString) -> Bool {
        var decoded: [UInt8] = []
        decode(token, into: &decoded)
        guard decoded.count == lowercase.utf8CodeUnitCount else { return false }
        let lit = lowercase.utf8Start
        for (i, b) in decoded.enumerated() {
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if lower != lit[i] { return false }
        }
        return true
    }
}

@inline(__always)
func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

@inline(__always)
func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x41...0x46: return c - 0x41 + 10
    case 0x61...0x66: return c - 0x61 + 10
    default: return nil
    }
}

func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        output.append(UInt8(0xF0 | (scalar >> 18)))
        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}
