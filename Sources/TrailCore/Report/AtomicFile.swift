#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old file or the whole new one, never a half
/// written report: a temporary file in the same folder (same file system, so `rename` is
/// atomic), flushed to disk, then renamed over the target. A report served by a web server or
/// picked up by a mailer while a nightly job rewrites it is always complete.
///
/// `-o` is typed by hand next to `--db`, and often run as root from cron, so the target is
/// checked first: a symlink is followed (the file it points to is replaced, the link stays), and
/// what is there must be an ordinary file that is not an SQLite database or its write-ahead log.
/// A device, FIFO, socket or directory is refused: renaming over `/dev/null` would replace the
/// device node with a regular file. An existing file keeps its permissions (and, when allowed,
/// its owner): rewriting a 0600 report must not publish it as 0644.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        guard !path.isEmpty else { throw ReportError.output(path: path, reason: "empty file name") }
        let target = try resolveSymlinks(path)
        let existing = try check(target, as: path)
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
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
            if let existing {
                fchmod(fd, existing.st_mode & 0o7777)
                // Only root may give a file away; for anyone else the file becomes theirs, as
                // any rewrite by them would make it.
                if existing.st_uid != geteuid() || existing.st_gid != getegid() {
                    _ = fchown(fd, existing.st_uid, existing.st_gid)
                }
            } else {
                // mkstemp creates the file 0600; a new report is an ordinary file: 0666 less the umask.
                let mask = umask(0)
                umask(mask)
                fchmod(fd, 0o666 & ~mask)
            }
            let bytes = Array(text.utf8)
            let code = bytes.withUnsafeBytes { StandardStreams.writeAll(fd, $0) }
            guard code == 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(code))) }
            guard fsync(fd) == 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
        }
        guard rename(temporary, target) == 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
        renamed = true
    }

    /// The path a chain of symlinks ends at (which need not exist yet): the report replaces the
    /// file a link points to, not the link. A relative link is read from the link's folder.
    static func resolveSymlinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0 else {
                if errno == ENOENT { return current }
                throw ReportError.output(path: path, reason: String(cString: strerror(errno)))
            }
            guard (st.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { throw ReportError.output(path: path, reason: String(cString: strerror(errno))) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        throw ReportError.output(path: path, reason: String(cString: strerror(ELOOP)))
    }

    /// The status of what is at `target` when it may be replaced, nil when nothing is there;
    /// throws when it must be left alone. `path` is what the user typed, for the message.
    static func check(_ target: String, as path: String) throws -> stat? {
        var st = stat()
        guard stat(target, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw ReportError.output(path: path, reason: String(cString: strerror(errno)))
        }
        let shown = target == path ? "" : " (\(target))"
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ReportError.output(path: path, reason: "it is a directory\(shown)")
        case S_IFCHR, S_IFBLK: throw ReportError.output(path: path, reason: "it is a device\(shown); refusing to replace it")
        case S_IFIFO: throw ReportError.output(path: path, reason: "it is a FIFO\(shown); refusing to replace it")
        case S_IFSOCK: throw ReportError.output(path: path, reason: "it is a socket\(shown); refusing to replace it")
        default: throw ReportError.output(path: path, reason: "it is not a regular file\(shown)")
        }
        if let kind = sqliteKind(target) {
            throw ReportError.output(path: path, reason: "it is \(kind)\(shown); refusing to overwrite it (give another -o file)")
        }
        return st
    }

    /// "an SQLite database" (the 16-byte header every database file starts with) or "an SQLite
    /// write-ahead log" (its magic number); nil for anything else, including a file that cannot
    /// be read (the rename will then say what is wrong, if anything).
    static func sqliteKind(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 16)
        var filled = 0
        while filled < header.count {
            let n = header.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + filled }, 16 - filled) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        if filled == 16 && header == Array("SQLite format 3\0".utf8) { return "an SQLite database" }
        if filled >= 4 && header[0] == 0x37 && header[1] == 0x7F && header[2] == 0x06 && (header[3] == 0x82 || header[3] == 0x83) {
            return "an SQLite write-ahead log"
        }
        return nil
    }
}
