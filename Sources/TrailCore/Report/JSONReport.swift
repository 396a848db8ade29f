/// The report as one JSON object, keys in a fixed order (written by hand, as `JSONWriter` does,
/// because JSONSerialization would reorder them and break diffs):
///
///     {
///       "title": "CloudTrail compliance report",
///       "window": {"from": "…Z" | null, "to": "…Z" | null, "account": "…" | null},
///       "coverage": {"events": 31, "first_event": …, "last_event": …,
///                    "files": {"ingested": …, "partial": …, "failed": …, "rejected_records": …,
///                              "digests": …, "with_events_in_window": …},
///                    "hours": {"from": …, "to": …, "count": …},
///                    "streams": [{"account", "region", "events", "hours_with_logs", "hours_without_logs"}]},
///       "summary": {"checks": 20, "with_findings": 7, "findings": 31},
///       "checks": [{"id", "title", "severity", "cis", "rationale", "filter", "query", "source" (`built-in` or the file), "notes",
///                   "count", "columns", "findings": [{column: value, …}]}]
///     }
public enum JSONReport {
    public static func render(_ report: ComplianceReport) -> String {
        let c = report.coverage
        var out = "{\n"
        out += "  \"title\": \(JSONText.quote(ComplianceReport.title)),\n"
        out += "  \"window\": {\"from\": \(time(report.window.from)), \"to\": \(time(report.window.to)), \"account\": \(text(report.account))},\n"
        out += "  \"coverage\": {\n"
        out += "    \"events\": \(c.events), \"first_event\": \(time(c.firstEvent)), \"last_event\": \(time(c.lastEvent)),\n"
        out += "    \"files\": {\"ingested\": \(c.files.ingested), \"partial\": \(c.files.partial), \"failed\": \(c.files.failed), "
            + "\"rejected_records\": \(c.files.rejectedRecords), \"digests\": \(c.files.digests), \"with_events_in_window\": \(c.files.withEventsInWindow)},\n"
        out += "    \"hours\": {\"from\": \(time(c.hours?.lowerBound)), \"to\": \(time(c.hours?.upperBound)), \"count\": \(c.hourCount)},\n"
        out += "    \"streams\": ["
        out += c.streams.map { s in
            "\n      {\"account\": \(JSONText.quote(s.account)), \"region\": \(JSONText.quote(s.region)), \"events\": \(s.events), "
                + "\"hours_with_logs\": \(s.loggedHours.count), \"hours_without_logs\": \(max(0, c.hourCount - s.loggedHours.count))}"
        }.joined(separator: ",")
        out += c.streams.isEmpty ? "]\n" : "\n    ]\n"
        out += "  },\n"
        out += "  \"summary\": {\"checks\": \(report.checks.count), \"with_findings\": \(report.checksWithFindings), \"findings\": \(report.findingCount)},\n"
        out += "  \"checks\": ["
        out += report.checks.map(check).joined(separator: ",")
        out += report.checks.isEmpty ? "]\n" : "\n  ]\n"
        return out + "}\n"
    }

    static func check(_ check: ComplianceReport.Check) -> String {
        let d = check.definition
        var out = "\n    {\n"
        out += "      \"id\": \(JSONText.quote(d.id)), \"title\": \(JSONText.quote(d.title)), \"severity\": \(JSONText.quote(d.severity.rawValue)),\n"
        out += "      \"cis\": \(text(d.cis)), \"query\": \(JSONText.quote(d.query.name)), \"source\": \(JSONText.quote(d.query.source)),\n"
        out += "      \"rationale\": \(text(d.rationale)),\n"
        out += "      \"filter\": \(text(d.filter)),\n"
        out += "      \"notes\": \(JSONText.array(check.notes)),\n"
        out += "      \"count\": \(check.count),\n"
        out += "      \"columns\": \(JSONText.array(check.result.columns)),\n"
        out += "      \"findings\": ["
        out += check.result.rows.map { "\n        " + JSONWriter.object(check.result.columns, $0) }.joined(separator: ",")
        out += check.result.rows.isEmpty ? "]\n" : "\n      ]\n"
        return out + "    }"
    }

    static func time(_ seconds: Int64?) -> String { seconds.map { JSONText.quote(Timestamp.format($0)) } ?? "null" }
    static func text(_ value: String?) -> String { value.map(JSONText.quote) ?? "null" }
}
