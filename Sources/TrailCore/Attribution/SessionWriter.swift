/// Writes what the attribution pass concluded into each session's row.
struct SessionWriter {
    let update: Statement
    let clear: Statement

    init(_ db: Database) throws {
        clear = try db.prepare("""
            UPDATE sessions SET events = 0, errors = 0, first_ts = NULL, last_ts = NULL, first_seen = NULL, last_seen = NULL,
              kind = ?, role_arn = NULL, role_name = NULL, session_name = NULL, creation_time = NULL,
              access_keys = '[]', source_identity = NULL, source_identity_status = 'absent', mfa = 0, mfa_origin = 0, mfa_chain = 0,
              issuing_event_id = NULL, parent_session_key = NULL, origin_type = 'unknown', origin_id = NULL, origin_detail = NULL,
              origin_account = NULL, chain = '[]', chain_roles = NULL, chain_sessions = '[]', chain_depth = 0, link_method = NULL, confidence = 'none',
              reason = ?, candidates = NULL, attributed_raw_events = raw_events
            WHERE id = ?
            """)
        update = try db.prepare("""
            UPDATE sessions SET kind = ?, role_arn = ?, role_name = ?, session_name = ?, creation_time = ?, first_seen = ?,
              last_seen = ?, access_keys = ?, source_identity = ?, source_identity_status = ?, mfa = ?, mfa_origin = ?,
              mfa_chain = ?, issuing_event_id = ?, parent_session_key = ?, origin_type = ?, origin_id = ?, origin_detail = ?,
              origin_account = ?, chain = ?, chain_roles = \(Schema.chainRolesSQL("?")), chain_sessions = ?, chain_depth = ?, link_method = ?, confidence = ?, reason = ?,
              candidates = ?, events = ?, errors = ?, first_ts = ?, last_ts = ?,
              session_arn = coalesce(session_arn, ?), account_id = coalesce(account_id, ?), identity_type = coalesce(identity_type, ?),
              attributed_raw_events = raw_events
            WHERE id = ?
            """)
    }

    /// A session whose events all act under another session now (a resource owner's copy).
    /// A session left with no events of its own: a resource owner's copy whose events act under
    /// the caller's session, or a shared session whose events all moved to the sessions split
    /// from it by access key.
    func writeEmpty(_ id: Int64, kind: String, reason: String) throws {
        try clear.bind([.text(kind), .text(reason), .integer(id)])
        try clear.step()
        clear.reset()
    }

    func write(_ s: SessionAggregate, _ r: OriginResolver.Resolved) throws {
        func text(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        var parentKey: String? = nil
        if case .session(let key) = r.link.parent { parentKey = key }
        let roleName = r.roleARN.flatMap { ARN($0)?.resourceName }
        let chain = JSONText.array(r.chainRoles)
        try update.bind([
            .text(r.kind.rawValue), text(r.roleARN), text(roleName), text(s.sessionName),
            text(s.creation.map(Timestamp.format)), .text(Timestamp.format(s.firstSeen)), .text(Timestamp.format(s.lastSeen)),
            .text(JSONText.array(s.accessKeys)), text(r.sourceIdentity), .text(r.sourceIdentityStatus),
            .integer(r.mfa ? 1 : 0), .integer(r.mfaOrigin ? 1 : 0), .integer(r.mfaChain ? 1 : 0),
            text(r.link.issuance?.eventID), text(parentKey),
            .text(r.origin.kind.rawValue), text(r.origin.id), text(r.origin.detail), text(r.origin.account),
            // The chain twice: stored as JSON, and spelled as role names from that same JSON.
            .text(chain), .text(chain), .text(JSONText.array(r.chainKeys)), .integer(Int64(r.depth)),
            text(r.link.method), .text(r.confidence.rawValue), text(r.reason),
            r.link.candidates.isEmpty ? .null : .text(JSONText.array(r.link.candidates)),
            .integer(Int64(s.events)), .integer(Int64(s.errors)), .integer(s.firstSeen), .integer(s.lastSeen),
            text(s.arn), text(s.account), text(s.identityType),
            .integer(s.id),
        ])
        try update.step()
        update.reset()
    }
}
