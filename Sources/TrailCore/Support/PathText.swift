/// File paths are bytes; the ledger, messages and JSON hold text. A path becomes text by this
/// one rule, which round-trips (`bytes(of: text(of: p)) == p` for every path):
///
/// - a backslash is written `\\`;
/// - a byte that is not part of valid UTF-8, and every control byte (below 0x20, and 0x7F), is
///   written `\xHH` (two lowercase hex digits), so a name cannot break a line of output;
/// - everything else (valid UTF-8 without a backslash: nearly every real path) is unchanged.
public enum PathText {
    public static func text(of bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x5C {
                out += [0x5C, 0x5C]
                i += 1
            } else if byte < 0x20 || byte == 0x7F {
                escape(byte, into: &out)
                i += 1
            } else if let length = validSequenceLength(bytes, at: i) {
                out += bytes[i..<(i + length)]
                i += length
            } else {
                escape(byte, into: &out)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text(of:)` was made from. Text that does not follow the rule (a lone
    /// backslash, `\x` without two hex digits) is taken literally.
    public static func bytes(of text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            if utf8[i] == 0x5C, i + 1 < utf8.count {
                if utf8[i + 1] == 0x5C {
                    out.append(0x5C)
                    i += 2
                    continue
                }
                if utf8[i + 1] == 0x78, i + 3 < utf8.count, let high = hexValue(utf8[i + 2]), let low = hexValue(utf8[i + 3]) {
                    out.append(high << 4 | low)
                    i += 4
                    continue
                }
            }
            out.append(utf8[i])
            i += 1
        }
        return out
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        out += [0x5C, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `i` (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or nil.
    private static func validSequenceLength(_ b: [UInt8], at i: Int) -> Int? {
        let lead = b[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < b.count && range.contains(b[i + k])
        }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }
}
