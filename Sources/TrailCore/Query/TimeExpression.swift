import Foundation

/// Parses the times `--since` / `--until` and `time` parameters accept, into Unix seconds
/// (compared with `events.event_ts`).
///
/// - ISO-8601 as CloudTrail writes it (`2026-11-20T10:00:00Z`, offsets, fractions) or a date
///   alone (`2026-11-20`, midnight UTC): see `Timestamp.parse`.
/// - A duration before `now`: a whole number and a unit, `s`, `m` (minutes), `h`, `d` or `w`
///   (`90m`, `24h`, `7d`, `2w`).
/// - `now`, or `@<unix seconds>`.
public enum TimeExpression {
    public static func parse(_ text: String, now: Int64) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.lowercased() == "now" { return now }
        if trimmed.hasPrefix("@") {
            let digits = trimmed.dropFirst()
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int64(digits)
        }
        if let seconds = duration(trimmed) { return now - seconds }
        return Timestamp.parse(trimmed)
    }

    /// `90m` → 5400. Nil for anything else, including amounts that would overflow.
    public static func duration(_ text: String) -> Int64? {
        let lower = text.lowercased()
        guard let unit = lower.last, let scale = unitSeconds[unit] else { return nil }
        let digits = lower.dropLast()
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCIIDigit), let amount = Int64(digits) else { return nil }
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? nil : seconds
    }

    static let unitSeconds: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
