/// Time formatting for generated records, in UTC, without Foundation's formatters (they are slow
/// and locale-dependent; the corpus must be identical everywhere).
enum Clock {
    struct Civil {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    static func civil(_ seconds: Int64) -> Civil {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rem = Int(seconds - Int64(days) * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Civil(year: y, month: m, day: d, hour: rem / 3600, minute: rem / 60 % 60, second: rem % 60)
    }

    /// Unix seconds of midnight UTC on a civil date.
    static func epoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468) * 86_400
    }

    /// Parses `YYYY-MM-DD` (the --start option).
    static func parseDate(_ text: String) -> Int64? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return epoch(year: parts[0], month: parts[1], day: parts[2])
    }

    private static func pad(_ value: Int, _ width: Int, into out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = max(0, value)
        while divisor > 0 {
            out.append(UInt8(0x30 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form CloudTrail writes for eventTime and creationDate.
    static func appendISO(_ seconds: Int64, to out: inout [UInt8]) {
        let c = civil(seconds)
        pad(c.year, 4, into: &out); out.append(0x2D); pad(c.month, 2, into: &out); out.append(0x2D)
        pad(c.day, 2, into: &out); out.append(0x54); pad(c.hour, 2, into: &out); out.append(0x3A)
        pad(c.minute, 2, into: &out); out.append(0x3A); pad(c.second, 2, into: &out); out.append(0x5A)
    }

    static func iso(_ seconds: Int64) -> String {
        var out: [UInt8] = []
        appendISO(seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

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
