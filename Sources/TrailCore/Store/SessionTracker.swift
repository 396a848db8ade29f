/// Keeps `sessions` up to date as events are written, so the attribution pass reads one row
/// per session instead of scanning every event.
///
/// For each new event the writer reports its session key; the tracker assigns the session's id
/// (creating the row on first sight) and accumulates counts, time span, access keys, source
/// identities and the identity fields of the session's earliest event. `flush()` writes what
/// accumulated; the ingester calls it inside each transaction, so the counts always agree
/// with the committed events. Every rule is order-independent (sums, min/max, sets, and "the
/// earliest event by time then eventID"), so the totals do not depend on file order.
final class SessionTracker {
    struct Identity {
        var identityType, principalID, arn, account, recipientAccount, issuerARN: String?
        var creation: Int64?
        var ec2RoleDelivery, inScopeOfIssuedTo, webProvider, onBehalfOfUserID, invokedBy: String?
        var userName, identityProvider, credentialID, assumedRoot, sourceIP: String?
    }

    private struct Tally {
        var id: Int64
        var key: String
        var events = 0
        var errors = 0
        var firstTS = Int64.max
        var lastTS = Int64.min
        var firstEventID = ""
        var identity: Identity?
        var mfa = false
        var accessKeys: Set<String> = []
        var lastAccessKey: [UInt8] = []
        var sourceIdentities: Set<String> = []
    }

    private let db: Database
    /// Ids of recently seen keys, in two generations so memory stays bounded: an event's
    /// session is almost always one seen moments before; others are looked up by the key index.
    private var ids: [String: Int64] = [:]
    private var previousIDs: [String: Int64] = [:]
    private static let idCacheLimit = 32_768
    private var tallies: [Int64: Tally] = [:]
    private let create: Statement
    private let lookup: Statement
    private let upsert: Statement
    private let insertKey: Statement
    private let insertSourceIdentity: Statement

    init(_ db: Database) throws {
        self.db = db
        // A new key gets its row inside the writer's transaction, so two processes writing to
        // one database agree on every key's id.
        create = try db.prepare("INSERT INTO sessions(session_key) VALUES (?) ON CONFLICT(session_key) DO NOTHING")
        lookup = try db.prepare("SELECT id FROM sessions WHERE session_key = ?")
        upsert = try db.prepare("""
            INSERT INTO sessions(id, session_key, raw_events, raw_errors, raw_first_ts, raw_last_ts, first_event_id, identity_type, principal_id,
              session_arn, account_id, recipient_account_id, session_issuer_arn, creation_ts, mfa_observed, ec2_role_delivery,
              in_scope_of_issued_to, web_id_federated_provider, on_behalf_of_user_id, invoked_by, user_name, identity_provider,
              credential_id, assumed_root, source_ip_address)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            -- The row exists from the key's first sight (raw_first_ts NULL until its first flush).
            ON CONFLICT(id) DO UPDATE SET
              raw_events = raw_events + excluded.raw_events, raw_errors = raw_errors + excluded.raw_errors,
              raw_last_ts = max(coalesce(raw_last_ts, excluded.raw_last_ts), excluded.raw_last_ts),
              mfa_observed = max(mfa_observed, excluded.mfa_observed),
              raw_first_ts = min(coalesce(raw_first_ts, excluded.raw_first_ts), excluded.raw_first_ts),
              first_event_id = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.first_event_id ELSE first_event_id END,
              identity_type = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.identity_type ELSE identity_type END,
              principal_id = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.principal_id ELSE principal_id END,
              session_arn = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.session_arn ELSE session_arn END,
              account_id = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.account_id ELSE account_id END,
              recipient_account_id = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.recipient_account_id ELSE recipient_account_id END,
              session_issuer_arn = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.session_issuer_arn ELSE session_issuer_arn END,
              creation_ts = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.creation_ts ELSE creation_ts END,
              ec2_role_delivery = coalesce(ec2_role_delivery, excluded.ec2_role_delivery),
              in_scope_of_issued_to = coalesce(in_scope_of_issued_to, excluded.in_scope_of_issued_to),
              web_id_federated_provider = coalesce(web_id_federated_provider, excluded.web_id_federated_provider),
              on_behalf_of_user_id = coalesce(on_behalf_of_user_id, excluded.on_behalf_of_user_id),
              invoked_by = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.invoked_by ELSE invoked_by END,
              user_name = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.user_name ELSE user_name END,
              identity_provider = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.identity_provider ELSE identity_provider END,
              credential_id = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.credential_id ELSE credential_id END,
              assumed_root = coalesce(assumed_root, excluded.assumed_root),
              source_ip_address = CASE WHEN raw_first_ts IS NULL OR (excluded.raw_first_ts, excluded.first_event_id) < (raw_first_ts, first_event_id) THEN excluded.source_ip_address ELSE source_ip_address END
            """)
        insertKey = try db.prepare("INSERT OR IGNORE INTO session_access_keys(session_id, access_key_id) VALUES (?, ?)")
        insertSourceIdentity = try db.prepare("INSERT OR IGNORE INTO session_source_identities(session_id, source_identity) VALUES (?, ?)")
    }

    /// The id of the session with this key, creating its row on first sight. Must run inside
    /// the writer's transaction.
    func id(for key: String) throws -> Int64 {
        let id: Int64
        if let cached = ids[key] {
            id = cached
        } else if let cached = previousIDs[key] {
            id = cached
            remember(key, id)
        } else if let stored = try storedID(key) {
            id = stored
            remember(key, id)
        } else {
            try create.bind([.text(key)])
            try create.step()
            create.reset()
            guard let created = try storedID(key) else {
                throw DatabaseError(code: 1, message: "session \(key) vanished after it was created")
            }
            id = created
            remember(key, id)
        }
        if tallies[id] == nil { tallies[id] = Tally(id: id, key: key) }
        return id
    }

    private func storedID(_ key: String) throws -> Int64? {
        try lookup.bind([.text(key)])
        defer { lookup.reset() }
        return try lookup.step() ? lookup.int64(0) : nil
    }

    private func remember(_ key: String, _ id: Int64) {
        if ids.count >= Self.idCacheLimit {
            previousIDs = ids
            ids = [:]
        }
        ids[key] = id
    }

    /// Records one newly stored event of session `id`. `identity` is built only when asked,
    /// for an event earlier than any seen so far in this run.
    func record(_ id: Int64, eventTS: Int64, eventID: () -> String, isError: Bool, mfa: Bool,
                accessKey: UnsafeBufferPointer<UInt8>?, sourceIdentity: () -> String?, identity: () -> Identity) {
        guard var tally = tallies[id] else { return }
        tally.events += 1
        if isError { tally.errors += 1 }
        if mfa { tally.mfa = true }
        tally.lastTS = max(tally.lastTS, eventTS)
        if eventTS <= tally.firstTS {
            let candidate = eventID()
            if eventTS < tally.firstTS || candidate < tally.firstEventID {
                tally.firstTS = eventTS
                tally.firstEventID = candidate
                tally.identity = identity()
            }
        }
        if let accessKey, !accessKey.elementsEqual(tally.lastAccessKey) {
            tally.lastAccessKey = Array(accessKey)
            tally.accessKeys.insert(String(decoding: accessKey, as: UTF8.self))
        }
        if let si = sourceIdentity() { tally.sourceIdentities.insert(si) }
        tallies[id] = tally
    }

    /// Writes the accumulated tallies; call inside the transaction that stored their events.
    func flush() throws {
        func text(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
        for (id, tally) in tallies.sorted(by: { $0.key < $1.key }) where tally.events > 0 {
            let i = tally.identity ?? Identity()
            try upsert.bind([
                .integer(id), .text(tally.key), .integer(Int64(tally.events)), .integer(Int64(tally.errors)),
                tally.events > 0 ? .integer(tally.firstTS) : .null, tally.events > 0 ? .integer(tally.lastTS) : .null,
                .text(tally.firstEventID), text(i.identityType), text(i.principalID), text(i.arn), text(i.account),
                text(i.recipientAccount), text(i.issuerARN), i.creation.map { .integer($0) } ?? .null, .integer(tally.mfa ? 1 : 0),
                text(i.ec2RoleDelivery), text(i.inScopeOfIssuedTo), text(i.webProvider), text(i.onBehalfOfUserID),
                text(i.invokedBy), text(i.userName), text(i.identityProvider), text(i.credentialID), text(i.assumedRoot), text(i.sourceIP),
            ])
            try upsert.step()
            upsert.reset()
            for key in tally.accessKeys.sorted() {
                try insertKey.bind([.integer(id), .text(key)])
                try insertKey.step()
                insertKey.reset()
            }
            for si in tally.sourceIdentities.sorted() {
                try insertSourceIdentity.bind([.integer(id), .text(si)])
                try insertSourceIdentity.step()
                insertSourceIdentity.reset()
            }
        }
        tallies.removeAll(keepingCapacity: true)
    }

    /// Forgets what was not flushed (after a rollback), including the rows created for new keys.
    func discard() {
        ids.removeAll()
        previousIDs.removeAll()
        tallies.removeAll()
    }
}
