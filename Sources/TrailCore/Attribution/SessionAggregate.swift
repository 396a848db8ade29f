/// One credential session as the events show it: the identity fields every event of the
/// session shares, and what varies (keys, time span, counts).
struct SessionAggregate {
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
    var issuerType: String?
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

    static let selectSQL = """
        SELECT session_key, count(*), count(error_code), min(event_ts), max(event_ts),
               max(identity_type), max(principal_id), max(identity_arn), max(identity_account_id),
               max(session_issuer_arn), max(session_issuer_type), max(session_creation_ts),
               group_concat(DISTINCT access_key_id), max(source_identity), count(DISTINCT source_identity),
               max(session_mfa_authenticated = 'true'), max(ec2_role_delivery), max(in_scope_of_issued_to),
               max(web_id_federated_provider), max(on_behalf_of_user_id), max(invoked_by), max(user_name),
               max(identity_provider), max(recipient_account_id), max(credential_id), max(assumed_root),
               min(source_ip_address)
        FROM events
        """

    static func read(_ s: Statement) -> SessionAggregate? {
        guard let key = s.text(0) else { return nil }
        let keys = (s.text(12) ?? "").split(separator: ",").map(String.init).filter { SessionKey.isAccessKey($0) }.sorted()
        return SessionAggregate(
            key: key, events: Int(s.int64(1)), errors: Int(s.int64(2)), firstSeen: s.int64(3), lastSeen: s.int64(4),
            identityType: s.text(5), principalID: s.text(6), arn: s.text(7), account: s.text(8),
            issuerARN: s.text(9), issuerType: s.text(10), creation: s.isNull(11) ? nil : s.int64(11),
            accessKeys: keys, sourceIdentity: s.text(13), sourceIdentityVariants: Int(s.int64(14)),
            mfaObserved: s.int64(15) == 1, ec2RoleDelivery: s.text(16), inScopeOfIssuedTo: s.text(17),
            webProvider: s.text(18), onBehalfOfUserID: s.text(19), invokedBy: s.text(20), userName: s.text(21),
            identityProvider: s.text(22), recipientAccount: s.text(23), credentialID: s.text(24), assumedRoot: s.text(25),
            sourceIP: s.text(26))
    }

    /// Every session, in key order.
    static func loadAll(_ db: Database) throws -> [SessionAggregate] {
        let statement = try db.prepare(selectSQL + " WHERE session_key IS NOT NULL GROUP BY session_key ORDER BY session_key")
        var result: [SessionAggregate] = []
        while try statement.step() {
            if let aggregate = read(statement) { result.append(aggregate) }
        }
        return result
    }

    /// The events of one session made with one access key, as a session of their own.
    static func slice(_ db: Database, key: String, accessKey: String) throws -> SessionAggregate? {
        let statement = try db.prepare(selectSQL + " WHERE session_key = ? AND access_key_id = ? GROUP BY session_key")
        try statement.bind([.text(key), .text(accessKey)])
        guard try statement.step() else { return nil }
        return read(statement)
    }
}
