import Glibc

/// A buffered text file written with stdio (ground truth runs to millions of lines; going
/// through FileHandle per line would dominate generation time).
final class OutputFile {
    private let file: UnsafeMutablePointer<FILE>
    let path: String

    struct OpenError: Error, CustomStringConvertible {
        let path: String
        let errno: Int32
        var description: String { "cannot create \(path): \(String(cString: strerror(errno)))" }
    }

    init(path: String) throws {
        guard let f = fopen(path, "w") else { throw OpenError(path: path, errno: errno) }
        file = f
        self.path = path
        setvbuf(file, nil, _IOFBF, 1 << 20)
    }

    func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            _ = fwrite(buffer.baseAddress, 1, buffer.count, file)
        }
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = fwrite(buffer.baseAddress, 1, buffer.count, file)
        }
    }

    /// Closes the file; false when a write failed (disk full).
    @discardableResult
    func close() -> Bool {
        let flushed = fflush(file) == 0
        let errored = ferror(file) != 0
        return fclose(file) == 0 && flushed && !errored
    }
}
