extension Investigator {
    /// `trail show EVENT_ID`: the record as CloudTrail wrote it, byte for byte, read from the
    /// stored input (an API call or an Insights event). A record delivered twice is stored once.
    public func record(eventID: String) throws -> [UInt8] {
        let statement = try runner.database.prepare("""
            SELECT trail_record(blob_id, record_offset, record_length) FROM event_rows
            WHERE id_hash = trail_hash(?1) AND event_id = ?1
            UNION ALL
            SELECT trail_record(blob_id, record_offset, record_length) FROM insight_events WHERE event_id = ?1
            """)
        try statement.bind([.text(eventID)])
        guard try statement.step(), let bytes = statement.textBytes(0) else { throw NotFound("no event with id '\(eventID)'") }
        return Array(bytes)
    }
}
