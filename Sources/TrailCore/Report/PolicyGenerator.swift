/// Builds the least-privilege IAM policy of a role from what its sessions actually did:
/// the successful calls in the window, as IAM actions, with the resources the records name.
public struct PolicyGenerator {
    public struct Statement: Sendable, Equatable {
        public var actions: [String]
        public var resources: [String]
    }

    public struct Policy: Sendable, Equatable {
        public var statements: [Statement]
        /// Calls in the window that were denied: not granted by the policy, listed for review.
        public var denied: [String]
        public var events: Int

        /// The policy document as JSON (Version 2012-10-17), keys and lists in a stable order.
        public var json: String {
            var out = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": ["
            for (i, statement) in statements.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                out += "    {\n      \"Effect\": \"Allow\",\n      \"Action\": "
                out += list(statement.actions, indent: "      ")
                out += ",\n      \"Resource\": "
                out += statement.resources == ["*"] ? "\"*\"" : list(statement.resources, indent: "      ")
                out += "\n    }"
            }
            out += statements.isEmpty ? "]\n}" : "\n  ]\n}"
            return out
        }

        private func list(_ items: [String], indent: String) -> String {
            if items.count == 1 { return JSONText.quote(items[0]) }
            return "[\n" + items.map { indent + "  " + JSONText.quote($0) }.joined(separator: ",\n") + "\n" + indent + "]"
        }
    }

    let db: Database

    public init(_ db: Database) { self.db = db }

    /// The policy for the sessions of `role` (a role name or ARN), in `[since, until)`, optionally
    /// only for the sessions whose origin is `originID`. `originID` matches as `origins` lists
    /// origins (origin id, else detail, else ""), so every listed origin, an unknown one
    /// included, selects its own sessions.
    public func policy(role: String, since: Int64?, until: Int64?, originID: String? = nil) throws -> Policy {
        let sql = """
            SELECT a.event_source, a.event_name, a.event_type, a.error_code, a.event_id,
                   (SELECT group_concat(coalesce(r.type, '') || char(31) || r.arn, char(30)) FROM resources r WHERE r.event_row = a.event_rowid)
            FROM sessions s
            JOIN event_attribution a ON a.session_id = s.id
            WHERE (s.role_arn = :role OR s.role_name = :role)
              AND (:since IS NULL OR a.event_ts >= :since) AND (:until IS NULL OR a.event_ts < :until)
              AND (:origin IS NULL OR coalesce(s.origin_id, s.origin_detail, '') = :origin OR s.origin_detail = :origin)
            """
        let statement = try db.prepare(sql)
        try statement.bind(.text(role), at: statement.parameterIndex(":role"))
        try statement.bind(since.map { .integer($0) } ?? .null, at: statement.parameterIndex(":since"))
        try statement.bind(until.map { .integer($0) } ?? .null, at: statement.parameterIndex(":until"))
        try statement.bind(originID.map { .text($0) } ?? .null, at: statement.parameterIndex(":origin"))
        var resourcesByAction: [String: Set<String>] = [:]
        var denied: Set<String> = []
        var events = 0
        while try statement.step() {
            events += 1
            guard let source = statement.text(0), let name = statement.text(1),
                  let action = IAMActionMap.action(eventSource: source, eventName: name, eventType: statement.text(2)) else { continue }
            if let error = statement.text(3), !error.isEmpty {
                denied.insert(action)
                continue
            }
            var named: [String] = []
            for entry in (statement.text(5) ?? "").split(separator: "\u{1E}") {
                let parts = entry.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[1].hasPrefix("arn:") else { continue }
                let type = String(parts[0]), arn = String(parts[1])
                if action.hasPrefix("s3:") {
                    // Object actions on object ARNs, bucket actions on the bucket.
                    let objectLevel = IAMActionMap.isS3ObjectAction(action)
                    if objectLevel == (type == "AWS::S3::Object") { named.append(arn) }
                } else {
                    named.append(arn)
                }
            }
            var set = resourcesByAction[action, default: []]
            if named.isEmpty { set.insert("*") } else { set.formUnion(named) }
            resourcesByAction[action] = set
        }
        // One statement per distinct resource list, actions sorted; "*" absorbs the rest.
        var byResources: [[String]: [String]] = [:]
        for (action, resources) in resourcesByAction {
            let list = resources.contains("*") ? ["*"] : resources.sorted()
            byResources[list, default: []].append(action)
        }
        let statements = byResources.map { Statement(actions: $0.value.sorted(), resources: $0.key) }
            .sorted { ($0.actions.first ?? "") < ($1.actions.first ?? "") }
        return Policy(statements: statements, denied: denied.subtracting(resourcesByAction.keys).sorted(), events: events)
    }

    /// The origins that acted under `role` in the window, for `--by-origin`.
    public func origins(role: String, since: Int64?, until: Int64?) throws -> [(type: String, id: String)] {
        let statement = try db.prepare("""
            SELECT DISTINCT s.origin_type, coalesce(s.origin_id, s.origin_detail, '')
            FROM sessions s
            WHERE (s.role_arn = ?1 OR s.role_name = ?1)
              AND (?2 IS NULL OR s.last_ts >= ?2) AND (?3 IS NULL OR s.first_ts < ?3)
            ORDER BY 1, 2
            """)
        try statement.bind([.text(role), since.map { .integer($0) } ?? .null, until.map { .integer($0) } ?? .null])
        var result: [(String, String)] = []
        while try statement.step() { result.append((statement.text(0) ?? "unknown", statement.text(1) ?? "")) }
        return result
    }
}
