/// Writing small JSON values by hand (arrays of strings for the sessions table, CSV-free output).
public enum JSONText {
    public static func quote(_ s: String) -> String {
        // Most values need no escape at all: copy them whole.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + s + "\"" }
        let sink = ByteSink()
        writeQuoted(s, to: sink)
        return sink.take()
    }

    /// `quote(s)` appended to `sink`, escaping on the bytes as they are copied.
    static func writeQuoted(_ s: String, to sink: ByteSink) {
        var s = s
        s.withUTF8 { writeQuoted(bytes: $0, to: sink) }
    }

    /// The same for text already in UTF-8.
    static func writeQuoted(bytes utf8: UnsafeBufferPointer<UInt8>, to sink: ByteSink) {
        sink.write(byte: 0x22)
        var runStart = 0
        for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            sink.write(bytes: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            runStart = i + 1
            switch byte {
            case 0x22: sink.write(bytes: [0x5C, 0x22])
            case 0x5C: sink.write(bytes: [0x5C, 0x5C])
            case 0x0A: sink.write(bytes: [0x5C, 0x6E])
            case 0x0D: sink.write(bytes: [0x5C, 0x72])
            case 0x09: sink.write(bytes: [0x5C, 0x74])
            default: sink.write(bytes: [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            }
        }
        sink.write(bytes: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        sink.write(byte: 0x22)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func array(_ items: [String]) -> String {
        "[" + items.map(quote).joined(separator: ",") + "]"
    }
}
