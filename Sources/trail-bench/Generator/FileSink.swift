import Foundation

/// Compresses and writes log files on worker threads while the single generator thread keeps
/// producing records. File contents never depend on which thread wrote them, so the corpus stays
/// deterministic; only the order in which files appear on disk varies.
final class FileSink: @unchecked Sendable {
    struct Job: Sendable {
        let path: String
        let json: [UInt8]
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var closed = false
    private var running = 0
    private let capacity: Int
    private let level: Int32
    // Guarded by `condition`.
    private(set) var files = 0
    private(set) var jsonBytes = 0
    private(set) var compressedBytes = 0
    private(set) var firstError: String?

    init(workers: Int, level: Int32) {
        self.capacity = max(4, workers * 4)
        self.level = level
        running = workers
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues a file; blocks while the workers are behind, which bounds memory.
    func submit(_ job: Job) {
        condition.lock()
        while jobs.count >= capacity { condition.wait() }
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for every queued file to be written. Returns the first error, if any.
    func finish() -> String? {
        condition.lock()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        let error = firstError
        condition.unlock()
        return error
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty && closed {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.broadcast()
            condition.unlock()

            var failure: String?
            var written = 0
            do {
                let gz = try Gzip.compress(job.json, level: level)
                if !FileManager.default.createFile(atPath: job.path, contents: Data(gz)) {
                    failure = "cannot write \(job.path)"
                }
                written = gz.count
            } catch {
                failure = "\(job.path): \(error)"
            }
            condition.lock()
            files += 1
            jsonBytes += job.json.count
            compressedBytes += written
            if let failure, firstError == nil { firstError = failure }
            condition.unlock()
        }
    }
}
