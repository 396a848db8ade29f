import Foundation

/// What a generated corpus is; written as `manifest.json` beside `AWSLogs/` so that `run
/// --reuse` can tell whether a corpus on disk matches the requested size and seed.
struct CorpusManifest: Codable, Equatable {
    static let currentVersion = 2

    var generatorVersion: Int
    var events: Int
    var seed: UInt64
    var days: Int
    var start: String
    var files: Int
    var jsonBytes: Int
    var compressedBytes: Int
    var largestFile: Int
    var cases: [String: Int]
    var seconds: Double

    static func load(_ directory: String) -> CorpusManifest? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/manifest.json") else { return nil }
        return try? JSONDecoder().decode(CorpusManifest.self, from: data)
    }

    func matches(events: Int, seed: UInt64, days: Int) -> Bool {
        generatorVersion == Self.currentVersion && self.events == events && self.seed == seed && self.days == days
    }
}

/// `trail-bench generate`: world → stories → delivery → compressed files, plus
/// ground-truth.tsv and query-args.tsv.
struct CorpusGenerator {
    struct Options {
        var events = 100_000
        var seed: UInt64 = 1
        var days = 2
        var start: Int64 = Clock.epoch(year: 2026, month: 11, day: 2)
        var output = ""
        var gzipLevel: Int32 = 6
        var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let options: Options

    func generate(log: (String) -> Void) throws -> CorpusManifest {
        let out = options.output
        let fm = FileManager.default
        // Never delete what we did not make: an existing directory is cleared only when it
        // holds a previous trail-bench corpus (its manifest.json).
        if fm.fileExists(atPath: out) {
            let entries = (try? fm.contentsOfDirectory(atPath: out)) ?? []
            if !entries.isEmpty {
                guard entries.contains("manifest.json") else {
                    throw Failure(description: "\(out) is not empty and holds no trail-bench corpus (manifest.json); choose another --out")
                }
                for name in ["AWSLogs", "ground-truth.tsv", "query-args.tsv", "manifest.json"] where entries.contains(name) {
                    try fm.removeItem(atPath: "\(out)/\(name)")
                }
            }
        }
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)

        let started = Date()
        let root = SplitMix64(seed: options.seed)
        let world = World(seed: options.seed, events: options.events)
        let files = FileSink(workers: options.workers, level: options.gzipLevel)
        let delivery = Delivery(world: world, root: out, sink: files, rng: root.fork(0x4669_6C65))  // "File"
        let truth = try OutputFile(path: "\(out)/ground-truth.tsv")
        let sink = EventSink(budget: options.events, delivery: delivery, truth: truth,
                             samples: QuerySamples(rng: root.fork(0x5361_6D70)))  // "Samp"
        var engine = StoryEngine(world: world, rng: root.fork(0x5374_6F72), sink: sink)  // "Stor"
        engine.run(start: options.start, days: options.days, delivery: delivery)
        delivery.flushAll()
        let writeError = files.finish()
        let truthClosed = truth.close()
        if let error = delivery.directoryError ?? writeError { throw Failure(description: error) }
        if !truthClosed { throw Failure(description: "cannot write \(out)/ground-truth.tsv (disk full?)") }
        var samples = sink.samples
        for u in world.users.prefix(4) {
            samples.offer(.userARN, u.arn)
            samples.offer(.accessKey, u.key)
        }
        guard fm.createFile(atPath: "\(out)/query-args.tsv", contents: Data(samples.tsv.utf8)) else {
            throw Failure(description: "cannot write \(out)/query-args.tsv")
        }

        let manifest = CorpusManifest(generatorVersion: CorpusManifest.currentVersion, events: sink.emitted, seed: options.seed,
                                      days: options.days, start: Clock.iso(options.start), files: files.files,
                                      jsonBytes: files.jsonBytes, compressedBytes: files.compressedBytes,
                                      largestFile: delivery.largestFile, cases: sink.cases,
                                      seconds: Date().timeIntervalSince(started))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard fm.createFile(atPath: "\(out)/manifest.json", contents: try encoder.encode(manifest)) else {
            throw Failure(description: "cannot write \(out)/manifest.json")
        }
        log("generated \(out): \(manifest.files) files, \(manifest.events) records, "
            + "\(Units.megabytes(manifest.compressedBytes)) compressed, \(Units.megabytes(manifest.jsonBytes)) of JSON, "
            + "largest file \(manifest.largestFile) records, in \(Units.seconds(manifest.seconds))")
        let mix = manifest.cases.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        log("records by kind: \(mix)")
        return manifest
    }
}
