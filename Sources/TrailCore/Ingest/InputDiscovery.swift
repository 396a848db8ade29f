#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing to ingest: a file on disk (or a FIFO or device named on the command line), or
/// standard input.
public struct InputFile: Sendable {
    public enum Kind: String, Sendable { case events, digest }
    /// The path as the user wrote it, as text (`PathText`), for messages.
    public var path: String
    /// The absolute path as text (`PathText`), the ledger's key, so a rerun from another
    /// directory still skips it.
    public var ledgerPath: String
    /// The path's bytes, to open it: a name need not be valid UTF-8.
    public var rawPath: [UInt8]
    public var kind: Kind
    /// Standard input's bytes when already read (tests); otherwise the pipeline reads them.
    public var stdinBytes: [UInt8]?
    public let isStandardInput: Bool

    init(path: String, kind: Kind, stdinBytes: [UInt8]? = nil) {
        self.init(raw: Array(path.utf8), kind: kind, stdinBytes: stdinBytes)
    }

    init(raw: [UInt8], kind: Kind, stdinBytes: [UInt8]? = nil) {
        self.rawPath = raw
        self.isStandardInput = raw == [0x2D]
        self.path = PathText.text(of: raw)
        self.ledgerPath = isStandardInput ? "-" : PathText.text(of: InputDiscovery.absolute(raw))
        self.kind = kind
        self.stdinBytes = stdinBytes
    }
}

/// Why a path given on the command line could not be used.
public struct InputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// An entry under an input that is not read, with the reason: reported, counted, exit status 2.
public struct SkippedInput: Sendable, Equatable {
    public var path: String
    public var reason: String
}

/// What the command-line paths expand to.
public struct Discovery: Sendable {
    public var files: [InputFile] = []
    /// Entries that could not be looked at or read (unreadable directories, broken links,
    /// link loops, FIFOs and devices inside a directory).
    public var skipped: [SkippedInput] = []
    /// Entries left out by name: hidden ones and names that are not log names.
    public var ignored = 0
}

/// Expands command-line paths into input files.
///
/// Directories are walked recursively on raw bytes (a name need not be UTF-8). Symbolic links
/// to files and directories are followed, the root included; a link back to a directory being
/// walked (a loop, found by device and inode) is not followed. Hidden entries are left out, and
/// so are files whose names do not look like logs: `.json`, `.json.gz`, `.jsonl`, `.ndjson` and
/// their `.gz` forms; both only counted. Whatever else is not read (an unreadable directory, a
/// broken link, a loop, a FIFO or device inside a directory) is a `SkippedInput`. A file named
/// explicitly is taken whatever its name and type (a FIFO, `/dev/stdin`). Files under
/// `CloudTrail-Digest/` are digests. The result is sorted by path bytes, so runs are reproducible.
public enum InputDiscovery {
    static let logSuffixes = [".json.gz", ".json", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"].map { Array($0.utf8) }

    /// The files only; `scan` also says what was skipped.
    public static func discover(_ paths: [String]) throws -> [InputFile] {
        try scan(paths).files
    }

    /// `paths` as parsed from this process's command line: each is matched back to its
    /// argument's bytes, since Swift's `CommandLine.arguments` replaces bytes that are not
    /// UTF-8 (so such a name could not be opened).
    public static func scan(_ paths: [String]) throws -> Discovery {
        try scan(raw: commandLineBytes(paths))
    }

    public static func scan(raw paths: [[UInt8]]) throws -> Discovery {
        var result = Discovery()
        var seen = Set<String>()
        func add(_ input: InputFile) {
            // The same file named twice (`dir` and `dir/./x.json`) is read once.
            if seen.insert(input.ledgerPath).inserted { result.files.append(input) }
        }
        for path in paths {
            if path == [0x2D] {
                add(InputFile(raw: path, kind: .events))
                continue
            }
            var st = stat()
            if FileIO.withCPath(path, { stat($0, &st) }) != 0 {
                let code = errno
                throw InputError(path: PathText.text(of: path), reason: missingReason(path, code))
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                var found: [[UInt8]] = []
                var ancestors: [DirectoryID: [UInt8]] = [:]
                walk(path, DirectoryID(st), ancestors: &ancestors, found: &found, result: &result)
                found.sort { $0.lexicographicallyPrecedes($1) }
                for file in found {
                    add(InputFile(raw: file, kind: kind(of: PathText.text(of: file))))
                }
            } else {
                add(InputFile(raw: path, kind: kind(of: PathText.text(of: path))))
            }
        }
        return result
    }

    static func kind(of path: String) -> InputFile.Kind {
        path.contains("/CloudTrail-Digest/") || path.hasPrefix("CloudTrail-Digest/") ? .digest : .events
    }

    static func isLogName(_ name: String) -> Bool { isLogName(Array(name.utf8)) }

    static func isLogName(_ name: [UInt8]) -> Bool {
        let lower = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        return logSuffixes.contains { lower.count >= $0.count && lower.suffix($0.count).elementsEqual($0) }
    }

    // MARK: walking

    struct DirectoryID: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    /// Why `stat` failed on `path`, telling a broken or looping symbolic link from a missing file.
    private static func missingReason(_ path: [UInt8], _ code: Int32) -> String {
        var link = stat()
        if FileIO.withCPath(path, { lstat($0, &link) }) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
            return code == ELOOP ? "symbolic link loop (too many levels of links)"
                                 : "broken symbolic link (\(FileIO.errorText(code).lowercased()))"
        }
        return FileIO.errorText(code).lowercased()
    }

    private static func walk(_ directory: [UInt8], _ id: DirectoryID, ancestors: inout [DirectoryID: [UInt8]],
                             found: inout [[UInt8]], result: inout Discovery) {
        if let first = ancestors[id] {
            result.skipped.append(SkippedInput(path: PathText.text(of: directory),
                                               reason: "not followed: a symbolic link loop back to \(PathText.text(of: first)), which is walked"))
            return
        }
        // Names first, then the directory closed: a deep tree does not hold a descriptor per level.
        guard let names = readNames(directory, result: &result) else { return }
        ancestors[id] = directory
        defer { ancestors[id] = nil }
        let prefix = directory.last == 0x2F ? directory : directory + [0x2F]
        for name in names {
            let child = prefix + name
            if name.first == 0x2E {
                result.ignored += 1
                continue
            }
            var st = stat()
            if FileIO.withCPath(child, { stat($0, &st) }) != 0 {
                let code = errno
                result.skipped.append(SkippedInput(path: PathText.text(of: child), reason: missingReason(child, code)))
                continue
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                walk(child, DirectoryID(st), ancestors: &ancestors, found: &found, result: &result)
            } else if !isLogName(name) {
                result.ignored += 1
            } else if type == S_IFREG {
                found.append(child)
            } else {
                // Reading a FIFO found by a walk could block the run; a device could be endless.
                result.skipped.append(SkippedInput(path: PathText.text(of: child),
                                                   reason: "not a regular file (\(typeName(type))); name it on the command line to read it"))
            }
        }
    }

    private static func readNames(_ directory: [UInt8], result: inout Discovery) -> [[UInt8]]? {
        guard let handle = FileIO.withCPath(directory, { opendir($0) }) else {
            let code = errno
            result.skipped.append(SkippedInput(path: PathText.text(of: directory),
                                               reason: "cannot read directory: \(FileIO.errorText(code).lowercased())"))
            return nil
        }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                let code = errno
                if code != 0 {
                    result.skipped.append(SkippedInput(path: PathText.text(of: directory),
                                                       reason: "error while reading directory (\(FileIO.errorText(code).lowercased())); entries after it were not seen"))
                }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names
    }

    private static func typeName(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "type \(type)"
        }
    }

    // MARK: paths

    /// The absolute form of `path` with `.`, `..` and repeated slashes resolved lexically (links
    /// are not resolved: the ledger keys a file by the path it was found at).
    static func absolute(_ path: [UInt8]) -> [UInt8] {
        var full = path
        if path.first != 0x2F {
            var cwd: [UInt8] = []
            if let pointer = getcwd(nil, 0) {
                cwd = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
                free(pointer)
            }
            full = cwd + [0x2F] + path
        }
        var parts: [ArraySlice<UInt8>] = []
        for part in full.split(separator: 0x2F, omittingEmptySubsequences: true) {
            if part.elementsEqual([0x2E]) { continue }
            if part.elementsEqual([0x2E, 0x2E]) {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        var out: [UInt8] = []
        for part in parts { out.append(0x2F); out += part }
        return out.isEmpty ? [0x2F] : out
    }

    /// Each path's bytes on this process's command line, in order; a path that is not there
    /// (a caller building its own list) is taken as its UTF-8.
    static func commandLineBytes(_ paths: [String]) -> [[UInt8]] {
        var arguments: [[UInt8]] = []
        let argv = CommandLine.unsafeArgv
        for i in 1..<max(Int(CommandLine.argc), 1) {
            guard let argument = argv[i] else { continue }
            arguments.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument))))
        }
        var used = Set<Int>()
        return paths.map { path in
            let utf8 = Array(path.utf8)
            // Only a path that lost bytes to the repair needs its original: the rest are exact.
            guard path.unicodeScalars.contains("\u{FFFD}") else { return utf8 }
            for (i, argument) in arguments.enumerated() where !used.contains(i) && String(decoding: argument, as: UTF8.self) == path {
                used.insert(i)
                return argument
            }
            return utf8
        }
    }
}

extension Ingester {
    /// Ingests what `discovery` found, and reports and counts what it skipped.
    public func run(_ discovery: Discovery) throws -> IngestSummary {
        for skip in discovery.skipped { reporter?.problem("\(skip.path): \(skip.reason)") }
        var summary: IngestSummary
        if options.strict && !discovery.skipped.isEmpty {
            summary = IngestSummary()
            summary.stoppedEarly = true
        } else {
            summary = try run(discovery.files)
        }
        summary.filesSkipped += discovery.skipped.count
        summary.filesIgnored += discovery.ignored
        summary.failures += discovery.skipped.map { .init(path: $0.path, status: "skipped", error: $0.reason) }
        return summary
    }
}
