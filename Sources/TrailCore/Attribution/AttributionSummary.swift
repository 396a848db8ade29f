/// What an attribution pass found, reported after each ingest.
public struct AttributionSummary: Codable, Sendable, Equatable {
    public var sessions = 0
    public var sessionsLinked = 0
    public var sessionsHeuristic = 0
    public var sessionsUnknown = 0
    public var events = 0
    public var seconds = 0.0

    public init() {}

    public var text: String {
        "attribution: \(sessions) sessions (\(sessionsLinked) linked to their issuing call, \(sessionsHeuristic) by heuristic, \(sessionsUnknown) with unknown origin), \(events) events attributed in \(String((seconds * 100).rounded() / 100)) s"
    }
}
