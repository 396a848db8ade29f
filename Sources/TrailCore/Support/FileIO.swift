#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers on raw path bytes (names need not be UTF-8): stat, and reads that
/// stop at a size limit instead of growing with whatever the input holds.
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The most one input may hold, compressed or inflated (`Gunzip.maximumOutput` is this):
    /// byte ranges are 32-bit and memory is bounded.
    static let maximumInput = 1 << 29

    /// How long a FIFO may stay without a writer before the read says it is waiting.
    static let fifoNoticeMilliseconds: Int32 = 1000

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `body` with `path` as a NUL-terminated C string.
    static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        let cString = path.map { CChar(bitPattern: $0) } + [0]
        return try body(cString)
    }

    static func info(_ path: String) throws -> (size: Int64, mtimeNs: Int64) { try info(Array(path.utf8)) }

    static func info(_ path: [UInt8]) throws -> (size: Int64, mtimeNs: Int64) {
        var st = stat()
        guard withCPath(path, { stat($0, &st) }) == 0 else { throw Failure(description: "cannot stat: \(errorText(errno))") }
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// Reads a file, a FIFO or a device, refusing more than `limit` bytes. A FIFO is opened
    /// without blocking, so a missing writer is reported (`waiting`) rather than hanging silently.
    static func read(_ path: [UInt8], limit: Int = FileIO.maximumInput,
                     waiting: (String) -> Void = FileIO.noteOnStandardError) throws -> [UInt8] {
        let fd = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { throw Failure(description: "cannot open: \(errorText(errno))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(description: "cannot stat: \(errorText(errno))") }
        if (st.st_mode & S_IFMT) == S_IFIFO {
            try waitForWriter(fd, shown: PathText.text(of: path), waiting: waiting)
        }
        // Reads block from here on: O_NONBLOCK was only for the open and the wait.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return try readBounded(fd, status: st, limit: limit)
    }

    /// Standard input, with the same limit.
    static func readStandardInput(limit: Int = FileIO.maximumInput) throws -> [UInt8] {
        var st = stat()
        guard fstat(0, &st) == 0 else { throw Failure(description: "cannot stat standard input: \(errorText(errno))") }
        return try readBounded(0, status: st, limit: limit)
    }

    static func noteOnStandardError(_ line: String) {
        let text = Array("trail: \(line)\n".utf8)
        text.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Polls until the FIFO has a writer (data or a writer that came and went), saying once
    /// that it waits.
    private static func waitForWriter(_ fd: Int32, shown: String, waiting: (String) -> Void) throws {
        var noted = false
        while true {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, fifoNoticeMilliseconds)
            if ready > 0 { return }
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot wait on the FIFO: \(errorText(errno))")
            }
            if !noted {
                waiting("\(shown): a FIFO with no writer yet; waiting for one (interrupt to stop)")
                noted = true
            }
        }
    }

    /// Reads `fd` to its end or to `limit` + 1 bytes, whichever comes first. The buffer is
    /// reserved once, uninitialised: its untouched pages cost no memory, and it never grows by
    /// doubling (which would hold the old and the new copy at once).
    private static func readBounded(_ fd: Int32, status st: stat, limit: Int) throws -> [UInt8] {
        let regular = (st.st_mode & S_IFMT) == S_IFREG
        if regular && Int64(st.st_size) > Int64(limit) {
            throw Failure(description: "file is \(Int64(st.st_size) >> 20) MiB, larger than the \(limit >> 20) MiB limit per file (not read)")
        }
        // A regular file gets its size plus one byte (to notice that it grew); anything else
        // the whole limit plus one, since its size is unknown.
        let capacity = regular ? min(max(Int(st.st_size), 0) + 1, limit + 1) : limit + 1
        var failure: Int32 = 0
        var sniffed = false
        var notLogLike = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var filled = 0
            while filled < buffer.count {
                let n = systemRead(fd, base + filled, min(buffer.count - filled, 1 << 20))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                filled += n
                // A stream of something that is neither gzip nor JSON (`/dev/zero`, a binary
                // device) is refused from its first bytes rather than read to the limit.
                if !regular && !sniffed && filled >= 4096 {
                    sniffed = true
                    if !looksLikeLog(UnsafeBufferPointer(start: base, count: filled)) {
                        notLogLike = true
                        break
                    }
                }
            }
            count = filled
        }
        if failure != 0 { throw Failure(description: "read error: \(errorText(failure))") }
        if notLogLike { return bytes }
        if bytes.count > limit {
            throw Failure(description: regular ? "file grew past the \(limit >> 20) MiB limit per file while being read"
                                               : "input exceeds the \(limit >> 20) MiB limit per file (stopped reading there)")
        }
        return bytes
    }

    /// gzip's magic, or optional BOM and whitespace then `{` or `[`.
    static func looksLikeLog(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return true }
        var i = head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
        while i < head.count, head[i] == 0x20 || head[i] == 0x0A || head[i] == 0x0D || head[i] == 0x09 { i += 1 }
        return i == head.count || head[i] == 0x7B || head[i] == 0x5B
    }
}

/// read(2), under a name `FileIO.read` does not shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
