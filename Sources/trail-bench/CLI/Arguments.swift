/// A small command-line parser: `--name value`, `--name=value` and boolean `--flag`.
/// trail-bench keeps to TrailCore as its only dependency, so it does not use ArgumentParser.
struct Arguments {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// `options` take a value; `switches` do not. Anything else is a usage error.
    init(_ arguments: [String], options: Set<String>, switches: Set<String>) throws {
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            guard arg.hasPrefix("--") else { throw UsageError(description: "unexpected argument '\(arg)'") }
            var name = String(arg.dropFirst(2))
            var inline: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if switches.contains(name) {
                guard inline == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                if let inline {
                    values[name] = inline
                } else {
                    guard i + 1 < arguments.count else { throw UsageError(description: "--\(name) needs a value") }
                    i += 1
                    values[name] = arguments[i]
                }
            } else {
                throw UsageError(description: "unknown option --\(name)")
            }
            i += 1
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func string(_ name: String) -> String? { values[name] }

    /// Integers accept `_` and `,` separators and k/M suffixes (`--events 1M`).
    func int(_ name: String, default fallback: Int, minimum: Int = 0, maximum: Int = Int.max) throws -> Int {
        guard let text = values[name] else { return fallback }
        var cleaned = text.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "")
        var multiplier = 1
        if cleaned.hasSuffix("k") || cleaned.hasSuffix("K") { multiplier = 1_000; cleaned.removeLast() }
        else if cleaned.hasSuffix("M") || cleaned.hasSuffix("m") { multiplier = 1_000_000; cleaned.removeLast() }
        guard let value = Int(cleaned), value >= minimum else {
            throw UsageError(description: "--\(name) must be an integer ≥ \(minimum) (got '\(text)')")
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow, product <= maximum else { throw UsageError(description: "--\(name) must be at most \(maximum)") }
        return product
    }
}
