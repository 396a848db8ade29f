import Foundation
import Testing
@testable import TrailCore

/// Inputs the fuzzer (scripts/fuzz.sh) crashed on, kept so the crash cannot come back.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("STS expiration strings with out-of-range numbers are refused, not overflowed",
          arguments: ["Jan 1, 99999999999999999 1:00:00 PM", "Jan 99999999999999 2026 1:00:00 AM",
                      "Jan 1 2026 99999999999999999:00", "Feb 30, 2026, 1:00:00 PM", "Dec 31 0 12:00:00 AM",
                      "Oct 2, 2019, 13:12:29 PM", "Oct 2, 2019, 11:99:29 PM"])
    func expirationOutOfRange(_ text: String) {
        #expect(Issuance.parseExpiration(text) == nil)
    }

    @Test("STS expirations as STS writes them still parse")
    func expirationValid() {
        #expect(Issuance.parseExpiration("Oct 2, 2019, 11:12:29 PM") == Timestamp.parse("2019-10-02T23:12:29Z"))
        #expect(Issuance.parseExpiration("Nov 10, 2019 5:17:20 PM") == Timestamp.parse("2019-11-10T17:17:20Z"))
        #expect(Issuance.parseExpiration("Sep 3, 2025, 12:00:03 AM") == Timestamp.parse("2025-09-03T00:00:03Z"))
        #expect(Issuance.parseExpiration("2026-11-20T10:00:00Z") == Timestamp.parse("2026-11-20T10:00:00Z"))
    }

    @Test("an AssumeRole whose expiration and duration are absurd is attributed without a crash")
    func absurdIssuanceIngests() throws {
        try withHarness { h in
            var call = Rec.assumeRole("abs0", "2026-11-20T10:00:00Z", caller: AttributionEdgeCaseTests.alice, role: "R",
                                      roleID: "AROAEXAMPLEABSURD0001", session: "s", issuedKey: "ASIAEXAMPLEABSURD001")
            var response = try #require(call["responseElements"] as? [String: Any])
            var credentials = try #require(response["credentials"] as? [String: Any])
            credentials["expiration"] = "Jan 1, 99999999999999999 1:00:00 PM"
            response["credentials"] = credentials
            call["responseElements"] = response
            var request = try #require(call["requestParameters"] as? [String: Any])
            request["durationSeconds"] = Int64.max
            call["requestParameters"] = request
            let use = Rec.call("abs1", "2026-11-20T10:05:00Z", Rec.roleSession(role: "R", roleID: "AROAEXAMPLEABSURD0001", session: "s",
                                                                             key: "ASIAEXAMPLEABSURD001", created: "2026-11-20T10:00:00Z"))
            try h.ingest([h.write("absurd.json", records: [call, use])])
            #expect(try h.attribution(Rec.id("abs1"))["origin_id"] == "arn:aws:iam::111122223333:user/alice")
        }
    }
}
