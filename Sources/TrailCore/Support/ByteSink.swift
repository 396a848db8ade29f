#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// In Support, not Output, because JSONText (Support) escapes straight into it and Support
/// must build on its own (the fuzz target compiles the engine without Output).
///
/// Output bytes gathered in one growing buffer and written in large blocks: to a file
/// descriptor (stdout) once a block is full, or kept whole for a caller that wants the text.
///
/// The writers append cells straight into it rather than building a String per line and
/// joining them: at tens of megabytes of output (26,880 failed calls as a table is 20 MB) the
/// intermediate Strings cost more than the query.
public final class ByteSink {
    public private(set) var bytes: [UInt8] = []
    private let descriptor: Int32?
    private var failed = false
    /// Blocks written to a descriptor are about this size.
    static let blockSize = 1 << 16

    /// Collects everything; read it back with `text` or `take()`.
    public init() {
        descriptor = nil
    }

    /// Writes to `descriptor` (`STDOUT_FILENO`) in blocks; call `flush()` at the end.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(Self.blockSize + 4096)
    }

    @inline(__always)
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public func write(byte: UInt8) { bytes.append(byte) }

    public func write<S: Sequence>(bytes more: S) where S.Element == UInt8 { bytes.append(contentsOf: more) }

    public func writeSpaces(_ count: Int) {
        guard count > 0 else { return }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    /// Where the next byte goes, to trim back to (see `trimTrailingSpaces(from:)`).
    var position: Int { bytes.count }

    /// Drops spaces at the end, back to `start` at most.
    func trimTrailingSpaces(from start: Int) {
        var end = bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if end < bytes.count { bytes.removeSubrange(end...) }
    }

    /// Hands a full block to the descriptor. Writers call it between lines, so `position`
    /// marks stay valid within one line.
    @inline(__always)
    public func flushIfFull() {
        if descriptor != nil && bytes.count >= Self.blockSize { flush() }
    }

    /// Writes whatever is buffered (nothing to do when collecting).
    public func flush() {
        guard let descriptor else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        // After a failed write (a closed pipe: `trail … | head`) the rest is dropped quietly,
        // as `cat` would be stopped by SIGPIPE.
        guard !failed else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = systemWrite(descriptor, base + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failed = true
                    return
                }
            }
        }
    }

    /// The collected bytes as text, leaving the sink empty.
    public func take() -> String {
        defer { bytes.removeAll(keepingCapacity: true) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// write(2), under a name the sink's own `write` methods do not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #elseif canImport(Darwin)
    return Darwin.write(fd, buffer, count)
    #else
    return Musl.write(fd, buffer, count)
    #endif
}
