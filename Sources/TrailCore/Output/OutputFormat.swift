/// How results are printed. `table` is for people; the others are stable for scripts.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, jsonl, csv
}

/// One SQL value as display text: NULL is empty, reals use Swift's shortest round-trip form.
enum CellText {
    static func plain(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return realText(v)
        case .text(let s): return s
        }
    }

    /// `3.0` stays `3.0` (still a real); non-finite values have no portable spelling.
    static func realText(_ v: Double) -> String {
        v.isFinite ? String(v) : (v.isNaN ? "NaN" : (v < 0 ? "-Infinity" : "Infinity"))
    }

    static func isNumber(_ value: SQLValue) -> Bool {
        switch value {
        case .integer, .real: return true
        case .null, .text: return false
        }
    }
}
