/// Why `trail report` could not run (exit code 4, as for queries): an unknown check, a query
/// that is not a check, or an output file that cannot be written.
public enum ReportError: TrailFailure, Equatable {
    case unknownReport(String, suggestions: [String])
    /// A named query that exists but has no `-- report:` line.
    case notAReport(String)
    /// The output file could not be written.
    case output(path: String, reason: String)

    public var exitStatus: ExitStatus { .queryError }

    public var description: String {
        switch self {
        case .unknownReport(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)"
            return "no report '\(name)'\(hint); `trail report --list` shows them"
        case .notAReport(let name):
            return "query '\(name)' is not a report: its header has no `-- report: ID` line; run it with `trail query \(name)`"
        case .output(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
