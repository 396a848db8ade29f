import Foundation

/// One thing to ingest: a file on disk, or bytes already read from standard input.
public struct InputFile: Sendable {
    public enum Kind: String, Sendable { case events, digest }
    /// The path as the user wrote it, for messages.
    public var path: String
    /// The absolute path, the ledger's key, so a rerun from another directory still skips it.
    public var ledgerPath: String
    public var kind: Kind
    public var stdinBytes: [UInt8]?

    init(path: String, kind: Kind, stdinBytes: [UInt8]? = nil) {
        self.path = path
        self.ledgerPath = path == "-" ? "-" : URL(fileURLWithPath: path).standardizedFileURL.path
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

/// Expands command-line paths into input files.
///
/// Directories are walked recursively (symlinks followed once, hidden entries skipped) and keep
/// files that look like logs: `.json`, `.json.gz`, `.jsonl`, `.ndjson` and their `.gz` forms.
/// A file named explicitly is taken whatever its name. Files under `CloudTrail-Digest/` are
/// digests. The result is sorted so that runs are reproducible.
public enum InputDiscovery {
    static let logSuffixes = [".json.gz", ".json", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"]

    public static func discover(_ paths: [String]) throws -> [InputFile] {
        var files: [InputFile] = []
        var seen = Set<String>()
        for path in paths {
            if path == "-" {
                let bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
                files.append(InputFile(path: "-", kind: .events, stdinBytes: bytes))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(path: path, reason: "no such file or directory")
            }
            if isDirectory.boolValue {
                var found: [String] = []
                walk(URL(fileURLWithPath: path), into: &found)
                for file in found.sorted() {
                    let input = InputFile(path: file, kind: kind(of: file))
                    if seen.insert(input.ledgerPath).inserted { files.append(input) }
                }
            } else {
                // The same file named twice (`dir` and `dir/./x.json`) is read once.
                let input = InputFile(path: path, kind: kind(of: path))
                if seen.insert(input.ledgerPath).inserted { files.append(input) }
            }
        }
        return files
    }

    static func kind(of path: String) -> InputFile.Kind {
        path.contains("/CloudTrail-Digest/") || path.hasPrefix("CloudTrail-Digest/") ? .digest : .events
    }

    static func isLogName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return logSuffixes.contains { lower.hasSuffix($0) }
    }

    private static func walk(_ directory: URL, into found: inout [String]) {
        let keys: [URLResourceKey] = [.isDirectoryKey, .isRegularFileKey]
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys,
                                                              options: [.skipsHiddenFiles]) else { return }
        let prefix = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        let shown = directory.relativePath.hasSuffix("/") ? directory.relativePath : directory.relativePath + "/"
        for case let url as URL in enumerator {
            guard isLogName(url.lastPathComponent) else { continue }
            let values = try? url.resourceValues(forKeys: Set(keys))
            guard values?.isRegularFile == true else { continue }
            // Keep paths as the user wrote the root, so the ledger and messages read naturally.
            let full = url.path
            found.append(full.hasPrefix(prefix) ? shown + full.dropFirst(prefix.count) : full)
        }
    }
}
