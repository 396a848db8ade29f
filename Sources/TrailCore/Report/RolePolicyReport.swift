/// `trail policy ROLE`: the least-privilege policy of a role from what its sessions did
/// (`PolicyGenerator`), for the whole role or, with `--by-origin`, one per human or service that
/// acted through it, and how it is printed.
///
/// Output contract:
/// - text: stdout is the IAM policy document itself (Version 2012-10-17), ready for
///   `aws iam put-role-policy --policy-document file://…`. With `--by-origin`, each origin's
///   document follows a `# origin: TYPE ID (N events)` line and a blank line separates them (for
///   reading; use json to script). Denied calls, which the policy does not grant, are listed
///   on stderr (`denied: iam:CreateUser`).
/// - json: one wrapper object on stdout, denials inside it:
///   `{"role", "window": {"from", "to"}, "policies": [{"origin": null | {"type", "id"}, "events",
///   "policy": {…the document…}, "denied": [...]}]}`.
public struct RolePolicyReport: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Nil for the whole role.
        public var origin: (type: String, id: String)?
        public var policy: PolicyGenerator.Policy

        public static func == (a: Entry, b: Entry) -> Bool {
            a.origin?.type == b.origin?.type && a.origin?.id == b.origin?.id && a.policy == b.policy
        }
    }

    public var role: String
    public var window: ReportWindow
    public var entries: [Entry]

    /// Builds the report. Throws `NotFound` (exit 5) when the role has no events in the window.
    public static func build(_ database: Database, role: String, window: ReportWindow, byOrigin: Bool) throws -> RolePolicyReport {
        let generator = PolicyGenerator(database)
        let whole = try generator.policy(role: role, since: window.from, until: window.to)
        guard whole.events > 0 else {
            let known = try database.scalarInt("SELECT count(*) FROM sessions WHERE role_arn = ?1 OR role_name = ?1", [.text(role)]) ?? 0
            throw NotFound(known > 0
                ? "role '\(role)' has no sessions with events in the window"
                : "no sessions of a role named '\(role)' (give the role's name or ARN exactly, as `trail who` prints it)")
        }
        var entries: [Entry] = []
        if byOrigin {
            for origin in try generator.origins(role: role, since: window.from, until: window.to) {
                let policy = try generator.policy(role: role, since: window.from, until: window.to, originID: origin.id)
                // An origin whose sessions overlap the window but made no call inside it.
                if policy.events > 0 { entries.append(Entry(origin: origin, policy: policy)) }
            }
        } else {
            entries = [Entry(origin: nil, policy: whole)]
        }
        return RolePolicyReport(role: role, window: window, entries: entries)
    }

    /// The text form's stdout.
    public var text: String {
        guard entries.contains(where: { $0.origin != nil }) else { return (entries.first?.policy.json ?? "") + "\n" }
        return entries.map { entry in
            let events = entry.policy.events
            // The origin comes from the records (a SAML subject, a token subject): no control
            // character of it may reach the terminal, nor a line break start a fake document.
            return "# origin: " + TerminalText.escape("\(entry.origin?.type ?? "") \(entry.origin?.id ?? "")") + " (\(events) event\(events == 1 ? "" : "s"))\n" + entry.policy.json + "\n"
        }.joined(separator: "\n")
    }

    /// The text form's stderr: one line per denied action, labelled with the origin when split.
    public var deniedLines: [String] {
        entries.flatMap { entry in
            entry.policy.denied.map { action in
                "denied: \(action)" + (entry.origin.map { " (origin \($0.type) \($0.id))" } ?? "") + ", not granted by the policy"
            }
        }
    }

    /// The json form.
    public var json: String {
        var out = "{\n  \"role\": \(JSONText.quote(role)),\n"
        out += "  \"window\": {\"from\": \(JSONReport.time(window.from)), \"to\": \(JSONReport.time(window.to))},\n"
        out += "  \"policies\": ["
        out += entries.map { entry in
            let origin = entry.origin.map { "{\"type\": \(JSONText.quote($0.type)), \"id\": \(JSONText.quote($0.id))}" } ?? "null"
            // The document, indented to sit inside the wrapper.
            let document = entry.policy.json.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ")
            return "\n    {\n      \"origin\": \(origin),\n      \"events\": \(entry.policy.events),\n"
                + "      \"policy\": \(document),\n      \"denied\": \(JSONText.array(entry.policy.denied))\n    }"
        }.joined(separator: ",")
        out += entries.isEmpty ? "]\n" : "\n  ]\n"
        return out + "}\n"
    }
}
