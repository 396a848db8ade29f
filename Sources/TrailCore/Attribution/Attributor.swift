import Foundation

/// The attribution pass: groups events into sessions, links each session to the call that
/// issued it, walks chains to their origin, and writes `sessions` (read through the
/// `event_attribution` view).
///
/// It recomputes from everything stored, inside one transaction, so the result depends only on
/// which records are in the database, never on file order or on how they were split into runs:
/// an AssumeRole that arrives a day late re-links the sessions it issued on the next ingest.
public final class Attributor {
    let db: Database

    /// How many resolved sessions the origin walk keeps memoised (see `OriginResolver`).
    var memoLimit = 16_384

    public init(_ db: Database) { self.db = db }

    public func run() throws -> AttributionSummary {
        let start = Date()
        var summary = AttributionSummary()
        try db.transaction {
            try restoreLinks()
            try pairAccountCopies()
            // The calls and sessions go to temporary tables, looked up by index, so memory
            // does not grow with the database.
            let issuances = try IssuanceStore(db)
            let sessions = try SessionStore(db)
            let writer = try SessionWriter(db)
            try recountRepointed(sessions, writer: writer)
            try splitSessionsByIssuedKey(sessions, linker: SessionLinker(issuances: issuances), writer: writer)
            var resolver = OriginResolver(sessions: sessions, linker: SessionLinker(issuances: issuances, sessions: sessions),
                                          memoLimit: memoLimit)
            try sessions.forEach { session in
                let resolved = try resolver.resolve(session)
                try writer.write(session, resolved)
                summary.sessions += 1
                summary.events += session.events
                if resolved.link.issuance != nil { summary.sessionsLinked += 1 }
                if resolved.confidence == .heuristic || resolved.confidence == .ambiguous { summary.sessionsHeuristic += 1 }
                if resolved.origin.kind == .unknown { summary.sessionsUnknown += 1 }
            }
            try db.execute("DROP TABLE temp.attr_sessions; DROP TABLE temp.attr_issuances")
            // In the same transaction as the re-pointing, so a reader never sees the roll-up
            // disagree with the events' sessions.
            try ActivityRollup.rebuild(db)
            try db.execute(AttributionState.markCurrentSQL)
        }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Undoes the previous run's re-pointing, so every run starts from the ingest-time sessions.
    private func restoreLinks() throws {
        try db.execute("""
            UPDATE event_rows SET session_id = (SELECT original_session_id FROM event_links l WHERE l.event_rowid = event_rows.id)
            WHERE id IN (SELECT event_rowid FROM event_links);
            DELETE FROM event_links;
            DELETE FROM session_access_keys WHERE session_id IN (SELECT id FROM sessions WHERE derived = 1);
            DELETE FROM sessions WHERE derived = 1;
            """)
    }

    /// A resource owner's copy of a cross-account call names only the caller's account
    /// (`AWSAccount`). The caller's copy shares its sharedEventID: act under the caller's session.
    private func pairAccountCopies() throws {
        try db.execute("""
            INSERT INTO event_links(event_rowid, event_id, original_session_id, session_id, method, evidence_event_id)
            SELECT o.id, o.event_id, o.session_id, c.session_id, 'shared_event_id', c.event_id
            FROM \(Schema.eventsWithIdentitySQL) o
            JOIN event_rows c ON c.id = (
                SELECT c2.id FROM \(Schema.eventsWithIdentitySQL) c2
                WHERE c2.shared_event_id = o.shared_event_id AND c2.id <> o.id
                  AND c2.identity_type IS NOT NULL AND c2.identity_type <> 'AWSAccount' AND c2.session_id IS NOT NULL
                ORDER BY c2.event_id LIMIT 1)
            WHERE o.shared_event_id IS NOT NULL AND o.identity_type = 'AWSAccount';
            UPDATE event_rows SET session_id = (SELECT session_id FROM event_links l WHERE l.event_rowid = event_rows.id)
            WHERE id IN (SELECT event_rowid FROM event_links);
            """)
    }

    /// Sessions that lost or gained events to re-pointing are counted from their events; one
    /// left with none (a resource owner's copy whose caller is known) is emptied, not resolved.
    private func recountRepointed(_ sessions: SessionStore, writer: SessionWriter) throws {
        let affected = try sessions.keys(where: "id IN (SELECT original_session_id FROM event_links UNION SELECT session_id FROM event_links)")
        for key in affected {
            guard let session = try sessions.session(key) else { continue }
            if let counted = try SessionAggregate.fromEvents(db, id: session.id, key: session.key) {
                // Identity fields stay those of the session's own events; only the counts move.
                var kept = session
                kept.events = counted.events
                kept.errors = counted.errors
                kept.firstSeen = counted.firstSeen
                kept.lastSeen = counted.lastSeen
                kept.accessKeys = Array(Set(session.accessKeys).union(counted.accessKeys)).sorted()
                try sessions.put(kept)
            } else {
                try sessions.remove(key)
                try writer.writeEmpty(session.id, kind: "external_account",
                                      reason: "every event of this resource-owner copy acts under the caller's own session (see event_links)")
            }
        }
    }

    /// Two sessions can share `principalId@creationDate` (CI runs with the same session name in
    /// the same second). When their access keys were each issued by a different call, split
    /// the events by key into sessions of their own (rows marked `derived`).
    private func splitSessionsByIssuedKey(_ sessions: SessionStore, linker: SessionLinker, writer: SessionWriter) throws {
        let create = try db.prepare("INSERT INTO sessions(session_key, derived) VALUES (?, 1) RETURNING id")
        let link = try db.prepare("""
            INSERT INTO event_links(event_rowid, event_id, original_session_id, session_id, method, evidence_event_id)
            SELECT id, event_id, session_id, ?, 'split by access key', ? FROM event_rows WHERE session_id = ? AND access_key_id = ?
            """)
        let move = try db.prepare("UPDATE event_rows SET session_id = ? WHERE session_id = ? AND access_key_id = ?")
        // Collected first: the loop adds sessions to the store.
        for key in try sessions.keys(where: "access_keys LIKE '%,%'") {
            guard let session = try sessions.session(key), session.accessKeys.count > 1, SessionLinker.kind(of: session) == .role,
                  let arn = session.arn, let creation = session.creation else { continue }
            var issuerByKey: [String: Issuance] = [:]
            for candidate in try linker.calls(predicting: arn, from: creation - 5, to: creation + 5) {
                if let key = candidate.issuedKey, session.accessKeys.contains(key) { issuerByKey[key] = candidate }
            }
            guard Set(issuerByKey.values.map(\.eventID)).count > 1 else { continue }
            for (accessKey, issuance) in issuerByKey.sorted(by: { $0.key < $1.key }) {
                let newKey = session.key + "#" + accessKey
                try create.bind([.text(newKey)])
                guard try create.step() else { continue }
                let newID = create.int64(0)
                _ = try? create.step()
                create.reset()
                try link.bind([.integer(newID), .text(issuance.eventID), .integer(session.id), .text(accessKey)])
                try link.step()
                link.reset()
                try move.bind([.integer(newID), .integer(session.id), .text(accessKey)])
                try move.step()
                move.reset()
                if let slice = try SessionAggregate.fromEvents(db, id: newID, key: newKey) {
                    try db.execute("INSERT OR IGNORE INTO session_access_keys(session_id, access_key_id) VALUES (\(newID), '\(accessKey)')")
                    try sessions.put(slice)
                }
            }
            // Events under keys no call explains stay in the shared session; when none is left,
            // the session is emptied rather than resolved with counts that are no longer its own.
            if let rest = try SessionAggregate.fromEvents(db, id: session.id, key: session.key) {
                try sessions.put(rest)
            } else {
                try sessions.remove(key)
                try writer.writeEmpty(session.id, kind: SessionLinker.Kind.role.rawValue,
                                      reason: "every event moved to the sessions split from it by access key (see event_links)")
            }
        }
    }
}
