/// Appends compact JSON to a byte buffer. Records are written field by field in CloudTrail's own
/// key order; going through Foundation's encoders would cost more than the rest of the generator.
///
/// Comma placement uses one flag: a value or a closed container sets it, a key or an opened
/// container clears it. That is enough for the strictly nested writes the generator makes.
struct JSONWriter {
    var out: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 2048) { out.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma { out.append(0x2C) }
    }

    mutating func beginObject() { separate(); out.append(0x7B); needsComma = false }
    mutating func endObject() { out.append(0x7D); needsComma = true }
    mutating func beginArray() { separate(); out.append(0x5B); needsComma = false }
    mutating func endArray() { out.append(0x5D); needsComma = true }

    mutating func key(_ name: StaticString) {
        separate()
        out.append(0x22)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(0x22); out.append(0x3A)
        needsComma = false
    }

    /// Keys that are data (tag names, map keys).
    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        out.append(0x3A)
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    mutating func int(_ value: Int) {
        separate()
        out.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        if value { out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
        needsComma = true
    }

    mutating func null() {
        separate()
        out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        needsComma = true
    }

    /// Already-encoded JSON (a pre-rendered sub-object).
    mutating func raw(_ bytes: [UInt8]) {
        separate()
        out.append(contentsOf: bytes)
        needsComma = true
    }

    mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func field(_ name: StaticString, _ value: Int) { key(name); int(value) }
    mutating func field(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    mutating func optionalField(_ name: StaticString, _ value: String?) {
        if let value { key(name); string(value) }
    }

    private mutating func appendQuoted(_ s: String) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
