/// Parses the ISO-8601 forms CloudTrail writes into Unix seconds, without Foundation.
///
/// Accepts `2019-11-10T15:07:20Z`, fractional seconds (`…20.123Z`), offsets (`+02:00`, `+0200`),
/// a space instead of `T`, and the basic form `20131102T010628Z` seen in AWS's own examples.
/// A date alone (`2019-11-10`) is midnight UTC.
public enum Timestamp {
    public static func parse(_ text: String) -> Int64? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return parse(UnsafePointer(base), buffer.count)
        }
    }

    public static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var value = 0
            for k in 0..<count {
                let c = p[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            i += count
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            if i < n && p[i] == byte { i += 1; return true }
            return false
        }
        guard let year = digits(4) else { return nil }
        let extended = skip(0x2D)
        guard let month = digits(2) else { return nil }
        if extended { guard skip(0x2D) else { return nil } }
        guard let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0
        if i < n && (p[i] == 0x54 || p[i] == 0x74 || p[i] == 0x20) {
            i += 1
            guard let h = digits(2) else { return nil }
            let colon = skip(0x3A)
            guard let m = digits(2) else { return nil }
            hour = h; minute = m
            if colon ? skip(0x3A) : (i < n && p[i] >= 0x30 && p[i] <= 0x39) {
                guard let s = digits(2) else { return nil }
                second = s
            }
            if i < n && (p[i] == 0x2E || p[i] == 0x2C) {
                i += 1
                let start = i
                while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
                guard i > start else { return nil }
            }
            guard hour <= 23, minute <= 59, second <= 59 else { return nil }
        }
        var offset = 0
        if i < n {
            let c = p[i]
            if c == 0x5A || c == 0x7A {
                i += 1
            } else if c == 0x2B || c == 0x2D {
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = skip(0x3A)
                let om = digits(2) ?? 0
                offset = (oh * 3600 + om * 60) * (c == 0x2B ? 1 : -1)
            }
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendISO(seconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Timestamp {
    /// A UTC calendar date and time.
    public struct Civil: Sendable, Equatable {
        public var year, month, day, hour, minute, second: Int
    }

    /// Unix seconds to UTC calendar fields (Howard Hinnant's civil_from_days).
    public static func civil(_ seconds: Int64) -> Civil {
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

    /// Unix seconds of midnight UTC on a calendar date.
    public static func epoch(year: Int, month: Int, day: Int) -> Int64 {
        Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
    }

    /// Appends `value` as `width` decimal digits.
    public static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = max(0, value)
        while divisor > 0 {
            out.append(UInt8(0x30 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// Appends `YYYY-MM-DDTHH:MM:SSZ` as bytes, without allocating a String (the ingest hot path).
    public static func appendISO(_ seconds: Int64, to out: inout [UInt8]) {
        let c = civil(seconds)
        appendDigits(c.year, width: 4, to: &out); out.append(0x2D)
        appendDigits(c.month, width: 2, to: &out); out.append(0x2D)
        appendDigits(c.day, width: 2, to: &out); out.append(0x54)
        appendDigits(c.hour, width: 2, to: &out); out.append(0x3A)
        appendDigits(c.minute, width: 2, to: &out); out.append(0x3A)
        appendDigits(c.second, width: 2, to: &out); out.append(0x5A)
    }
}
