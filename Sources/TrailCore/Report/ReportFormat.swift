/// The formats `trail report --format` writes. Each is rendered by its own type from the same
/// `ComplianceReport`.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// Aligned tables for a terminal or a plain-text mail.
    case text
    /// GitHub-flavoured markdown tables, for a pull request, wiki or ticket.
    case markdown
    /// One JSON object, for scripts.
    case json
    /// One CSV table, one row per finding, for spreadsheets.
    case csv
    /// One self-contained HTML page with charts, for people.
    case html

    /// The report as this format. `width` fits text tables to a terminal (nil: never cut).
    public func render(_ report: ComplianceReport, width: Int? = nil) -> String {
        switch self {
        case .text: return TextReport(width: width).render(report)
        case .markdown: return MarkdownReport.render(report)
        case .json: return JSONReport.render(report)
        case .csv: return CSVReport.render(report)
        case .html: return HTMLReport.render(report)
        }
    }
}
