import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// How wide a table may be: `$COLUMNS` when set (an explicit request, also handy in scripts),
/// else the terminal's width when stdout is one, else no limit: a pipe or a file gets whole
/// values, as grep and the reports expect.
public enum TerminalWidth {
    public static func current(environment: [String: String]) -> Int? {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)), columns > 0 {
            return columns
        }
        return terminalColumns()
    }

    /// The window width of stdout when it is a terminal.
    static func terminalColumns() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        let rc = withUnsafeMutablePointer(to: &size) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        guard rc == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
