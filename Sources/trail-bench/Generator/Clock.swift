import TrailCore

/// Time formatting for generated records, in UTC, without Foundation's formatters (they are slow
/// and locale-dependent; the corpus must be identical everywhere).
enum Clock {
    typealias Civil = Timestamp.Civil

    static func civil(_ seconds: Int64) -> Civil { Timestamp.civil(seconds) }

    static func epoch(year: Int, month: Int, day: Int) -> Int64 { Timestamp.epoch(year: year, month: month, day: day) }

    /// Parses `YYYY-MM-DD` (the --start option).
    static func parseDate(_ text: String) -> Int64? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return epoch(year: parts[0], month: parts[1], day: parts[2])
    }

    private static func pad(_ value: Int, _ width: Int, into out: inout [UInt8]) {
        Timestamp.appendDigits(value, width: width, to: &out)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form CloudTrail writes for eventTime and creationDate.
    static func appendISO(_ seconds: Int64, to out: inout [UInt8]) { Timestamp.appendISO(seconds, to: &out) }

    static func iso(_ seconds: Int64) -> String { Timestamp.format(seconds) }

    /// `YYYYMMDDTHHMMZ`, as in log file names.
    static func compact(_ seconds: Int64) -> String {
        let c = civil(seconds)
        var out: [UInt8] = []
        pad(c.year, 4, into: &out); pad(c.month, 2, into: &out); pad(c.day, 2, into: &out); out.append(0x54)
        pad(c.hour, 2, into: &out); pad(c.minute, 2, into: &out); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY/MM/DD`, the date directories of the S3 layout.
    static func datePath(_ seconds: Int64) -> String {
        let c = civil(seconds)
        var out: [UInt8] = []
        pad(c.year, 4, into: &out); out.append(0x2F); pad(c.month, 2, into: &out); out.append(0x2F); pad(c.day, 2, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `yyyymmddhhmmssSSS`, the tail of Lambda poller session names.
    static func pollerStamp(_ seconds: Int64, millis: Int) -> String {
        let c = civil(seconds)
        var out: [UInt8] = []
        pad(c.year, 4, into: &out); pad(c.month, 2, into: &out); pad(c.day, 2, into: &out)
        pad(c.hour, 2, into: &out); pad(c.minute, 2, into: &out); pad(c.second, 2, into: &out); pad(millis, 3, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// STS's credential expiration: `Mar 4, 2025, 2:17:40 PM` (attribution spec §3.1).
    static func expiration(_ seconds: Int64) -> String {
        let c = civil(seconds)
        let hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12
        var clock: [UInt8] = []
        pad(c.minute, 2, into: &clock); clock.append(0x3A); pad(c.second, 2, into: &clock)
        return "\(months[c.month - 1]) \(c.day), \(c.year), \(hour12):\(String(decoding: clock, as: UTF8.self)) \(c.hour < 12 ? "AM" : "PM")"
    }
}
