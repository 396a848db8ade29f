/// What `trail schema` prints: the tables and views, their columns, and a line on what each is
/// for, read from the database itself (so it always matches what queries will see).
public enum SchemaGuide {
    /// One line per table or view. Objects without an entry are still listed.
    public static let tableDescriptions: [String: String] = [
        "events": "VIEW: one row per CloudTrail event, userIdentity flattened; query event_attribution for who was behind it",
        "event_rows": "Where events are stored: the columns queries filter on, ids into interned_text and identities, and where the record lies (blob_id, record_offset, record_length); query the events view",
        "interned_text": "Each distinct userIdentity and userAgent text once (hash = trail_hash(value))",
        "identities": "Each distinct userIdentity object flattened once, keyed by its interned_text id (event_rows.user_identity_ref)",
        "blobs": "Each input file's gzip stream, once: trail_record(blob_id, record_offset, record_length) returns an event's record byte for byte",
        "event_attribution": "VIEW: every event with its session, role, chain and resolved origin; start investigations here",
        "sessions": "One row per credential session: how its credentials were issued (link), its chain and its origin",
        "event_links": "Events the attribution moved to another session (resource-owner copies, sessions split by key)",
        "resources": "The resources each event names (resources[] in the record), one row per ARN; to find an ARN, use resource_events",
        "resource_events": "Each resource ARN with its event's time, account, call and error, in ARN order: look ARNs up here (GLOB 'prefix*' is a range)",
        "resource_events_state": "The newest event row whose resources are in resource_events; newer ones are only in resources",
        "insight_events": "CloudTrail Insights events, kept apart from API activity",
        "files": "The ingest ledger: every file read, its status, counts and SHA-256 hashes (a duplicate has another file's content_sha256 and content_size)",
        "rejected_records": "Records that could not be stored, with the reason and the raw text",
        "digests": "CloudTrail digest files (integrity chain), one row per digest",
        "activity_rollup": "Events summed per session, account, region, access key and source address; rebuilt by every ingest",
        "hourly_rollup": "Events per hour, account and region; rebuilt by every ingest",
        "service_rollup": "Events per session and service (eventSource); rebuilt by every ingest",
        "address_rollup": "The activity roll-up's rows that have a source address, with their session's origin, in address and origin order; rebuilt by every ingest",
        "address_totals": "Each source address over all time: first and last use, events, its origins sorted; rebuilt by every ingest",
        "error_events": "Every failed call with its origin, chain, session and resources as event_findings spells them, in time order; rebuilt by every ingest",
        "rollup_state": "The newest event row the roll-ups and error_events cover: trust them only while it is max(event_rows.id)",
        "attribution_state": "The newest event row the last attribution covered, and when; events above it show origin unknown until an ingest attributes them",
    ]

    /// Notes on the columns investigators use most; the rest are named after CloudTrail's fields.
    public static let columnDescriptions: [String: [String: String]] = [
        "event_attribution": [
            "event_ts": "eventTime as Unix seconds (filter on this)",
            "account_id": "the account the event happened in (recipientAccountId)",
            "session_key": "the credential session (sessions.session_key)",
            "role_arn": "the role of the session, when it is a role session",
            "origin_type": "iam_user, root, saml_user, web_identity_user, identity_center_user, aws_service, external_account or unknown",
            "origin_id": "who started the chain: user ARN, SAML/OIDC subject, SSO user, service principal, account id",
            "origin_detail": "more about the origin: EC2 instance id, Lambda function, identity provider",
            "origin_account": "the account the origin belongs to",
            "chain": "JSON array of the role ARNs from the origin to this session",
            "chain_roles": "the chain as role names, 123456789012:Admin > 444455556666:ProdAdmin; NULL when direct",
            "chain_depth": "number of hops (roles, federated or user sessions) in the chain",
            "link_method": "the rule that linked this session to its issuing call (L1 key+arn+time, …)",
            "confidence": "exact, strong, heuristic, ambiguous or none (the weakest link of the chain)",
            "reason": "why the attribution is incomplete or heuristic, when it is",
            "actor_arn": "the ARN the record itself names (userIdentity.arn)",
            "via_service": "userIdentity.invokedBy: the AWS service that made the call for the principal",
        ],
        "files": [
            "size": "bytes as read",
            "sha256": "SHA-256 of the bytes as read, hex: the same path with these bytes and a new mtime is not read again",
            "content_sha256": "SHA-256 of the inflated bytes, hex (the bytes themselves for plain JSON); CloudTrail digest files list it as hashValue. NULL when the file could not be inflated",
            "content_size": "length of the inflated bytes; with content_sha256, what makes another file a duplicate",
            "duplicate_of": "for status duplicate: the files.id that has the same content",
            "blob_id": "the stored bytes of this file (blobs.id); NULL for a duplicate or an unreadable file",
        ],
        "attribution_state": [
            "max_event_rowid": "event_rows.id the last attribution covered (0: never ran); newer rows are not attributed yet",
            "attributed_at": "when that attribution finished (UTC; NULL: never)",
            "deferred": "1 when an ingest stored events with attribution turned off (--no-attribution), 0 otherwise",
        ],
        "sessions": [
            "session_key": "principalId@creationDate for temporary credentials; see SessionKey for the others",
            "kind": "role, federated_user, user_session, root_session, long_term_key, iam_user, root, service, …",
            "first_ts": "first event as Unix seconds",
            "last_ts": "last event as Unix seconds",
            "access_keys": "JSON array of the access keys seen in the session",
            "issuing_event_id": "the call that issued the session's credentials (AssumeRole, ConsoleLogin, …)",
            "parent_session_key": "the session that made the issuing call; walk it up to the origin",
            "chain": "JSON array of the role ARNs from the origin to this session",
            "chain_roles": "the chain as role names, 123456789012:Admin > 444455556666:ProdAdmin; NULL when direct",
            "link_method": "the rule that found the issuing call",
            "candidates": "JSON array of the calls that fitted equally well, when the link is ambiguous",
        ],
        "resources": [
            "event_id": "events.event_id",
            "event_row": "the event's row: join on events.id (or event_attribution.event_rowid), which is indexed",
            "position": "order within the record's resources[]",
            "arn": "the resource ARN (S3 objects as arn:aws:s3:::bucket/key)",
        ],
        "resource_events": [
            "position": "order within the record's resources[]",
            "event_row": "the event's row: join on events.id (or event_attribution.event_rowid)",
            "session_id": "the session the ingest gave the event; the attribution may have moved it: coalesce(event_links.session_id, session_id)",
            "account": "coalesce(recipient_account_id, identity_account_id)",
        ],
        "activity_rollup": [
            "session_id": "sessions.id; 0 for the events with no identity",
            "account": "coalesce(recipient_account_id, identity_account_id)",
            "first_ts": "first event of the group, Unix seconds",
            "last_ts": "last event of the group, Unix seconds",
        ],
        "hourly_rollup": [
            "hour": "event_ts / 3600 * 3600",
            "account": "coalesce(recipient_account_id, identity_account_id)",
        ],
        "service_rollup": [
            "session_id": "sessions.id; 0 for the events with no identity",
            "first_ts": "first event of the session with this service, Unix seconds",
            "last_ts": "last event of the session with this service, Unix seconds",
        ],
        "address_rollup": [
            "origin_label": "the session's origin_id (else origin_type) with its origin_detail in parentheses; unknown for no session",
            "rollup_row": "the activity_rollup row (rowid) it copies",
        ],
        "error_events": [
            "event_row": "event_rows.id of the failed call",
            "chain": "the chain's role ARNs joined by ' > ' ('' when direct), as event_findings shows it",
            "resources": "the record's resource ARNs in order, space-separated, as event_findings shows them",
        ],
        "events": [
            "id_hash": "trail_hash(event_id): find an event with id_hash = trail_hash('…') AND event_id = '…' (indexed)",
            "blob_id": "the stored input (blobs.id) the record came in",
            "record_offset": "where the record starts in that input, inflated; trail_record(blob_id, record_offset, record_length) returns it",
            "request_parameters": "read from the record (kept in the row for STS, sign-in, Identity Center and IAM changes)",
        ],
        "event_links": [
            "original_session_id": "the session (sessions.id) the event had at ingest",
            "session_id": "the session (sessions.id) it was moved to",
            "method": "shared_event_id or split by access key",
            "evidence_event_id": "the record that justified the move",
        ],
    ]

    /// Every table and view (not SQLite's own) with its columns, in schema order.
    public static func describe(_ database: Database) throws -> ResultSet {
        let objects = try database.rows("""
            SELECT name, type FROM sqlite_master
            WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE name WHEN 'event_attribution' THEN 0 WHEN 'sessions' THEN 1 WHEN 'events' THEN 2 WHEN 'resources' THEN 3 ELSE 4 END, name
            """)
        var result = ResultSet(columns: ["table", "kind", "column", "type", "description"])
        for object in objects {
            guard let name = object[0].textValue else { continue }
            let kind = object[1].textValue ?? "table"
            result.rows.append([.text(name), .text(kind), .null, .null, tableDescriptions[name].map { .text($0) } ?? .null])
            let info = try database.prepare("SELECT name, type FROM pragma_table_info(?)")
            try info.bind([.text(name)])
            while try info.step() {
                let column = info.text(0) ?? ""
                let type = info.text(1) ?? ""
                let note = columnDescriptions[name]?[column]
                result.rows.append([.text(name), .text(kind), .text(column), type.isEmpty ? .null : .text(type), note.map { .text($0) } ?? .null])
            }
        }
        return result
    }

    /// The readable form: each object's line, then its columns indented.
    public static func text(_ description: ResultSet, width: Int?) -> String {
        var out = ""
        var columnWidth = 0
        for row in description.rows { columnWidth = max(columnWidth, (row[2].textValue ?? "").count) }
        for row in description.rows {
            let table = row[0].textValue ?? ""
            if row[2] == .null {
                if !out.isEmpty { out += "\n" }
                let line = "\(table) (\(row[1].textValue ?? "table"))" + (row[4].textValue.map { ": \($0)" } ?? "")
                out += TableFormatter.sanitize(width.map { TableFormatter.truncate(line, to: $0) } ?? line) + "\n"
            } else {
                let column = row[2].textValue ?? ""
                let type = row[3].textValue ?? ""
                var line = "  " + column + String(repeating: " ", count: columnWidth - column.count + 2)
                line += type + String(repeating: " ", count: max(1, 9 - type.count))
                line += row[4].textValue ?? ""
                while line.hasSuffix(" ") { line.removeLast() }
                out += TableFormatter.sanitize(width.map { TableFormatter.truncate(line, to: $0) } ?? line) + "\n"
            }
        }
        return out
    }

    /// The CREATE statements, as SQLite keeps them.
    public static func createStatements(_ database: Database) throws -> String {
        try database.rows("""
            SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, name
            """).compactMap { $0.first?.textValue.map { $0 + ";" } }.joined(separator: "\n\n") + "\n"
    }

    /// An in-memory database at the latest schema, so `trail schema` works before any ingest.
    public static func blankDatabase() throws -> Database {
        let database = try Database(path: ":memory:", mode: .readWrite)
        try Schema.prepare(database)
        return database
    }
}
