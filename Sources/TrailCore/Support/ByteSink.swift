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
    /// What the descriptor is, for the error message ("standard output").
    private let target: String
    /// The `errno` of the first write that failed; later output is dropped.
    public private(set) var failure: WriteFailure?
    /// Blocks written to a descriptor are about this size.
    static let blockSize = 1 << 16

    /// Collects everything; read it back with `text` or `take()`.
    public init() {
        descriptor = nil
        target = ""
    }

    /// Writes to `descriptor` (`STDOUT_FILENO`) in blocks; call `finish()` at the end.
    public init(descriptor: Int32, target: String = "standard output") {
        self.descriptor = descriptor
        self.target = target
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

    /// Writes whatever is buffered (nothing to do when collecting). A failure is kept in
    /// `failure` rather than thrown, so the writers need no error paths; `finish()` reports it.
    public func flush() {
        guard let descriptor else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        // After a failed write the rest is dropped: the first error is the one to report.
        guard failure == nil else { return }
        let code = bytes.withUnsafeBytes { StandardStreams.writeAll(descriptor, $0) }
        if code != 0 { failure = WriteFailure(target: target, code: code) }
    }

    /// Flushes, then throws the first write error, if any: the end of every command's output.
    public func finish() throws {
        flush()
        if let failure { throw failure }
    }

    /// The collected bytes as text, leaving the sink empty.
    public func take() -> String {
        defer { bytes.removeAll(keepingCapacity: true) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
