import Foundation

/// Groups records into CloudTrail log files the way S3 delivery does: one stream per account
/// and region, a file about every 5 minutes, named
/// `<acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 chars>.json.gz` under
/// `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/`.
///
/// A record is filed by its *delivery* time, which is usually its eventTime but can be later
/// (the generator delays some issuing calls so they arrive after the activity they enable).
/// A 5-minute bucket is written once the generator's clock has passed it; buckets are flushed
/// in sorted order so that file names and contents do not depend on hash-table order.
final class Delivery {
    static let slotSeconds: Int64 = 300

    private struct Key: Hashable, Comparable {
        let slot: Int64
        let account: Int
        let region: String
        static func < (a: Key, b: Key) -> Bool { (a.slot, a.account, a.region) < (b.slot, b.account, b.region) }
    }

    private var buckets: [Key: [[UInt8]]] = [:]
    private var oldestOpen = Int64.max
    private var rng: SplitMix64
    private let world: World
    private let root: String
    private let sink: FileSink
    private var createdDirectories = Set<String>()
    private(set) var directoryError: String?
    private(set) var largestFile = 0

    init(world: World, root: String, sink: FileSink, rng: SplitMix64) {
        self.world = world
        self.root = root
        self.sink = sink
        self.rng = rng
    }

    func add(_ record: [UInt8], account: Int, region: String, deliverAt: Int64) {
        let slot = deliverAt / Self.slotSeconds
        buckets[Key(slot: slot, account: account, region: region), default: []].append(record)
        oldestOpen = min(oldestOpen, slot)
    }

    /// Writes every bucket whose slot is before `slot`.
    func flush(before slot: Int64) {
        guard oldestOpen < slot else { return }
        let ready = buckets.keys.filter { $0.slot < slot }.sorted()
        for key in ready {
            if let records = buckets.removeValue(forKey: key) { write(key, records) }
        }
        oldestOpen = buckets.keys.map(\.slot).min() ?? Int64.max
    }

    func flushAll() { flush(before: Int64.max) }

    private func write(_ key: Key, _ records: [[UInt8]]) {
        // The data account's main region carries bulk data events: big files (thousands of
        // records). Elsewhere CloudTrail's files hold up to a few hundred records.
        let bulk = key.account == World.dataAccount && key.region == "us-east-1"
        var start = 0
        while start < records.count {
            let limit = bulk ? rng.range(2_000, 5_000) : rng.range(100, 300)
            let end = min(records.count, start + limit)
            var json = Array("{\"Records\":[".utf8)
            json.reserveCapacity(records[start..<end].reduce(16) { $0 + $1.count + 1 })
            for i in start..<end {
                if i > start { json.append(0x2C) }
                json.append(contentsOf: records[i])
            }
            json.append(contentsOf: Array("]}".utf8))
            largestFile = max(largestFile, end - start)
            let fileTime = (key.slot + 1) * Self.slotSeconds + Int64(rng.range(0, 4) * 60)
            let account = world.accounts[key.account].id
            let directory = "\(root)/AWSLogs/\(account)/CloudTrail/\(key.region)/\(Clock.datePath(fileTime))"
            if !createdDirectories.contains(directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    if directoryError == nil { directoryError = "cannot create \(directory): \(error)" }
                }
                createdDirectories.insert(directory)
            }
            let name = "\(account)_CloudTrail_\(key.region)_\(Clock.compact(fileTime))_\(Identifiers.fileSuffix(&rng)).json.gz"
            sink.submit(FileSink.Job(path: "\(directory)/\(name)", json: json))
            start = end
        }
    }
}
