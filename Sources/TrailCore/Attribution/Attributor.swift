/// Placeholder replaced by the attribution engine in the next commit.
public final class Attributor {
    let db: Database
    public init(_ db: Database) { self.db = db }
    public func run() throws -> AttributionSummary { AttributionSummary() }
}
