/// Where the stories put their records: renders each one, files it for delivery, writes its
/// ground-truth line, and enforces the exact event budget (--events).
final class EventSink {
    let budget: Int
    private(set) var emitted = 0
    private let delivery: Delivery
    private let truth: OutputFile
    private(set) var cases: [String: Int] = [:]
    var samples: QuerySamples
    private var line: [UInt8] = []

    init(budget: Int, delivery: Delivery, truth: OutputFile, samples: QuerySamples) {
        self.budget = budget
        self.delivery = delivery
        self.truth = truth
        self.samples = samples
        truth.write("event_id\torigin_type\torigin_id\torigin_detail\trole_arn\tsession_name\tcase\n")
    }

    var remaining: Int { budget - emitted }

    /// Emits one record unless the budget is spent. `delay` postpones its delivery (seconds).
    @discardableResult
    func emit(_ event: Event, _ identity: Identity, account: Int, truth t: Truth, case name: String, delay: Int64 = 0) -> Bool {
        guard emitted < budget else { return false }
        emitted += 1
        delivery.add(event.render(identity), account: account, region: event.region, deliverAt: event.time + delay)
        cases[name, default: 0] += 1
        line.removeAll(keepingCapacity: true)
        for (i, field) in [event.eventID, t.type, t.id, t.detail, t.roleARN, t.sessionName, name].enumerated() {
            if i > 0 { line.append(0x09) }
            // Values never contain tabs or newlines (the generator makes them); strip defensively.
            for b in field.utf8 where b != 0x09 && b != 0x0A { line.append(b) }
        }
        line.append(0x0A)
        truth.write(line)
        if name == "usage" { samples.offer(.event, event.eventID) }
        return true
    }
}

/// Realistic arguments for the investigation commands, drawn while generating (reservoir
/// sampling on a PRNG stream of its own, so sampling never changes the corpus).
struct QuerySamples {
    enum Kind: String, CaseIterable {
        case roleName = "role_name", roleARN = "role_arn", userARN = "user_arn", userName = "user_name"
        case accessKey = "access_key", session = "session_key", event = "event_id", origin = "origin_id"
        case resource = "resource_glob", sourceIP = "source_ip"
    }

    static let size = 64
    private var rng: SplitMix64
    private var seen: [Kind: Int] = [:]
    private var kept: [Kind: [String]] = [:]
    private var distinct: [Kind: Set<String>] = [:]

    init(rng: SplitMix64) { self.rng = rng }

    /// Offers a value; values already offered are ignored so that frequent ones are not favoured.
    mutating func offer(_ kind: Kind, _ value: String) {
        if kind != .event {
            if distinct[kind, default: []].contains(value) { return }
            distinct[kind, default: []].insert(value)
        }
        let n = seen[kind, default: 0] + 1
        seen[kind] = n
        if n <= Self.size {
            kept[kind, default: []].append(value)
        } else {
            let slot = rng.below(n)
            if slot < Self.size { kept[kind, default: []][slot] = value }
        }
    }

    var tsv: String {
        var text = "kind\tvalue\n"
        for kind in Kind.allCases {
            for value in kept[kind] ?? [] { text += "\(kind.rawValue)\t\(value)\n" }
        }
        return text
    }
}
