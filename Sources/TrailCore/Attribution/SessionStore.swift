/// The sessions as the attribution pass sees them (after re-pointing and splitting), in a
/// temporary table rather than in memory, so the pass needs the same memory for 5M events as
/// for 1M. Looked up by key, by ARN and creation time, and walked in key order.
final class SessionStore {
    private let db: Database
    private let insert: Statement
    private let select: Statement
    private let selectByARN: Statement
    private let identityCenterUser: Statement
    private let delete: Statement

    private static let columns = [
        "key TEXT PRIMARY KEY", "id", "events", "errors", "first_seen", "last_seen", "identity_type", "principal_id", "arn",
        "account", "issuer_arn", "creation", "access_keys", "source_identity", "source_identity_variants", "mfa_observed",
        "ec2_role_delivery", "in_scope_of_issued_to", "web_provider", "on_behalf_of_user_id", "invoked_by", "user_name",
        "identity_provider", "recipient_account", "credential_id", "assumed_root", "source_ip",
    ]

    /// Copies every session with events from `sessions`.
    init(_ db: Database) throws {
        self.db = db
        try db.execute("""
            DROP TABLE IF EXISTS temp.attr_sessions;
            CREATE TEMP TABLE attr_sessions (\(Self.columns.joined(separator: ", "))) WITHOUT ROWID;
            """)
        insert = try db.prepare("INSERT OR REPLACE INTO temp.attr_sessions VALUES (\(Array(repeating: "?", count: Self.columns.count).joined(separator: ",")))")
        try db.execute("CREATE INDEX temp.attr_sessions_arn ON attr_sessions(arn, creation)")
        // The columns in the order `SessionAggregate.read` decodes (`storedSQL`'s), so one decoder serves both.
        select = try db.prepare("""
            SELECT key, events, errors, first_seen, last_seen, identity_type, principal_id, arn, account, issuer_arn, NULL,
                   creation, access_keys, source_identity, source_identity_variants, mfa_observed, ec2_role_delivery,
                   in_scope_of_issued_to, web_provider, on_behalf_of_user_id, invoked_by, user_name, identity_provider,
                   recipient_account, credential_id, assumed_root, source_ip, id
            FROM temp.attr_sessions WHERE key = ?
            """)
        selectByARN = try db.prepare("""
            SELECT key FROM temp.attr_sessions WHERE arn = ? AND creation IS NOT NULL AND creation <= ? ORDER BY creation DESC, key DESC
            """)
        identityCenterUser = try db.prepare("""
            SELECT on_behalf_of_user_id FROM temp.attr_sessions
            WHERE arn = ? AND creation = ? AND on_behalf_of_user_id IS NOT NULL ORDER BY key DESC LIMIT 1
            """)
        delete = try db.prepare("DELETE FROM temp.attr_sessions WHERE key = ?")
        let stored = try db.prepare(SessionAggregate.storedSQL + " WHERE s.raw_events > 0")
        while try stored.step() {
            if let aggregate = SessionAggregate.read(stored) { try put(aggregate) }
        }
    }

    func put(_ s: SessionAggregate) throws {
        func text(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        try insert.bind([
            .text(s.key), .integer(s.id), .integer(Int64(s.events)), .integer(Int64(s.errors)), .integer(s.firstSeen), .integer(s.lastSeen),
            text(s.identityType), text(s.principalID), text(s.arn), text(s.account), text(s.issuerARN), s.creation.map { .integer($0) } ?? .null,
            .text(s.accessKeys.joined(separator: ",")), text(s.sourceIdentity), .integer(Int64(s.sourceIdentityVariants)),
            .integer(s.mfaObserved ? 1 : 0), text(s.ec2RoleDelivery), text(s.inScopeOfIssuedTo), text(s.webProvider),
            text(s.onBehalfOfUserID), text(s.invokedBy), text(s.userName), text(s.identityProvider), text(s.recipientAccount),
            text(s.credentialID), text(s.assumedRoot), text(s.sourceIP),
        ])
        try insert.step()
        insert.reset()
    }

    func remove(_ key: String) throws {
        try delete.bind([.text(key)])
        try delete.step()
        delete.reset()
    }

    func session(_ key: String) throws -> SessionAggregate? {
        try select.bind([.text(key)])
        defer { select.reset() }
        return try select.step() ? SessionAggregate.read(select) : nil
    }

    /// Keys of the sessions `sql` (a condition on attr_sessions) selects, in key order.
    func keys(where sql: String) throws -> [String] {
        let statement = try db.prepare("SELECT key FROM temp.attr_sessions WHERE \(sql) ORDER BY key")
        var result: [String] = []
        while try statement.step() { if let key = statement.text(0) { result.append(key) } }
        return result
    }

    /// Every session, in key order; `body` may look sessions up but not change the store.
    func forEach(_ body: (SessionAggregate) throws -> Void) throws {
        let statement = try db.prepare("SELECT key FROM temp.attr_sessions ORDER BY key")
        while try statement.step() {
            guard let key = statement.text(0), let session = try session(key) else { continue }
            try body(session)
        }
    }

    /// The latest session of `arn` created at or before `notAfter` (by creation, then key) that
    /// `accept` takes. Reads keys newest first and stops at the first accepted one.
    func latestSession(withARN arn: String, notAfter: Int64, where accept: (SessionAggregate) -> Bool) throws -> SessionAggregate? {
        try selectByARN.bind([.text(arn), .integer(notAfter)])
        defer { selectByARN.reset() }
        while try selectByARN.step() {
            // `session` uses another statement, so this cursor stays where it is.
            if let key = selectByARN.text(0), let candidate = try session(key), accept(candidate) { return candidate }
        }
        return nil
    }

    /// The Identity Center user id the sessions of `arn` created at `creation` show (`onBehalfOf`).
    func identityCenterUser(arn: String, creation: Int64) throws -> String? {
        try identityCenterUser.bind([.text(arn), .integer(creation)])
        defer { identityCenterUser.reset() }
        return try identityCenterUser.step() ? identityCenterUser.text(0) : nil
    }

    func drop() throws {
        try db.execute("DROP TABLE IF EXISTS temp.attr_sessions")
    }
}
