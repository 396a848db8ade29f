import Foundation
import Testing
@testable import TrailCore

/// The HTML report opened by a real browser engine: headless Chromium parses the file and dumps
/// the DOM it built. CI installs Chromium (.ci/run); without it this test fails rather than
/// silently passing.
@Suite("Report: HTML in headless Chromium")
struct ReportHTMLBrowserTests {
    @Test("Chromium renders the report: every check title present, no script element, hostile strings as text")
    func chromiumDOM() throws {
        let browser = try #require(Chromium.executable,
                                   "headless Chromium not found on PATH (looked for \(Chromium.candidates.joined(separator: ", "))); install it: apt-get install -y chromium (.ci/run does)")
        let report = try ReportFixture.run(database: ReportFixture.hostileDatabase)
        let scratch = try QueryScratch()
        defer { scratch.remove() }
        let page = scratch.url.appendingPathComponent("report.html")
        try AtomicFile.write(HTMLReport.render(report), to: page.path)

        let dump = try Self.dumpDOM(browser, page, profile: scratch.url.appendingPathComponent("profile"))
        #expect(dump.status == 0, "chromium exited \(dump.status): \(dump.stderr.suffix(2000))")
        let dom = dump.stdout
        #expect(dom.contains("<body"), "no DOM dumped: \(dump.stderr.suffix(2000))")
        for check in report.checks {
            #expect(dom.contains(HTMLReport.escape(check.definition.title)), "missing title of \(check.definition.id)")
        }
        // The browser created no script or img element: the hostile strings stayed text.
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.lowercased().contains("<img"))
        #expect(dom.contains("s3:&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // The charts survived parsing as SVG.
        #expect(dom.contains("<svg") && dom.contains("class=\"coverage\""))
    }

    /// Runs `chromium --headless=new --dump-dom file://…` with its own profile folder, killed if it
    /// hangs. Output goes to files, not pipes, so a chatty browser cannot block on a full pipe.
    static func dumpDOM(_ browser: String, _ page: URL, profile: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile.path)", "--dump-dom", page.absoluteString]
        let out = profile.deletingLastPathComponent().appendingPathComponent("dom.out")
        let err = profile.deletingLastPathComponent().appendingPathComponent("dom.err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self),
                String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
