/// The issuing calls, copied once per attribution pass into a temporary table indexed the way
/// the linker asks (by predicted ARN and time, by caller, by Identity Center permission set),
/// so the pass holds only the calls it is looking at, whatever the size of the database.
final class IssuanceStore {
    private let byARN: Statement
    private let byCaller: Statement
    private let portal: Statement

    private static let columns = [
        "event_id", "time", "api", "account", "region", "failed", "caller_type", "caller_key", "caller_arn",
        "caller_principal", "caller_account", "caller_user_name", "caller_provider", "invoked_by", "source_ip",
        "shared_event_id", "predicted_arn", "role_arn", "session_name", "issued_key", "expires_at", "source_identity",
        "mfa", "saml_subject", "saml_provider_arn", "web_subject", "web_provider", "switch_from", "idc_account", "idc_role_name",
    ]

    init(_ db: Database) throws {
        try db.execute("""
            DROP TABLE IF EXISTS temp.attr_issuances;
            CREATE TEMP TABLE attr_issuances (\(Self.columns.joined(separator: ", ")));
            """)
        let insert = try db.prepare("INSERT INTO temp.attr_issuances VALUES (\(Array(repeating: "?", count: Self.columns.count).joined(separator: ",")))")
        func text(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        try Issuance.forEach(db) { i in
            try insert.bind([
                .text(i.eventID), .integer(i.time), .text(i.api.rawValue), text(i.account), text(i.region), .integer(i.failed ? 1 : 0),
                text(i.callerType), text(i.callerKey), text(i.callerARN), text(i.callerPrincipal), text(i.callerAccount),
                text(i.callerUserName), text(i.callerProvider), text(i.invokedBy), text(i.sourceIP), text(i.sharedEventID),
                text(i.predictedARN), text(i.roleARN), text(i.sessionName), text(i.issuedKey), .integer(i.expiresAt),
                text(i.sourceIdentity), .integer(i.mfa ? 1 : 0), text(i.samlSubject), text(i.samlProviderARN), text(i.webSubject),
                text(i.webProvider), text(i.switchFrom), text(i.idcAccount), text(i.idcRoleName),
            ])
            try insert.step()
            insert.reset()
        }
        // Only successful calls issue credentials; the rowid breaks ties in the time order the calls were read.
        try db.execute("""
            CREATE INDEX temp.attr_issuances_arn ON attr_issuances(predicted_arn, time, event_id) WHERE failed = 0;
            CREATE INDEX temp.attr_issuances_caller ON attr_issuances(caller_key, time, event_id) WHERE failed = 0;
            CREATE INDEX temp.attr_issuances_portal ON attr_issuances(idc_account, idc_role_name, time) WHERE failed = 0 AND api IN ('GetRoleCredentials', 'Federate');
            """)
        let all = Self.columns.joined(separator: ", ")
        byARN = try db.prepare("""
            SELECT \(all) FROM temp.attr_issuances
            WHERE predicted_arn = ? AND time BETWEEN ? AND ? AND failed = 0 ORDER BY time, event_id
            """)
        byCaller = try db.prepare("""
            SELECT \(all) FROM temp.attr_issuances WHERE caller_key = ? AND failed = 0 ORDER BY time, event_id LIMIT 1
            """)
        portal = try db.prepare("""
            SELECT \(all) FROM temp.attr_issuances
            WHERE idc_account IS ? AND idc_role_name = ? AND time BETWEEN ? AND ? AND failed = 0
              AND api IN ('GetRoleCredentials', 'Federate')
            ORDER BY time, event_id
            """)
    }

    /// Successful calls predicting `arn` made between `from` and `to` (inclusive), in time order.
    func calls(predicting arn: String, from: Int64, to: Int64) throws -> [Issuance] {
        try byARN.bind([.text(arn), .integer(from), .integer(to)])
        return try rows(byARN)
    }

    /// The first successful call made by the session `callerKey`.
    func firstCall(byCaller callerKey: String) throws -> Issuance? {
        try byCaller.bind([.text(callerKey)])
        return try rows(byCaller).first
    }

    /// Identity Center portal calls for a permission set in an account, in a time window.
    func portalCalls(account: String?, permissionSet: String, from: Int64, to: Int64) throws -> [Issuance] {
        try portal.bind([account.map { .text($0) } ?? .null, .text(permissionSet), .integer(from), .integer(to)])
        return try rows(portal)
    }

    private func rows(_ s: Statement) throws -> [Issuance] {
        defer { s.reset() }
        var result: [Issuance] = []
        while try s.step() {
            guard let id = s.text(0), let api = Issuance.API(rawValue: s.text(2) ?? "") else { continue }
            result.append(Issuance(
                eventID: id, time: s.int64(1), api: api, account: s.text(3), region: s.text(4), failed: s.int64(5) == 1,
                callerType: s.text(6), callerKey: s.text(7), callerARN: s.text(8), callerPrincipal: s.text(9),
                callerAccount: s.text(10), callerUserName: s.text(11), callerProvider: s.text(12), invokedBy: s.text(13),
                sourceIP: s.text(14), sharedEventID: s.text(15), predictedARN: s.text(16), roleARN: s.text(17),
                sessionName: s.text(18), issuedKey: s.text(19), expiresAt: s.int64(20), sourceIdentity: s.text(21),
                mfa: s.int64(22) == 1, samlSubject: s.text(23), samlProviderARN: s.text(24), webSubject: s.text(25),
                webProvider: s.text(26), switchFrom: s.text(27), idcAccount: s.text(28), idcRoleName: s.text(29)))
        }
        return result
    }
}
