#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A write to standard output (or another descriptor) that failed: a full disk, a closed
/// descriptor, a reader that went away. The command must not claim success when its output was
/// lost, so this travels up to the command line, which prints it and exits non-zero; a reader
/// that went away (`trail … | head`) is the one case that ends quietly.
public struct WriteFailure: TrailFailure, Equatable {
    /// What was being written: "standard output", or a file's path.
    public var target: String
    /// The `errno` of the failed write.
    public var code: Int32

    public init(target: String, code: Int32) {
        self.target = target
        self.code = code
    }

    public var exitStatus: ExitStatus { .outputError }

    /// EPIPE: the reading end of a pipe was closed.
    public var isBrokenPipe: Bool { code == EPIPE }

    public var description: String { "error writing to \(target): \(String(cString: strerror(code)))" }
}

/// Standard output and standard error through write(2), so that every failure is seen:
/// Foundation's `FileHandle.write` traps on an error (a crash with a backtrace on a full disk or
/// a closed stdout), and `print` drops errors in stdio's buffer.
public enum StandardStreams {
    /// Writes all of `bytes` to `descriptor`, retrying short writes and interruptions.
    /// Returns 0, or the `errno` of the write that failed.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(descriptor, base + offset, bytes.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                // write(2) returning 0 for a non-empty buffer makes no progress: report it as EIO.
                return n < 0 ? errno : EIO
            }
        }
        return 0
    }

    /// `text` to standard output; throws `WriteFailure` when it cannot be written whole.
    public static func writeOutput(_ text: String) throws {
        var text = text
        let code = text.withUTF8 { writeAll(STDOUT_FILENO, UnsafeRawBufferPointer($0)) }
        if code != 0 { throw WriteFailure(target: "standard output", code: code) }
    }

    /// One message line on standard error, control characters escaped (see `TerminalText`).
    /// A failure to write it is ignored: there is nowhere left to report it.
    public static func writeMessage(_ message: String, prefix: String = "trail: ") {
        writeError(TerminalText.line(message, prefix: prefix))
    }

    /// Raw text on standard error (the progress bar's own escape sequences); errors ignored.
    public static func writeError(_ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(STDERR_FILENO, UnsafeRawBufferPointer($0)) }
    }

    /// Makes sure descriptors 0, 1 and 2 are open before anything else opens a file. A closed
    /// stdout would otherwise be taken by the next file opened (a report's temporary file, a
    /// query folder's file), and data meant for stdout would be written into it. A closed stdin
    /// or stdout gets /dev/null opened read-only, so that writing to stdout still fails (EBADF)
    /// and is reported; a closed stderr gets /dev/null for writing, since nothing can be said.
    public static func reserveStandardDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", descriptor == STDERR_FILENO ? O_WRONLY : O_RDONLY)
            if opened >= 0 && opened != descriptor {
                // open() returns the lowest free descriptor, which is this one unless a lower
                // one was closed too and has just been filled; move it into place.
                _ = dup2(opened, descriptor)
                _ = close(opened)
            }
        }
    }
}

/// write(2), under a name the callers' own `write` methods do not shadow.
func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #elseif canImport(Darwin)
    return Darwin.write(fd, buffer, count)
    #else
    return Musl.write(fd, buffer, count)
    #endif
}
