/// How far the attribution has got: the newest event row its last run covered.
///
/// Events are committed file by file, and attribution runs once at the end of an ingest, so a
/// run that stops in between (a full disk, a kill, `--no-attribution`) leaves committed events
/// whose sessions were never linked: they show origin `unknown`. This state lets every command
/// say so instead of presenting them as unattributable.
public struct AttributionState: Codable, Sendable, Equatable {
    /// `event_rows.id` the last attribution covered; 0 when it never ran.
    public var coveredThroughRow: Int64 = 0
    /// When that run finished (UTC, ISO-8601); nil when it never ran.
    public var attributedAt: String?
    /// Events stored after `coveredThroughRow`.
    public var eventsBehind: Int = 0
    /// The events behind were stored by an ingest told not to attribute.
    public var deferred = false

    public init() {}

    static let tableSQL = """
        CREATE TABLE attribution_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          max_event_rowid INTEGER NOT NULL DEFAULT 0,  -- event_rows.id the last attribution covered (0: never ran)
          attributed_at TEXT,                          -- when it finished (NULL: never)
          deferred INTEGER NOT NULL DEFAULT 0          -- 1: an ingest stored events with attribution turned off
        );
        INSERT INTO attribution_state(id) VALUES (1);
        """

    /// Run inside the attribution's transaction, so the mark commits with what it covers.
    static let markCurrentSQL = """
        UPDATE attribution_state SET max_event_rowid = coalesce((SELECT max(id) FROM event_rows), 0),
          attributed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), deferred = 0;
        """

    /// After an ingest that did not attribute: says why the events above the mark are there.
    static let markDeferredSQL = """
        UPDATE attribution_state SET deferred = 1
        WHERE coalesce((SELECT max(id) FROM event_rows), 0) > max_event_rowid;
        """

    public static func load(_ db: Database) throws -> AttributionState {
        var state = AttributionState()
        guard let row = try db.rows("SELECT max_event_rowid, attributed_at, deferred FROM attribution_state WHERE id = 1").first else {
            // A state row that is missing means nothing was ever marked: every event is behind.
            state.eventsBehind = Int(try db.scalarInt("SELECT count(*) FROM event_rows") ?? 0)
            return state
        }
        state.coveredThroughRow = row[0].intValue ?? 0
        state.attributedAt = row[1].textValue
        state.deferred = (row[2].intValue ?? 0) != 0
        // A rowid range: cheap however many events there are.
        state.eventsBehind = Int(try db.scalarInt("SELECT count(*) FROM event_rows WHERE id > \(state.coveredThroughRow)") ?? 0)
        return state
    }

    /// One line for stderr when events are not attributed, nil when all are.
    public var warning: String? {
        guard eventsBehind > 0 else { return nil }
        let events = "\(Self.grouped(eventsBehind)) event\(eventsBehind == 1 ? "" : "s")"
        if deferred {
            return "attribution has not run over \(events) (ingested with --no-attribution); "
                + "run trail ingest without it (no new files needed) to attribute them"
        }
        // They show origin `unknown` until then: say it is not the logs' fault.
        return "attribution has not run over \(events); run trail ingest again (no new files needed) to attribute them"
    }

    /// 20200 as "20,200".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }
}
