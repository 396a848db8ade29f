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
    /// (CloudTrail's own files stay far below it.)
    public static let maximumOutput = 1 << 29

    public static func isGzip(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
    }

    public static func decompress(_ input: [UInt8], limit: Int = maximumOutput) throws -> [UInt8] {
        var output: [UInt8] = []
        // The gzip trailer's ISIZE is the inflated size mod 2^32: exact for one member under 4 GiB.
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            // A corrupt trailer can claim anything: never reserve more than JSON's plausible ratio.
            output.reserveCapacity(min(isize, limit, input.count * 40) + 1)
        }
        var stream = z_stream()
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        try input.withUnsafeBufferPointer { inBuffer in
            guard let inBase = inBuffer.baseAddress else { return }
            while consumed < input.count {
                stream = z_stream()
                guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else {
                    throw DecompressionError(offset: consumed, reason: "zlib could not start inflating")
                }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                var status: Int32 = Z_OK
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        let rc = inflate(&stream, Z_NO_FLUSH)
                        let produced = out.count - Int(stream.avail_out)
                        output.append(contentsOf: UnsafeBufferPointer(start: out.baseAddress, count: produced))
                        return rc
                    }
                    if output.count > limit {
                        throw DecompressionError(offset: consumed + Int(stream.total_in),
                                                 reason: "inflated size exceeds the \(limit >> 20) MiB limit per file")
                    }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw DecompressionError(offset: consumed + Int(stream.total_in),
                                                 reason: "truncated gzip stream (ends before its trailer)")
                    }
                    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        let where_ = consumed + Int(stream.total_in)
                        if output.isEmpty && consumed == 0 && where_ < 10 {
                            throw DecompressionError(offset: where_, reason: "not a valid gzip stream (\(message))")
                        }
                        throw DecompressionError(offset: where_, reason: "corrupt gzip data (\(message))")
                    }
                } while status != Z_STREAM_END
                consumed += Int(stream.total_in)
                // Some writers pad with NUL bytes; anything else must be another gzip member.
                while consumed < input.count && input[consumed] == 0 { consumed += 1 }
                if consumed < input.count {
                    guard consumed + 1 < input.count, input[consumed] == 0x1F, input[consumed + 1] == 0x8B else {
                        throw DecompressionError(offset: consumed, reason: "unexpected bytes after the gzip stream")
                    }
                }
            }
        }
        return output
    }
}
