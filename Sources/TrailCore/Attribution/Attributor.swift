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

    public init(_ db: Database) { self.db = db }

    public func run() throws -> AttributionSummary {
        let start = Date()
        var summary = AttributionSummary()
        try db.transaction {
            try restoreLinks()
            try pairAccountCopies()
            let issuances = try Issuance.loadAll(db)
            var sessions = try SessionAggregate.loadAll(db)
            let writer = try SessionWriter(db)
            sessions = try recountRepointed(sessions, writer: writer)
            sessions = try splitSessionsByIssuedKey(sessions, linker: SessionLinker(issuances: issuances))
            let linker = SessionLinker(issuances: issuances, sessions: sessions)
            var resolver = OriginResolver(sessions: sessions, linker: linker)
            let order = sessions.map(\.key)
            sessions = []
            for key in order {
                guard let session = resolver.sessions[key] else { continue }
                let resolved = resolver.resolve(key)
                try writer.write(session, resolved)
                summary.sessions += 1
                summary.events += session.events
                if resolved.link.issuance != nil { summary.sessionsLinked += 1 }
                if resolved.confidence == .heuristic || resolved.confidence == .ambiguous { summary.sessionsHeuristic += 1 }
                if resolved.origin.kind == .unknown { summary.sessionsUnknown += 1 }
            }
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
            FROM events o
            JOIN events c ON c.id = (
                SELECT c2.id FROM events c2
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
    private func recountRepointed(_ sessions: [SessionAggregate], writer: SessionWriter) throws -> [SessionAggregate] {
        var affected = Set<Int64>()
        let statement = try db.prepare("SELECT original_session_id, session_id FROM event_links")
        while try statement.step() {
            affected.insert(statement.int64(0))
            affected.insert(statement.int64(1))
        }
        guard !affected.isEmpty else { return sessions }
        var result: [SessionAggregate] = []
        for session in sessions {
            guard affected.contains(session.id) else {
                result.append(session)
                continue
            }
            if var counted = try SessionAggregate.fromEvents(db, id: session.id, key: session.key) {
                // Identity fields stay those of the session's own events; only the counts move.
                var kept = session
                kept.events = counted.events
                kept.errors = counted.errors
                kept.firstSeen = counted.firstSeen
                kept.lastSeen = counted.lastSeen
                kept.accessKeys = Array(Set(session.accessKeys).union(counted.accessKeys)).sorted()
                counted = kept
                result.append(counted)
            } else {
                try writer.writeEmpty(session.id)
            }
        }
        return result
    }

    /// Two sessions can share `principalId@creationDate` (CI runs with the same session name in
    /// the same second). When their access keys were each issued by a different call, split
    /// the events by key into sessions of their own (rows marked `derived`).
    private func splitSessionsByIssuedKey(_ sessions: [SessionAggregate], linker: SessionLinker) throws -> [SessionAggregate] {
        var result: [SessionAggregate] = []
        result.reserveCapacity(sessions.count)
        let create = try db.prepare("INSERT INTO sessions(session_key, derived) VALUES (?, 1) RETURNING id")
        let link = try db.prepare("""
            INSERT INTO event_links(event_rowid, event_id, original_session_id, session_id, method, evidence_event_id)
            SELECT id, event_id, session_id, ?, 'split by access key', ? FROM events WHERE session_id = ? AND access_key_id = ?
            """)
        let move = try db.prepare("UPDATE event_rows SET session_id = ? WHERE session_id = ? AND access_key_id = ?")
        for session in sessions {
            guard session.accessKeys.count > 1, SessionLinker.kind(of: session) == .role,
                  let arn = session.arn, let creation = session.creation else {
                result.append(session)
                continue
            }
            var issuerByKey: [String: Issuance] = [:]
            for candidate in linker.calls(predicting: arn, from: creation - 5, to: creation + 5) {
                if let key = candidate.issuedKey, session.accessKeys.contains(key) { issuerByKey[key] = candidate }
            }
            guard Set(issuerByKey.values.map(\.eventID)).count > 1 else {
                result.append(session)
                continue
            }
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
                if var slice = try SessionAggregate.fromEvents(db, id: newID, key: newKey) {
                    slice.id = newID
                    try db.execute("INSERT OR IGNORE INTO session_access_keys(session_id, access_key_id) VALUES (\(newID), '\(accessKey)')")
                    result.append(slice)
                }
            }
            // Events under keys no call explains stay in the shared session.
            result.append(try SessionAggregate.fromEvents(db, id: session.id, key: session.key) ?? session)
        }
        return result.sorted { $0.key < $1.key }
    }
}
