import Foundation
import TrailCore

/// Arguments for investigation commands, read from the corpus's query-args.tsv (values the
/// generator saw: role names, user ARNs, AKIA keys, session keys, event ids).
struct QueryArguments {
    private(set) var values: [String: [String]] = [:]

    init(corpus: String) {
        guard let data = FileManager.default.contents(atPath: "\(corpus)/query-args.tsv") else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { continue }
            values[String(parts[0]), default: []].append(String(parts[1]))
        }
    }

    var isEmpty: Bool { values.isEmpty }

    /// The i-th value of a kind, cycling, so repeated runs use different arguments.
    func value(_ kind: QuerySamples.Kind, _ i: Int) -> String? {
        guard let list = values[kind.rawValue], !list.isEmpty else { return nil }
        return list[i % list.count]
    }

    /// A plausible value for a named query's parameter, guessed from its name (the shipped
    /// queries use identity, role, resource, ip, key, since, until, account, …).
    func guess(parameter name: String, index i: Int, manifest: CorpusManifest?) -> String? {
        let n = name.lowercased().replacingOccurrences(of: "-", with: "_")
        let start = manifest.flatMap { Timestamp.parse($0.start) }
        switch n {
        case "since", "from", "start", "after": return start.map(Clock.iso)
        case "until", "to", "end", "before": return start.map { Clock.iso($0 + Int64((manifest?.days ?? 1) * 86_400 + 86_400)) }
        case "identity", "user", "principal", "actor", "who":
            return i % 2 == 0 ? value(.userARN, i / 2) : (value(.origin, i / 2) ?? value(.userARN, i / 2))
        case "role": return value(.roleName, i)
        case "resource": return value(.resource, i)
        case "ip", "source_ip": return value(.sourceIP, i)
        case "key", "access_key": return value(.accessKey, i)
        case "session": return value(.session, i)
        case "event_id": return value(.event, i)
        case "account":
            return value(.userARN, i).flatMap { $0.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) }
        case "region": return "us-east-1"
        case "service": return "s3"
        case "limit": return "20"
        default: return nil
        }
    }
}
