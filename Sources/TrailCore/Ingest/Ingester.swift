import Foundation

/// Options for one ingest run.
public struct IngestOptions: Sendable {
    /// Stop at the first file that fails or has rejected records.
    public var strict = false
    /// Read again files that failed on an earlier run even if unchanged.
    public var retryFailed = false
    /// Parser threads; the writer is one more.
    public var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Link sessions and resolve origins after loading.
    public var attribute = true
    /// Commit after this many records (a file never spans two transactions).
    public var recordsPerTransaction = 50_000

    public init() {}
}

/// Receives what the ingest has to say while it runs. Problems are one line each.
public protocol IngestReporter: AnyObject {
    func problem(_ line: String)
    func progress(filesDone: Int, filesTotal: Int, events: Int, elapsed: Double)
    func finishProgress()
}

/// Reads files in parallel and writes them through one connection.
///
/// Parser threads inflate and parse whole files into byte ranges; a bounded queue hands them
/// to the writer, which stores each file and its ledger row in the same transaction. A crash
/// therefore leaves every file either wholly stored and recorded, or absent and re-read next time.
public final class Ingester {
    let databasePath: String
    let options: IngestOptions
    weak var reporter: IngestReporter?

    public init(databasePath: String, options: IngestOptions = IngestOptions(), reporter: IngestReporter? = nil) {
        self.databasePath = databasePath
        self.options = options
        self.reporter = reporter
    }

    enum WorkResult: Sendable {
        case unchanged(InputFile, previouslyFailed: Bool)
        /// Same content as the ledger has for this path, with a new mtime: remember the mtime,
        /// so the next run skips it without reading.
        case touched(InputFile, FileIdentity, previouslyFailed: Bool)
        case duplicate(InputFile, FileIdentity, of: Int64)
        case parsed(InputFile, FileIdentity, ParsedFile, compressedBytes: Int)
        case unreadable(InputFile, String)

        /// Roughly what the result holds in memory while it waits for the writer.
        var residentBytes: Int {
            guard case .parsed(_, _, let file, _) = self else { return 0 }
            return file.buffer.count + file.scratch.count + (file.archive?.count ?? 0) + (file.scratchArchive?.count ?? 0)
                + file.fields.count * MemoryLayout<FieldValue>.stride
        }
    }

    public func run(_ inputs: [InputFile]) throws -> IngestSummary {
        let start = Date()
        Memory.mapLargeAllocations()
        var summary = IngestSummary()
        summary.filesSeen = inputs.count
        let db = try TrailDatabase.openForWriting(databasePath)
        let ledger = try LedgerSnapshot.load(db)
        let writer = try EventWriter(db)

        // On a first load, build secondary indexes once at the end instead of on every insert.
        let firstLoad = (try db.scalarInt("SELECT EXISTS(SELECT 1 FROM events)") ?? 0) == 0 && inputs.count > 1
        var bulkLoad = false
        if firstLoad {
            for index in Schema.eventIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
            bulkLoad = try TrailDatabase.enterBulkLoad(db)
        }
        defer { if bulkLoad { try? TrailDatabase.leaveBulkLoad(db) } }

        // Enough parsed files to keep the writer busy; the byte bound keeps a run of files with
        // thousands of records each from holding ~100 MB while they wait.
        let queue = BoundedQueue<WorkResult>(capacity: options.jobs * 2 + 2, byteCapacity: 8 << 20, producers: options.jobs)
        let counter = WorkCounter(count: inputs.count)
        let options = self.options
        let workers = DispatchGroup()
        for _ in 0..<options.jobs {
            workers.enter()
            let thread = Thread {
                while !queue.isCancelled, let i = counter.take() {
                    let result = Ingester.process(inputs[i], ledger: ledger, options: options)
                    if !queue.push(result, bytes: result.residentBytes) { break }
                }
                queue.producerFinished()
                workers.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }

        var inTransaction = false
        var pending = 0
        var lastCommit = Date()
        var contentThisRun: [ContentKey: Int64] = [:]
        var filesDone = 0
        var failure: Error?

        func commit() throws {
            if inTransaction {
                try writer.sessions.flush()
                try db.execute("COMMIT")
            }
            inTransaction = false
            pending = 0
            lastCommit = Date()
            // Files are inflated by the parser threads and freed here, into those threads' malloc
            // arenas, which glibc does not shrink on its own: trimmed at each commit (about twice
            // a second), a run of large files does not leave the process tens of MB larger.
            Memory.releaseFreed()
        }

        while let result = queue.pop() {
            do {
                if !inTransaction {
                    try db.beginImmediate { [weak reporter] in
                        reporter?.problem("\(self.databasePath): another process is writing; waiting for it")
                    }
                    inTransaction = true
                }
                var stop = false
                switch result {
                case .unchanged(_, let previouslyFailed):
                    summary.filesUnchanged += 1
                    if previouslyFailed { summary.filesPreviouslyFailed += 1 }
                case .touched(_, let identity, let previouslyFailed):
                    try writer.recordModificationTime(identity)
                    summary.filesUnchanged += 1
                    if previouslyFailed { summary.filesPreviouslyFailed += 1 }
                case .duplicate(_, let identity, let original):
                    _ = try writer.recordDuplicate(identity, of: original)
                    summary.filesDuplicate += 1
                case .unreadable(let input, let reason):
                    reporter?.problem("\(input.path): \(reason)")
                    try writer.recordUnreadable(path: input.ledgerPath, kind: input.kind.rawValue, error: reason)
                    summary.filesFailed += 1
                    summary.failures.append(.init(path: input.path, status: FileStatus.failed.rawValue, error: reason))
                    stop = options.strict
                case .parsed(let input, let identity, let parsed, let compressedBytes):
                    summary.bytesRead += compressedBytes
                    summary.bytesInflated += parsed.buffer.count
                    if let content = identity.content, let original = contentThisRun[content] {
                        _ = try writer.recordDuplicate(identity, of: original)
                        summary.filesDuplicate += 1
                        break
                    }
                    let written = try writer.write(parsed, identity: identity)
                    if written.status != .failed, let content = identity.content { contentThisRun[content] = written.fileID }
                    pending += parsed.recordCount
                    summary.eventsNew += written.newEvents
                    summary.eventsDuplicate += written.duplicateEvents
                    summary.insightEventsNew += written.insightEvents
                    summary.recordsRejected += written.rejected
                    if parsed.digest != nil { summary.digests += 1 }
                    for reject in parsed.rejects {
                        reporter?.problem("\(input.path): record \(reject.index) (byte \(reject.offset)): \(reject.reason)")
                    }
                    switch written.status {
                    case .ingested, .duplicate: summary.filesIngested += 1
                    case .partial:
                        summary.filesPartial += 1
                        summary.failures.append(.init(path: input.path, status: written.status.rawValue,
                                                      error: "\(written.rejected) record(s) rejected"))
                        stop = options.strict
                    case .failed:
                        let error = parsed.fileError ?? "unreadable"
                        reporter?.problem("\(input.path): \(error)\(parsed.recordCount > 0 ? " (kept the \(parsed.recordCount) records before it)" : "")")
                        summary.filesFailed += 1
                        summary.failures.append(.init(path: input.path, status: written.status.rawValue, error: error))
                        stop = options.strict
                    }
                }
                filesDone += 1
                if pending >= options.recordsPerTransaction || Date().timeIntervalSince(lastCommit) > 0.5 { try commit() }
                reporter?.progress(filesDone: filesDone, filesTotal: inputs.count, events: summary.eventsNew,
                                   elapsed: Date().timeIntervalSince(start))
                if stop {
                    summary.stoppedEarly = true
                    queue.cancel()
                    break
                }
            } catch {
                failure = error
                queue.cancel()
                break
            }
        }
        workers.wait()
        if let failure {
            if inTransaction {
                try? db.execute("ROLLBACK")
                writer.sessions.discard()
                writer.texts.discard()
            }
            reporter?.finishProgress()
            throw failure
        }
        try commit()
        reporter?.finishProgress()

        summary.loadSeconds = Date().timeIntervalSince(start)
        // The parser threads' freed buffers sit in their malloc arenas; give them back before
        // the index build and the attribution need memory of their own.
        Memory.releaseFreed()
        // Built once here on a first load; a no-op otherwise (and a repair after a crash).
        // SQLite's sorter keeps up to a page cache's worth of keys per helper thread: a smaller
        // cache for the build keeps its memory the same for 5M events as for 1M (it spills to
        // temporary files instead).
        try db.execute("PRAGMA cache_size = -16384; PRAGMA shrink_memory")
        for index in Schema.eventIndexes { try db.execute(index.sql) }
        // The new resources by ARN, after the indexes: it finds them through resources_row.
        // Also catches up after a load that was interrupted before this step.
        try db.transaction { try ResourceEvents.append(db) }
        summary.indexSeconds = Date().timeIntervalSince(start) - summary.loadSeconds

        // Runs on every ingest, new files or not: that is how a database whose attribution is
        // behind (an earlier run stopped before it, or skipped it) catches up.
        if options.attribute {
            // Attribution looks rows up by index; it does not need the bulk load's page cache.
            // Its sessions and calls live in temporary tables with a cache of their own.
            try db.execute("PRAGMA shrink_memory; PRAGMA temp.cache_size = -16384")
            Memory.releaseFreed()
            summary.attribution = try Attributor(db).run()
            // Without statistics on sessions SQLite guesses it is huge and, for `did` and
            // friends, builds a throwaway index over every event instead of using events_activity
            // (1.5 s instead of ~60 ms at 1M events). Exact statistics cost ~0.1 s at 1M.
            try db.transaction { try db.execute("ANALYZE sessions") }
        } else {
            // Left behind on purpose: the commands' warning says which option did it.
            try db.transaction { try db.execute(AttributionState.markDeferredSQL) }
            if try !ActivityRollup.isCurrent(db) {
                // The attribution rebuilds the roll-up; without it, it is rebuilt here so the
                // queries can still use it (it then follows the sessions as ingested).
                try db.transaction { try ActivityRollup.rebuild(db) }
            }
        }
        if firstLoad || summary.eventsNew > 0 { try db.execute("PRAGMA optimize") }
        summary.elapsedSeconds = Date().timeIntervalSince(start)
        summary.eventsPerSecond = summary.elapsedSeconds > 0 ? Double(summary.eventsNew + summary.eventsDuplicate) / summary.elapsedSeconds : 0
        return summary
    }

    /// The parser threads' job: decide whether a file needs reading, and read it.
    static func process(_ input: InputFile, ledger: LedgerSnapshot, options: IngestOptions) -> WorkResult {
        let bytes: [UInt8]
        var size: Int64
        var mtime: Int64? = nil
        if input.isStandardInput {
            if let stdin = input.stdinBytes {
                bytes = stdin
            } else {
                do { bytes = try FileIO.readStandardInput() } catch { return .unreadable(input, "\(error)") }
            }
            size = Int64(bytes.count)
        } else {
            do {
                let info = try FileIO.info(input.rawPath)
                size = info.size
                mtime = info.mtimeNs
                if let known = ledger.byPath[input.ledgerPath], known.size == size, known.mtimeNs == mtime {
                    let failedBefore = known.status == FileStatus.failed.rawValue
                    if !(failedBefore && options.retryFailed) {
                        return .unchanged(input, previouslyFailed: failedBefore)
                    }
                }
                bytes = try FileIO.read(input.rawPath)
                size = Int64(bytes.count)
            } catch {
                return .unreadable(input, "\(error)")
            }
        }
        // Both hashes are SHA-256: the ledger skips reading a file on their word, so a crafted
        // file must not be able to match a real log.
        let sha256 = ContentDigest.sha256Hex(bytes)
        let ledgerPath = input.isStandardInput ? "stdin:\(sha256)" : input.ledgerPath
        var identity = FileIdentity(path: ledgerPath, size: size, mtimeNs: mtime, sha256: sha256, content: nil, kind: input.kind.rawValue)
        // The same bytes at the same path with a new mtime: decided before inflating.
        if let known = ledger.byPath[ledgerPath], known.size == size, known.sha256 == sha256,
           known.status != FileStatus.failed.rawValue || !options.retryFailed {
            let failedBefore = known.status == FileStatus.failed.rawValue
            return !input.isStandardInput ? .touched(input, identity, previouslyFailed: failedBefore)
                                           : .unchanged(input, previouslyFailed: failedBefore)
        }
        // Another path's content is compared inflated (SHA-256 and size), so a copy stored
        // compressed differently, or not at all, is a duplicate too; a file that does not
        // inflate has no content key and is never one.
        var parsed = LogFileDecoder.inflate(bytes)
        if parsed.fileError == nil {
            let content = ContentKey(inflated: parsed.buffer)
            identity.content = content
            if let original = ledger.ingestedContent[content], ledger.byPath[ledgerPath]?.id != original {
                return .duplicate(input, identity, of: original)
            }
        }
        LogFileDecoder.decodeInflated(&parsed, expecting: input.kind == .digest ? .digest : .events)
        // The store keeps the input's gzip stream; compressing a plain one is the parser
        // thread's work, not the writer's.
        parsed.archive = Gunzip.isGzip(bytes) ? bytes : parsed.buffer.withUnsafeBufferPointer { RecordArchive.gzip($0) }
        if parsed.recordSpans.contains(where: { $0.kind == .scratchText }) {
            parsed.scratchArchive = parsed.scratch.withUnsafeBufferPointer { RecordArchive.gzip($0) }
        }
        return .parsed(input, identity, parsed, compressedBytes: bytes.count)
    }
}
