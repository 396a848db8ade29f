/// What an ingest run did, for the final summary line and `--json`.
public struct IngestSummary: Codable, Sendable, Equatable {
    public struct Failure: Codable, Sendable, Equatable {
        public var path: String
        public var status: String
        public var error: String
    }

    public var filesSeen = 0
    public var filesUnchanged = 0
    public var filesDuplicate = 0
    public var filesIngested = 0
    public var filesPartial = 0
    public var filesFailed = 0
    /// Failed on an earlier run and unchanged since: skipped unless `--retry-failed`.
    public var filesPreviouslyFailed = 0
    /// Under an input but not read (unreadable directory, broken link, loop, FIFO in a tree):
    /// each is also in `failures` with status `skipped`.
    public var filesSkipped = 0
    /// Left out of a directory walk by name (hidden, or not a log name).
    public var filesIgnored = 0
    public var digests = 0
    public var eventsNew = 0
    public var eventsDuplicate = 0
    public var insightEventsNew = 0
    public var recordsRejected = 0
    public var bytesRead = 0
    public var bytesInflated = 0
    public var elapsedSeconds = 0.0
    /// Reading, parsing and storing; then building indexes (after a first load).
    public var loadSeconds = 0.0
    public var indexSeconds = 0.0
    public var eventsPerSecond = 0.0
    public var stoppedEarly = false
    public var attribution: AttributionSummary?
    public var failures: [Failure] = []

    public init() {}

    /// True when some input could not be stored whole.
    public var hasProblems: Bool { filesFailed > 0 || filesPartial > 0 || filesSkipped > 0 }

    public var text: String {
        var lines: [String] = []
        var files = "files: \(filesSeen) seen, \(filesIngested) ingested"
        if filesPartial > 0 { files += ", \(filesPartial) partial" }
        files += ", \(filesFailed) failed, \(filesUnchanged) unchanged"
        if filesDuplicate > 0 { files += ", \(filesDuplicate) duplicate content" }
        if digests > 0 { files += ", \(digests) digests" }
        if filesSkipped > 0 { files += ", \(filesSkipped) skipped (not read, see above)" }
        if filesIgnored > 0 { files += ", \(filesIgnored) ignored by name" }
        lines.append(files)
        var events = "events: \(eventsNew) new, \(eventsDuplicate) duplicate"
        if insightEventsNew > 0 { events += ", \(insightEventsNew) insight" }
        if recordsRejected > 0 { events += ", \(recordsRejected) records rejected" }
        lines.append(events)
        let mb = Double(bytesRead) / 1_048_576, inflated = Double(bytesInflated) / 1_048_576
        lines.append("time: \(format(elapsedSeconds)) s (load \(format(loadSeconds)), indexes \(format(indexSeconds))), \(Int(eventsPerSecond)) events/s, \(format(mb)) MB read, \(format(inflated)) MB of JSON")
        if let attribution { lines.append(attribution.text) }
        if filesPreviouslyFailed > 0 {
            lines.append("note: \(filesPreviouslyFailed) file(s) failed on an earlier run and are unchanged; rerun with --retry-failed to read them again")
        }
        if stoppedEarly { lines.append("stopped at the first failure (--strict)") }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
