import CZlib

/// Why a compressed input could not be read.
public struct DecompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at compressed byte \(offset)" }
}

/// gzip decompression on zlib. Concatenated gzip members (valid gzip, written by some log
/// shippers) are all read; a stream that ends early is reported as truncated.
public enum Gunzip {
    /// Output files larger than this are refused: byte ranges are 32-bit and memory is bounded.
    /// (CloudTrail's own files stay far below it.) Also the limit on the compressed input read.
    public static let maximumOutput = FileIO.maximumInput

    /// What inflating produced: every byte zlib emitted before it stopped, and why it stopped
    /// early, if it did. A broken file's bytes before the break are still worth reading.
    public struct Inflated: Sendable {
        public var bytes: [UInt8]
        public var error: DecompressionError?
        /// The error came after every member ended (bytes that are not another member): the
        /// inflated bytes are complete, not cut somewhere inside a record.
        public var endsCleanly: Bool
    }

    public static func isGzip(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
    }

    /// The inflated bytes, or an error if the stream is not whole.
    public static func decompress(_ input: [UInt8], limit: Int = maximumOutput) throws -> [UInt8] {
        let result = inflate(input, limit: limit)
        if let error = result.error { throw error }
        return result.bytes
    }

    /// Inflates as far as the stream allows; never throws, so a caller can keep what came
    /// before a cut, a corrupt block, a bad CRC or junk after the last member. With `prefix`,
    /// stops without error once that many bytes are out (the store reads one record back).
    public static func inflate(_ input: [UInt8], limit: Int = maximumOutput, prefix: Int? = nil) -> Inflated {
        let wanted = prefix ?? Int.max
        var output: [UInt8] = []
        // The gzip trailer's ISIZE is the inflated size mod 2^32: exact for one member under 4 GiB.
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            // A corrupt trailer can claim anything: never reserve more than JSON's plausible ratio.
            output.reserveCapacity(min(isize, limit, input.count * 40, wanted) + 1)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        var failure: DecompressionError?
        var clean = false
        input.withUnsafeBufferPointer { inBuffer in
            guard let inBase = inBuffer.baseAddress else { return }
            members: while consumed < input.count {
                var stream = z_stream()
                guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else {
                    failure = DecompressionError(offset: consumed, reason: "zlib could not start inflating")
                    return
                }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                var status: Int32 = Z_OK
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        let rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                        let produced = out.count - Int(stream.avail_out)
                        output.append(contentsOf: UnsafeBufferPointer(start: out.baseAddress, count: produced))
                        return rc
                    }
                    let position = consumed + Int(stream.total_in)
                    if output.count >= wanted { return }
                    if output.count > limit {
                        // Refused whole, as a plain file over the limit is: a stream this large is
                        // a bomb or not a log, and parsing its first 512 MiB could cost gigabytes.
                        output = []
                        failure = DecompressionError(offset: position, reason: "inflated size exceeds the \(limit >> 20) MiB limit per file")
                        return
                    }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        failure = DecompressionError(offset: position, reason: "truncated gzip stream (ends before its trailer)")
                        return
                    }
                    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        if output.isEmpty && consumed == 0 && position < 10 {
                            failure = DecompressionError(offset: position, reason: "not a valid gzip stream (\(message))")
                        } else {
                            failure = DecompressionError(offset: position, reason: "corrupt gzip data (\(message))")
                        }
                        return
                    }
                } while status != Z_STREAM_END
                consumed += Int(stream.total_in)
                // Some writers pad with NUL bytes; anything else must be another gzip member.
                while consumed < input.count && input[consumed] == 0 { consumed += 1 }
                if consumed < input.count {
                    guard consumed + 1 < input.count, input[consumed] == 0x1F, input[consumed + 1] == 0x8B else {
                        failure = DecompressionError(offset: consumed, reason: "unexpected bytes after the gzip stream (\(input.count - consumed) bytes that are not another gzip member)")
                        clean = true
                        break members
                    }
                }
            }
        }
        return Inflated(bytes: output, error: failure, endsCleanly: clean)
    }
}
