import Foundation
import Testing
@testable import TrailCore

@Suite("Query: times and filters")
struct QueryTimeTests {
    static let now: Int64 = 1_795_168_800  // 2026-11-20T10:00:00Z

    static let forms: [(String, Int64)] = [
        ("90m", now - 5_400), ("24h", now - 86_400), ("7d", now - 604_800), ("2w", now - 1_209_600), ("45s", now - 45),
        ("7D", now - 604_800), (" 24h ", now - 86_400), ("now", now), ("@1795132800", 1_795_132_800),
        ("2026-11-20", 1_795_132_800), ("2026-11-20T10:00:00Z", 1_795_168_800), ("2026-11-20T12:00:00+02:00", 1_795_168_800),
        ("2026-11-20T10:00:00.250Z", 1_795_168_800), ("2026-11-20 10:00:00Z", 1_795_168_800),
    ]

    @Test("relative, ISO-8601, date, @unix and now forms", arguments: forms)
    func parses(text: String, expected: Int64) {
        #expect(TimeExpression.parse(text, now: Self.now) == expected)
    }

    @Test("nonsense is refused", arguments: ["", "yesterday", "7", "d", "-7d", "7y", "1.5h", "2026-13-01", "@", "@12x", "99999999999999d"])
    func refuses(text: String) {
        #expect(TimeExpression.parse(text, now: Self.now) == nil)
    }

    @Test("relative windows count back from the real clock")
    func realClock() throws {
        let before = Int64(Date().timeIntervalSince1970)
        let filter = try EventFilter.parse(since: "90m", until: nil, account: nil, region: nil, service: nil, event: nil,
                                           errorsOnly: false, now: Int64(Date().timeIntervalSince1970))
        let after = Int64(Date().timeIntervalSince1970)
        let since = try #require(filter.since)
        #expect(since >= before - 5_400 && since <= after - 5_400)
    }

    @Test("filter options are parsed and checked")
    func filterParsing() throws {
        let filter = try EventFilter.parse(since: "2026-11-20", until: "2026-11-20T12:00:00Z", account: "444455556666", region: "",
                                           service: "s3", event: "Get*", errorsOnly: true, now: Self.now)
        #expect(filter == EventFilter(since: 1_795_132_800, until: 1_795_176_000, account: "444455556666", region: nil,
                                      service: "s3.amazonaws.com", event: "Get*", errorsOnly: true))
        #expect(throws: QueryError.self) {
            _ = try EventFilter.parse(since: "tomorrow", until: nil, account: nil, region: nil, service: nil, event: nil, errorsOnly: false, now: Self.now)
        }
        #expect(throws: QueryError.self) {
            _ = try EventFilter.parse(since: "1h", until: "2h", account: nil, region: nil, service: nil, event: nil, errorsOnly: false, now: Self.now)
        }
        #expect(throws: QueryError.self) {
            _ = try EventFilter.parse(since: nil, until: nil, account: nil, region: nil, service: "s 3", event: nil, errorsOnly: false, now: Self.now)
        }
    }

    @Test("filters narrow an investigation by time, account, region, service, event and errors")
    func filtersApply() throws {
        let investigator = try QueryFixture.investigator()
        func ids(_ filter: EventFilter) throws -> [String?] { try investigator.did(identity: "alice", filter: filter).sections[0].result.column("event_id") }
        #expect(try ids(EventFilter(since: 1_795_168_800 + 600, until: 1_795_168_800 + 840)) == ["q-prod-004", "q-prod-005", "q-prod-006"])
        #expect(try ids(EventFilter(account: "111122223333", errorsOnly: true)) == ["q-dev-002", "q-dev-004", "q-dev-006"])
        #expect(try ids(EventFilter(service: "iam.amazonaws.com", event: "Create*")) == ["q-prod-003"])
        #expect(try investigator.did(identity: "i-0a1b2c3d4e5f67890", filter: EventFilter(region: "eu-west-1")).sections[0].result.column("event_id") == ["q-prod-010"])
        // 1h before 10:10 covers 09:10 .. now(10:10]: alice's first events and the 09:30 read of the instance.
        let hour = try EventFilter.parse(since: "1h", until: nil, account: nil, region: nil, service: nil, event: nil, errorsOnly: false,
                                         now: 1_795_168_800 + 600)
        #expect(try investigator.did(identity: "i-0a1b2c3d4e5f67890", filter: hour).sections[0].result.column("event_id") == ["q-prod-016"])
    }
}
