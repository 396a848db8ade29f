#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old file or the whole new one, never a half
/// written report: a temporary file in the same folder (same file system, so `rename` is
/// atomic), flushed to disk, then renamed over the target. A report served by a web server or
/// picked up by a mailer while a nightly job rewrites it is always complete.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw ReportError.output(path: path, reason: "not a file name") }
        var template = Array(((directory.isEmpty ? "" : directory) + "/.\(name).XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            // mkstemp creates the file 0600; a report is an ordinary file, so use 0666 less the umask.
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
            guard writeAll(fd, Array(text.utf8)) else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
            guard fsync(fd) == 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
        }
        guard rename(temporary, path) == 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
        renamed = true
    }
}

/// Writes every byte, retrying short writes and interruptions; false with `errno` set on failure.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return write(fd, base + written, buffer.count - written)
        }
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        written += n
    }
    return true
}
