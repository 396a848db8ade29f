/// Rewrites the `sessions` table from resolved sessions.
struct SessionWriter {
    let insert: Statement

    init(_ db: Database) throws {
        try db.execute("DELETE FROM sessions")
        insert = try db.prepare("""
            INSERT INTO sessions(session_key, kind, account_id, principal_id, session_arn, role_arn, role_name, session_name,
              creation_time, first_seen, last_seen, first_ts, last_ts, events, errors, access_keys, source_identity,
              source_identity_status, mfa, mfa_origin, mfa_chain, issuing_event_id, parent_session_key, origin_type, origin_id,
              origin_detail, origin_account, chain, chain_sessions, chain_depth, link_method, confidence, reason, candidates)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
    }

    func write(_ s: SessionAggregate, _ r: OriginResolver.Resolved) throws {
        func text(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        var parentKey: String? = nil
        if case .session(let key) = r.link.parent { parentKey = key }
        let roleName = r.roleARN.flatMap { ARN($0)?.resourceName }
        try insert.bind([
            .text(s.key), .text(r.kind.rawValue), text(s.account ?? s.recipientAccount), text(s.principalID), text(s.arn),
            text(r.roleARN), text(roleName), text(s.sessionName),
            text(s.creation.map(Timestamp.format)), .text(Timestamp.format(s.firstSeen)), .text(Timestamp.format(s.lastSeen)),
            .integer(s.firstSeen), .integer(s.lastSeen), .integer(Int64(s.events)), .integer(Int64(s.errors)),
            .text(JSONText.array(s.accessKeys)), text(r.sourceIdentity), .text(r.sourceIdentityStatus),
            .integer(r.mfa ? 1 : 0), .integer(r.mfaOrigin ? 1 : 0), .integer(r.mfaChain ? 1 : 0),
            text(r.link.issuance?.eventID), text(parentKey),
            .text(r.origin.kind.rawValue), text(r.origin.id), text(r.origin.detail), text(r.origin.account),
            .text(JSONText.array(r.chainRoles)), .text(JSONText.array(r.chainKeys)), .integer(Int64(r.depth)),
            text(r.link.method), .text(r.confidence.rawValue), text(r.reason),
            r.link.candidates.isEmpty ? .null : .text(JSONText.array(r.link.candidates)),
        ])
        try insert.step()
        insert.reset()
    }
}
