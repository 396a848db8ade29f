import Foundation
import Testing
@testable import TrailCore

// The fuzz target is not a SwiftPM target (ordinary builds must not need libFuzzer), so nothing
// else notices when the sources it compiles stop building on their own: it rotted once when
// Support/JSONText.swift came to need Output/ByteSink.

@Suite("Fuzz target")
struct FuzzTargetTests {
    static let swiftc: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test("Support type-checks alone, without Output or any other folder",
          .enabled(if: swiftc != nil, "needs swiftc on PATH"))
    func supportStandsAlone() throws {
        let support = TS.repositoryRoot.appendingPathComponent("Sources/TrailCore/Support")
        let files = try FileManager.default.contentsOfDirectory(atPath: support.path).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.contains("JSONText.swift"))
        let result = try TS.runProcess(try #require(Self.swiftc), ["-typecheck", "-parse-as-library", "-module-name", "SupportAlone"]
                                       + files.map { support.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderrText)\(result.stdoutText)")
    }

    @Test("scripts/fuzz.sh --check type-checks the fuzz target's sources",
          .enabled(if: swiftc != nil, "needs swiftc on PATH"))
    func fuzzTargetBuilds() throws {
        let script = TS.repositoryRoot.appendingPathComponent("scripts/fuzz.sh").path
        let result = try TS.runProcess("/bin/bash", [script, "--check"])
        #expect(result.status == 0, "\(result.stderrText)")
    }
}
