import Foundation
import Glibc
import TrailCore

/// Compares trail's `event_attribution` (origin_type, origin_id, origin_detail per event)
/// with the generator's ground-truth.tsv. The database is opened read-only.
struct AccuracyCheck {
    struct Tally {
        var total = 0
        var exact = 0
        var percent: Double { total == 0 ? .nan : Double(exact) * 100 / Double(total) }
    }

    struct Pattern {
        var count = 0
        var examples: [String] = []
    }

    struct Report {
        var byType: [String: Tally] = [:]
        var byCase: [String: Tally] = [:]
        var overall = Tally()
        /// role_arn + session_name on events made inside a role session.
        var session = Tally()
        var missingFromDatabase = 0
        var notInGroundTruth = 0
        var patterns: [String: Pattern] = [:]

        /// Up to `limit` mismatches, one per pattern first (most frequent first), then more.
        func mismatches(limit: Int = 10) -> [String] {
            let ordered = patterns.sorted { ($0.value.count, $0.key) > ($1.value.count, $1.key) }
            var out: [String] = []
            var round = 0
            while out.count < limit {
                var added = false
                for (key, p) in ordered where round < p.examples.count && out.count < limit {
                    out.append("[\(key), \(p.count)×] \(p.examples[round])")
                    added = true
                }
                if !added { break }
                round += 1
            }
            return out
        }
    }

    private struct Expected {
        var origin: Int32
        var session: Int32
        var kind: Int32
        var seen = false
    }

    static func run(corpus: String, database: String) throws -> Report {
        // Intern the repeated strings: a few thousand distinct origins cover millions of events.
        var originIndex: [String: Int32] = [:], origins: [[String]] = []
        var sessionIndex: [String: Int32] = [:], sessions: [String] = []
        var caseIndex: [String: Int32] = [:], cases: [String] = []
        func intern(_ key: String, _ index: inout [String: Int32], _ append: () -> Void) -> Int32 {
            if let i = index[key] { return i }
            let i = Int32(index.count)
            index[key] = i
            append()
            return i
        }

        var byEvent: [String: Int] = [:]
        var expected: [Expected] = []
        let path = "\(corpus)/ground-truth.tsv"
        guard let file = fopen(path, "r") else { throw BenchFailure("cannot read \(path)") }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        var header = true
        while getline(&buffer, &capacity, file) > 0 {
            guard let buffer else { break }
            if header { header = false; continue }
            var line = String(cString: buffer)
            if line.hasSuffix("\n") { line.removeLast() }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7 else { continue }
            let origin = intern("\(f[1])\t\(f[2])\t\(f[3])", &originIndex) { origins.append([f[1], f[2], f[3]]) }
            let session = intern("\(f[4])\t\(f[5])", &sessionIndex) { sessions.append("\(f[4])\t\(f[5])") }
            let kind = intern(f[6], &caseIndex) { cases.append(f[6]) }
            byEvent[f[0]] = expected.count
            expected.append(Expected(origin: origin, session: session, kind: kind))
        }

        let db = try Database(path: database, mode: .readOnly)
        try db.execute("PRAGMA query_only = ON")
        let statement = try db.prepare(
            "SELECT event_id, origin_type, coalesce(origin_id, ''), coalesce(origin_detail, ''), coalesce(role_arn, ''), coalesce(session_name, '') FROM event_attribution")
        var report = Report()
        while try statement.step() {
            guard let id = statement.text(0) else { continue }
            guard let i = byEvent[id] else { report.notInGroundTruth += 1; continue }
            expected[i].seen = true
            let want = origins[Int(expected[i].origin)]
            let got = [statement.text(1) ?? "", statement.text(2) ?? "", statement.text(3) ?? ""]
            let kind = cases[Int(expected[i].kind)]
            let ok = want == got
            report.overall.total += 1
            report.byType[want[0], default: Tally()].total += 1
            report.byCase[kind, default: Tally()].total += 1
            if ok {
                report.overall.exact += 1
                report.byType[want[0], default: Tally()].exact += 1
                report.byCase[kind, default: Tally()].exact += 1
            } else {
                var what: [String] = []
                if want[0] != got[0] { what.append("type") }
                if want[1] != got[1] { what.append("id") }
                if want[2] != got[2] { what.append("detail") }
                let key = "\(kind): \(want[0]) → \(got[0]) (\(what.joined(separator: "+")) differ)"
                var p = report.patterns[key, default: Pattern()]
                p.count += 1
                if p.examples.count < 3 {
                    p.examples.append("event \(id): expected \(want.joined(separator: " | ")), got \(got.joined(separator: " | "))")
                }
                report.patterns[key] = p
            }
            let wantSession = sessions[Int(expected[i].session)]
            if kind == "usage" && wantSession != "\t" {
                report.session.total += 1
                if wantSession == "\(statement.text(4) ?? "")\t\(statement.text(5) ?? "")" { report.session.exact += 1 }
            }
        }
        report.missingFromDatabase = expected.reduce(0) { $0 + ($1.seen ? 0 : 1) }
        return report
    }
}
