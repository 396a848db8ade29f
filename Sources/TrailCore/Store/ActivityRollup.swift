/// The roll-ups: `activity_rollup`, the events summed per session, account, region, access key
/// and source address, with counts and time span (about 80k rows at 1M events);
/// `hourly_rollup`, per hour, account and region; `service_rollup`, per session and service
/// (about 200k rows at 1M); `address_rollup`, the activity rows that have an address, with
/// their session's origin, by address; and `address_totals`, each address over all time. The
/// key, address and cross-account checks, `top-talkers` and `log-coverage` read them instead of
/// a million index entries.
///
/// They are rebuilt whole rather than kept up to date event by event: the attribution pass moves
/// events between sessions, and a rebuild from `event_rows` is exact by construction whatever
/// moved. `error_events` (the failed calls with their attribution) is rebuilt with them.
/// `rollup_state` records the highest event row they cover; a query trusts them only
/// while that is still the newest row, and counts from the events otherwise (during an
/// ingest, or after one that was interrupted).
public enum ActivityRollup {
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS activity_rollup (
          session_id INTEGER NOT NULL,        -- 0 for events with no identity (event_rows.session_id NULL)
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          region TEXT,
          access_key_id TEXT,
          source_ip_address TEXT,
          events INTEGER NOT NULL,
          errors INTEGER NOT NULL,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS activity_rollup_session ON activity_rollup(session_id);
        """

    /// Events per hour, account and region (612 rows at 1M): whether an account and region
    /// logged anything in an hour, for `log-coverage`.
    static let hourlyTableSQL = """
        CREATE TABLE IF NOT EXISTS hourly_rollup (
          hour INTEGER NOT NULL,              -- event_ts / 3600 * 3600
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          region TEXT,
          events INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS hourly_rollup_hour ON hourly_rollup(hour);
        """

    /// Events per session and service: which services a session called, and when, so
    /// `top-talkers` counts an origin's services without reading its events.
    static let serviceTableSQL = """
        CREATE TABLE IF NOT EXISTS service_rollup (
          session_id INTEGER NOT NULL,        -- 0 for events with no identity
          event_source TEXT,
          events INTEGER NOT NULL,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS service_rollup_session ON service_rollup(session_id, first_ts, last_ts, event_source);
        """

    static let stateTableSQL = """
        CREATE TABLE IF NOT EXISTS rollup_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          max_event_rowid INTEGER);           -- max(event_rows.id) when the roll-up was built
        """

    /// How new-or-rare-source-ips names a session's origin: its id, else its type, with the
    /// detail in parentheses (`arn:aws:iam::…:user/alice`, `aws_service (i-0abc…)`); `unknown`
    /// for events with no session.
    static func originLabelSQL(_ session: String) -> String {
        "coalesce(\(session).origin_id, coalesce(\(session).origin_type, 'unknown')) || coalesce(' (' || \(session).origin_detail || ')', '')"
    }

    /// The roll-up's rows that have a source address, with their session's origin label, in
    /// address and origin order: new-or-rare-source-ips reads each address, its
    /// counts and its sorted origins in one pass over this table instead of looking up the
    /// session of every address and session. Kept apart so the roll-up's own rows stay narrow.
    static let addressTableSQL = """
        CREATE TABLE IF NOT EXISTS address_rollup (
          source_ip_address TEXT NOT NULL,
          origin_label TEXT NOT NULL,         -- see originLabelSQL: 'unknown' for events with no session
          rollup_row INTEGER NOT NULL,        -- the activity_rollup row it copies
          account TEXT,
          events INTEGER NOT NULL,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL,
          PRIMARY KEY (source_ip_address, origin_label, rollup_row)) WITHOUT ROWID;
        """

    /// Each address over all time: its first and last use, its events and its origins, sorted
    ///. An address whose whole use lies inside a window is listed from here by
    /// new-or-rare-source-ips without reading its rows; at a whole-corpus window, every one is.
    static let addressTotalsTableSQL = """
        CREATE TABLE IF NOT EXISTS address_totals (
          source_ip_address TEXT PRIMARY KEY,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL,
          events INTEGER NOT NULL,
          origins TEXT NOT NULL) WITHOUT ROWID;   -- its distinct origin labels, sorted, comma-separated
        """

    /// From `address_rollup`, whose rows arrive in address and origin order: so the origins are
    /// concatenated sorted (ActivityRollupTests checks them against an explicit sort).
    static let addressTotalsRebuildSQL = """
        DELETE FROM address_totals;
        INSERT INTO address_totals(source_ip_address, first_ts, last_ts, events, origins)
        SELECT source_ip_address, min(first_ts), max(last_ts), sum(events), group_concat(DISTINCT origin_label)
        FROM address_rollup
        GROUP BY source_ip_address;
        """

    static let markCurrentSQL = "INSERT OR REPLACE INTO rollup_state(id, max_event_rowid) VALUES (1, (SELECT max(id) FROM event_rows));"

    /// Rebuilds the roll-ups from the events as they are attributed now. Call inside the
    /// transaction that last moved events, so no reader sees one without the other.
    ///
    /// One pass over the session index, in session order: a session's few groups are summed in
    /// a small dictionary and written when the next session starts, and the hours in another.
    /// The same rows as a GROUP BY over `event_rows` per table (ActivityRollupTests checks
    /// them against one), in about half the time at 1M events and without SQLite's sorters, whose buffers raised the ingest's peak memory from 173 to 204 MB.
    /// Then `address_totals` and `error_events`, by SQL that needs no sorter either.
    public static func rebuild(_ db: Database) throws {
        try db.execute("DELETE FROM activity_rollup; DELETE FROM hourly_rollup; DELETE FROM service_rollup; DELETE FROM address_rollup")
        let read = try db.prepare("""
            SELECT session_id, event_ts, coalesce(recipient_account_id, identity_account_id), aws_region, access_key_id,
                   source_ip_address, error_code IS NOT NULL, event_source
            FROM event_rows INDEXED BY events_activity
            ORDER BY session_id
            """)
        let insertActivity = try db.prepare("""
            INSERT INTO activity_rollup(session_id, account, region, access_key_id, source_ip_address, events, errors, first_ts, last_ts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertAddress = try db.prepare("""
            INSERT INTO address_rollup(source_ip_address, origin_label, rollup_row, account, events, first_ts, last_ts)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let readLabel = try db.prepare("SELECT \(originLabelSQL("s")) FROM sessions s WHERE s.id = ?")
        let unknownLabel = Array("unknown".utf8)
        let insertHour = try db.prepare("INSERT INTO hourly_rollup(hour, account, region, events) VALUES (?, ?, ?, ?)")
        let insertService = try db.prepare("""
            INSERT INTO service_rollup(session_id, event_source, events, first_ts, last_ts) VALUES (?, ?, ?, ?, ?)
            """)

        var session: Int64 = -1
        var groups: [GroupKey: Totals] = [:]
        var hours: [HourKey: Int64] = [:]
        // A session's services, keyed by the source's bytes (nil: no eventSource).
        var services: [[UInt8]?: Totals] = [:]
        // Consecutive events of a session nearly always share their key, hour and service: they
        // are summed here, and the dictionaries touched only when something changes.
        var run: (key: GroupKey, totals: Totals)?
        var hourRun: (key: HourKey, events: Int64)?
        var serviceRun: (source: [UInt8]?, totals: Totals)?
        func endRun() {
            if let (key, totals) = run { groups[key, default: Totals()].merge(totals) }
            run = nil
        }
        func endHourRun() {
            if let (key, events) = hourRun { hours[key, default: 0] += events }
            hourRun = nil
        }
        func endServiceRun() {
            if let (source, totals) = serviceRun { services[source, default: Totals()].merge(totals) }
            serviceRun = nil
        }
        func flushSession() throws {
            endRun()
            guard session >= 0 else { return }
            // Looked up once per session, in session order, so the reads of sessions are sequential.
            readLabel.bindInt(1, session)
            // As bytes, like the other texts: exactly what the migration's SQL would store.
            let label = try readLabel.step() ? readLabel.textBytes(0).map(Array.init) : nil
            readLabel.reset()
            for (key, totals) in groups {
                insertActivity.bindInt(1, session)
                bind(insertActivity, 2, key.account)
                bind(insertActivity, 3, key.region)
                bind(insertActivity, 4, key.accessKey)
                bind(insertActivity, 5, key.sourceIP)
                insertActivity.bindInt(6, totals.events)
                insertActivity.bindInt(7, totals.errors)
                insertActivity.bindInt(8, totals.first)
                insertActivity.bindInt(9, totals.last)
                try insertActivity.step()
                insertActivity.reset()
                if let address = key.sourceIP {
                    bind(insertAddress, 1, address)
                    bind(insertAddress, 2, label ?? unknownLabel)
                    insertAddress.bindInt(3, db.lastInsertRowID)
                    bind(insertAddress, 4, key.account)
                    insertAddress.bindInt(5, totals.events)
                    insertAddress.bindInt(6, totals.first)
                    insertAddress.bindInt(7, totals.last)
                    try insertAddress.step()
                    insertAddress.reset()
                }
            }
            groups.removeAll(keepingCapacity: true)
            endServiceRun()
            for (source, totals) in services {
                insertService.bindInt(1, session)
                bind(insertService, 2, source)
                insertService.bindInt(3, totals.events)
                insertService.bindInt(4, totals.first)
                insertService.bindInt(5, totals.last)
                try insertService.step()
                insertService.reset()
            }
            services.removeAll(keepingCapacity: true)
        }
        while try read.step() {
            let id = read.isNull(0) ? 0 : read.int64(0)
            if id != session {
                try flushSession()
                session = id
            }
            let ts = read.int64(1)
            if run.map({ !$0.key.matches(read) }) ?? true {
                endRun()
                run = (GroupKey(read), Totals())
            }
            run?.totals.add(ts, error: read.int64(6))
            if serviceRun.map({ !GroupKey.same($0.source, read.textBytes(7)) }) ?? true {
                endServiceRun()
                serviceRun = (read.textBytes(7).map(Array.init), Totals())
            }
            serviceRun?.totals.add(ts, error: 0)
            // SQLite's integer division truncates toward zero, as Swift's does.
            let hour = ts / 3600 * 3600
            if let current = hourRun, current.key.hour == hour, current.key.stream == run?.key.stream {
                hourRun?.events += 1
            } else {
                endHourRun()
                if let key = run?.key { hourRun = (HourKey(hour: hour, stream: key.stream), 1) }
            }
        }
        try flushSession()
        endHourRun()
        for (key, events) in hours {
            insertHour.bindInt(1, key.hour)
            bind(insertHour, 2, key.stream.account)
            bind(insertHour, 3, key.stream.region)
            insertHour.bindInt(4, events)
            try insertHour.step()
            insertHour.reset()
        }
        try db.execute(addressTotalsRebuildSQL)
        try db.execute(ErrorEvents.rebuildSQL)
        try db.execute(markCurrentSQL)
    }

    /// Texts are kept as the bytes stored, so the roll-up holds exactly what `event_rows` does
    /// (a String would repair invalid UTF-8). Hashes are computed once, when a key is made.
    private struct Stream: Hashable {
        var account: [UInt8]?
        var region: [UInt8]?
        let hash: Int

        init(account: [UInt8]?, region: [UInt8]?) {
            self.account = account
            self.region = region
            var hasher = Hasher()
            Self.combine(&hasher, account)
            Self.combine(&hasher, region)
            hash = hasher.finalize()
        }

        static func combine(_ hasher: inout Hasher, _ bytes: [UInt8]?) {
            guard let bytes else { return hasher.combine(-1) }
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: Stream, b: Stream) -> Bool { a.hash == b.hash && a.account == b.account && a.region == b.region }
    }

    private struct GroupKey: Hashable {
        var stream: Stream
        var accessKey: [UInt8]?
        var sourceIP: [UInt8]?
        let hash: Int

        var account: [UInt8]? { stream.account }
        var region: [UInt8]? { stream.region }

        /// Columns 2 to 5 of the reading statement.
        init(_ read: Statement) {
            stream = Stream(account: read.textBytes(2).map(Array.init), region: read.textBytes(3).map(Array.init))
            accessKey = read.textBytes(4).map(Array.init)
            sourceIP = read.textBytes(5).map(Array.init)
            var hasher = Hasher()
            hasher.combine(stream.hash)
            Stream.combine(&hasher, accessKey)
            Stream.combine(&hasher, sourceIP)
            hash = hasher.finalize()
        }

        func matches(_ read: Statement) -> Bool {
            Self.same(sourceIP, read.textBytes(5)) && Self.same(accessKey, read.textBytes(4))
                && Self.same(stream.account, read.textBytes(2)) && Self.same(stream.region, read.textBytes(3))
        }

        static func same(_ kept: [UInt8]?, _ column: UnsafeBufferPointer<UInt8>?) -> Bool {
            switch (kept, column) {
            case (nil, nil): return true
            case let (kept?, column?): return kept.elementsEqual(column)
            default: return false
            }
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: GroupKey, b: GroupKey) -> Bool {
            a.hash == b.hash && a.stream == b.stream && a.accessKey == b.accessKey && a.sourceIP == b.sourceIP
        }
    }

    private struct HourKey: Hashable {
        var hour: Int64
        var stream: Stream
    }

    private static func bind(_ statement: Statement, _ index: Int32, _ bytes: [UInt8]?) {
        guard let bytes else { return statement.bindNull(index) }
        // Copied by SQLite (SQLITE_TRANSIENT): the array may move once this returns.
        bytes.withUnsafeBufferPointer { buffer in
            statement.bindTextCopy(index, buffer)
        }
    }

    private struct Totals {
        var events: Int64 = 0
        var errors: Int64 = 0
        var first = Int64.max
        var last = Int64.min

        mutating func add(_ ts: Int64, error: Int64) {
            events += 1
            errors += error
            first = min(first, ts)
            last = max(last, ts)
        }

        mutating func merge(_ other: Totals) {
            events += other.events
            errors += other.errors
            first = min(first, other.first)
            last = max(last, other.last)
        }
    }

    /// True when the roll-ups cover every stored event.
    public static func isCurrent(_ db: Database) throws -> Bool {
        try db.scalarInt("""
            SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1)
            """) == 1
    }
}
