#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: whole-file reads without Foundation's copies, and stat.
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func info(_ path: String) throws -> (size: Int64, mtimeNs: Int64) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(description: "cannot stat: \(String(cString: strerror(errno)))") }
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(description: "cannot stat: \(String(cString: strerror(errno)))") }
        // Read straight into an array of the file's size: no zero-filled staging buffer.
        let expected = max(Int(st.st_size), 0) + 1
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, base + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                filled += n
            }
            count = filled
        }
        if failure != 0 { throw Failure(description: "read error: \(String(cString: strerror(failure)))") }
        if bytes.count == expected {
            // The file grew while being read: take the rest too.
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "read error: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        return bytes
    }
}
