/// Text for a terminal's message lines (stderr), made inert: file names and record values are
/// chosen by whoever wrote the logs or named the files, and an escape sequence in them would set
/// the window title or clear the screen, while a line break would split one problem into two
/// lines that scripts count separately.
public enum TerminalText {
    /// `text` with every C0 control (including ESC, CR and LF), DEL and C1 control written as a
    /// visible escape: `\n`, `\r`, `\t`, else `\xHH` for the code point (`\x1b`, `\x7f`, `\x9b`).
    /// A backslash is left alone: messages quote SQL and paths, and doubling it would garble them.
    public static func escape(_ text: String) -> String {
        // Nearly every message is plain: C0 and DEL are single bytes, C1 controls start with 0xC2.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F...0x9F:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One message line for stderr: `prefix` and the escaped message, ending in one newline.
    public static func line(_ message: String, prefix: String = "trail: ") -> String {
        prefix + escape(message) + "\n"
    }
}
