/// The HTML report's two pictures, as inline SVG (no script, no external asset): a bar chart of a
/// check's findings per day, and the coverage strip showing, per account and region, which hours
/// of the window have logs.
///
/// Coordinates are whole pixels computed from integers, so the same data always gives the same
/// markup (reports diff cleanly). Every text is escaped with `HTMLReport.escape`.
public enum SVGChart {
    static let logged = "#2e7d32"
    static let missing = "#e0a3a3"
    static let bar = "#3c6fb4"
    static let ink = "#444"

    // MARK: daily bars

    /// Days (Unix seconds of UTC midnight) the chart spans: the window's days when it is closed,
    /// else the days from the first to the last finding.
    static func days(window: ReportWindow, counts: [Int64: Int]) -> [Int64] {
        let first: Int64?, last: Int64?
        if let from = window.from, let to = window.to {
            first = ReportWindow.floor(from, to: 86_400)
            last = ReportWindow.floor(to - 1, to: 86_400)
        } else {
            first = counts.keys.min().map { min($0, window.from.map { ReportWindow.floor($0, to: 86_400) } ?? $0) }
            last = counts.keys.max().map { max($0, window.to.map { ReportWindow.floor($0 - 1, to: 86_400) } ?? $0) }
        }
        guard var first, let last, first <= last else { return [] }
        // A chart of at most the last 400 days, however wide the window asked for.
        first = max(first, last - (400 - 1) * 86_400)
        return Array(stride(from: first, through: last, by: 86_400))
    }

    /// A bar per day of `days`, labelled with the first and last day and the tallest count.
    public static func dailyBars(counts: [Int64: Int], window: ReportWindow, label: String) -> String {
        let days = days(window: window, counts: counts)
        guard !days.isEmpty else { return "" }
        let barWidth = max(2, min(36, 720 / days.count))
        let plotHeight = 80, top = 16, bottom = 18, left = 4
        // Wide enough for its labels even when the window is a single day.
        let width = max(240, left * 2 + barWidth * days.count)
        let height = top + plotHeight + bottom
        let peak = max(1, counts.values.max() ?? 0)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTMLReport.escape(label))\">"
        out += "<title>\(HTMLReport.escape(label))</title>"
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - left)\" y2=\"\(top + plotHeight)\" stroke=\"\(ink)\" stroke-width=\"1\"/>"
        for (i, day) in days.enumerated() {
            let count = counts[day] ?? 0
            guard count > 0 else { continue }
            let h = max(1, count * plotHeight / peak)
            let x = left + i * barWidth
            let gap = barWidth > 3 ? 1 : 0
            out += "<rect x=\"\(x)\" y=\"\(top + plotHeight - h)\" width=\"\(barWidth - gap)\" height=\"\(h)\" fill=\"\(bar)\">"
            out += "<title>\(dayText(day)): \(count) finding\(count == 1 ? "" : "s")</title></rect>"
        }
        out += "<text x=\"\(left)\" y=\"11\" font-size=\"10\" fill=\"\(ink)\">max \(peak)/day</text>"
        out += "<text x=\"\(left)\" y=\"\(height - 4)\" font-size=\"10\" fill=\"\(ink)\">\(dayText(days[0]))</text>"
        if days.count > 1 {
            out += "<text x=\"\(width - left)\" y=\"\(height - 4)\" font-size=\"10\" fill=\"\(ink)\" text-anchor=\"end\">\(dayText(days[days.count - 1]))</text>"
        }
        return out + "</svg>"
    }

    // MARK: coverage strip

    /// One row per account and region, one cell per hour of the coverage's span: green where the
    /// hour has logs, red where it has none; runs of equal hours are drawn as one rectangle.
    /// Midnights are marked with a tick and the date.
    public static func coverageStrip(_ coverage: Coverage) -> String {
        guard let span = coverage.hours, !coverage.streams.isEmpty else { return "" }
        let hours = coverage.hourCount
        let cell = max(1, min(24, 960 / max(1, hours)))
        let labelWidth = 230, rowHeight = 18, top = 20, legend = 22
        let width = labelWidth + cell * hours + 8
        let height = top + rowHeight * coverage.streams.count + legend
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"coverage\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Hours with and without logs per account and region\">"
        out += "<title>Hours with and without logs per account and region</title>"
        // Day boundaries along the top.
        var midnight = ReportWindow.floor(span.lowerBound, to: 86_400)
        if midnight < span.lowerBound { midnight += 86_400 }
        var lastLabel = -1_000  // far enough left that the first midnight gets its date
        while midnight < span.upperBound {
            let x = labelWidth + Int((midnight - span.lowerBound) / 3600) * cell
            out += "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(top + rowHeight * coverage.streams.count)\" stroke=\"\(ink)\" stroke-width=\"1\"/>"
            if x - lastLabel >= 80 {
                out += "<text x=\"\(x + 2)\" y=\"\(top - 8)\" font-size=\"10\" fill=\"\(ink)\">\(dayText(midnight))</text>"
                lastLabel = x
            }
            midnight += 86_400
        }
        for (row, stream) in coverage.streams.enumerated() {
            let y = top + row * rowHeight
            let name = "\(stream.account.isEmpty ? "-" : stream.account) \(stream.region.isEmpty ? "-" : stream.region)"
            out += "<text x=\"0\" y=\"\(y + rowHeight - 5)\" font-size=\"12\" fill=\"\(ink)\">\(HTMLReport.escape(name))</text>"
            let logged = Set(stream.loggedHours.map { Int(($0 - span.lowerBound) / 3600) })
            var start = 0
            while start < hours {
                let on = logged.contains(start)
                var end = start + 1
                while end < hours && logged.contains(end) == on { end += 1 }
                let from = span.lowerBound + Int64(start) * 3600, to = span.lowerBound + Int64(end) * 3600
                out += "<rect x=\"\(labelWidth + start * cell)\" y=\"\(y + 2)\" width=\"\((end - start) * cell)\" height=\"\(rowHeight - 4)\" fill=\"\(on ? Self.logged : missing)\">"
                out += "<title>\(HTMLReport.escape(name)): \(Timestamp.format(from)) .. \(Timestamp.format(to)) \(on ? "logs" : "no logs") (\(end - start) h)</title></rect>"
                start = end
            }
        }
        let y = top + rowHeight * coverage.streams.count + 6
        out += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"10\" height=\"10\" fill=\"\(Self.logged)\"/>"
        out += "<text x=\"\(labelWidth + 14)\" y=\"\(y + 9)\" font-size=\"10\" fill=\"\(ink)\">hour with logs</text>"
        out += "<rect x=\"\(labelWidth + 110)\" y=\"\(y)\" width=\"10\" height=\"10\" fill=\"\(missing)\"/>"
        out += "<text x=\"\(labelWidth + 124)\" y=\"\(y + 9)\" font-size=\"10\" fill=\"\(ink)\">hour without logs</text>"
        return out + "</svg>"
    }

    /// `2026-11-20`.
    static func dayText(_ seconds: Int64) -> String { String(Timestamp.format(seconds).prefix(10)) }
}
