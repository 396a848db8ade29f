/// One credential session as the events show it: the identity fields every event of the
/// session shares, and what varies (keys, time span, counts).
struct SessionAggregate {
    var id: Int64
    var key: String
    var events: Int
    var errors: Int
    var firstSeen: Int64
    var lastSeen: Int64
    var identityType: String?
    var principalID: String?
    var arn: String?
    var account: String?
    var issuerARN: String?
    var creation: Int64?
    var accessKeys: [String]
    var sourceIdentity: String?
    var sourceIdentityVariants: Int
    var mfaObserved: Bool
    var ec2RoleDelivery: String?
    var inScopeOfIssuedTo: String?
    var webProvider: String?
    var onBehalfOfUserID: String?
    var invokedBy: String?
    var userName: String?
    var identityProvider: String?
    var recipientAccount: String?
    var credentialID: String?
    var assumedRoot: String?
    var sourceIP: String?

    /// The session name: the last segment of an assumed-role or federated-user ARN.
    var sessionName: String? {
        guard let arn, arn.contains(":assumed-role/") || arn.contains(":federated-user/") else { return nil }
        return ARN(arn)?.resourceName
    }

    /// Sessions as the writer keeps them (see `SessionTracker`).
    static let storedSQL = """
        SELECT s.session_key, s.raw_events, s.raw_errors, s.raw_first_ts, s.raw_last_ts,
               s.identity_type, s.principal_id, s.session_arn, s.account_id, s.session_issuer_arn, NULL, s.creation_ts,
               (SELECT group_concat(access_key_id) FROM session_access_keys k WHERE k.session_id = s.id),
               (SELECT min(source_identity) FROM session_source_identities i WHERE i.session_id = s.id),
               (SELECT count(*) FROM session_source_identities i WHERE i.session_id = s.id),
               s.mfa_observed, s.ec2_role_delivery, s.in_scope_of_issued_to, s.web_id_federated_provider, s.on_behalf_of_user_id,
               s.invoked_by, s.user_name, s.identity_provider, s.recipient_account_id, s.credential_id, s.assumed_root,
               s.source_ip_address, s.id
        FROM sessions s
        """

    /// A session computed from its events, for the few the attribution re-groups.
    static var fromEventsSQL: String { """
        SELECT NULL, count(*), count(error_code), min(event_ts), max(event_ts),
               max(identity_type), max(principal_id), max(identity_arn), max(identity_account_id),
               max(session_issuer_arn), NULL, max(session_creation_ts),
               group_concat(DISTINCT access_key_id), min(source_identity), count(DISTINCT source_identity),
               max(session_mfa_authenticated = 'true'), max(ec2_role_delivery), max(in_scope_of_issued_to),
               max(web_id_federated_provider), max(on_behalf_of_user_id), max(invoked_by), max(user_name),
               max(identity_provider), max(recipient_account_id), max(credential_id), max(assumed_root),
               min(source_ip_address), NULL
        FROM \(Schema.eventsWithIdentitySQL)
        """ }

    static func read(_ s: Statement, key: String? = nil, id: Int64? = nil) -> SessionAggregate? {
        guard let key = key ?? s.text(0), s.int64(1) > 0 else { return nil }
        let keys = (s.text(12) ?? "").split(separator: ",").map(String.init).filter { SessionKey.isAccessKey($0) }.sorted()
        return SessionAggregate(
            id: id ?? s.int64(27), key: key, events: Int(s.int64(1)), errors: Int(s.int64(2)), firstSeen: s.int64(3), lastSeen: s.int64(4),
            identityType: s.text(5), principalID: s.text(6), arn: s.text(7), account: s.text(8),
            issuerARN: s.text(9), creation: s.isNull(11) ? nil : s.int64(11),
            accessKeys: keys, sourceIdentity: s.text(13), sourceIdentityVariants: Int(s.int64(14)),
            mfaObserved: s.int64(15) == 1, ec2RoleDelivery: s.text(16), inScopeOfIssuedTo: s.text(17),
            webProvider: s.text(18), onBehalfOfUserID: s.text(19), invokedBy: s.text(20), userName: s.text(21),
            identityProvider: s.text(22), recipientAccount: s.text(23), credentialID: s.text(24), assumedRoot: s.text(25),
            sourceIP: s.text(26))
    }

    /// The events of session `id` matching `filter` (an SQL condition), as a session with `key`.
    static func fromEvents(_ db: Database, id: Int64, key: String, filter: String = "1", _ bindings: [SQLValue] = []) throws -> SessionAggregate? {
        let statement = try db.prepare(fromEventsSQL + " WHERE session_id = ? AND (\(filter))")
        try statement.bind([.integer(id)] + bindings)
        guard try statement.step() else { return nil }
        return read(statement, key: key, id: id)
    }
}
