/// AWS-shaped identifiers drawn from the PRNG (IAM unique-id prefixes per the IAM identifiers
/// page: AKIA/ASIA access keys, AIDA users, AROA roles; 12-digit account ids; GUID event ids).
enum Identifiers {
    private static let upperAlnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)  // base32, as AWS ids use
    private static let mixedAlnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func chars(_ table: [UInt8], _ count: Int, _ rng: inout SplitMix64) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(table[rng.below(table.count)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func account(_ rng: inout SplitMix64) -> String {
        String(rng.range(1, 9)) + chars(Array("0123456789".utf8), 11, &rng)
    }

    /// Long-term key: `AKIA` + 16 (20 characters, as trail's validator requires).
    static func longTermKey(_ rng: inout SplitMix64) -> String { "AKIA" + chars(upperAlnum, 16, &rng) }
    /// Temporary key: `ASIA` + 16.
    static func temporaryKey(_ rng: inout SplitMix64) -> String { "ASIA" + chars(upperAlnum, 16, &rng) }
    /// IAM user unique id: `AIDA` + 17 (21 characters).
    static func userID(_ rng: inout SplitMix64) -> String { "AIDA" + chars(upperAlnum, 17, &rng) }
    /// IAM role unique id: `AROA` + 17.
    static func roleID(_ rng: inout SplitMix64) -> String { "AROA" + chars(upperAlnum, 17, &rng) }

    static func hex(_ count: Int, _ rng: inout SplitMix64) -> String { chars(hexDigits, count, &rng) }

    /// Version-4-shaped GUID, lowercase, as CloudTrail eventIDs are.
    static func uuid(_ rng: inout SplitMix64) -> String {
        hex(8, &rng) + "-" + hex(4, &rng) + "-4" + hex(3, &rng) + "-" + chars(Array("89ab".utf8), 1, &rng) + hex(3, &rng)
            + "-" + hex(12, &rng)
    }

    /// EC2 instance id: `i-` + 17 lowercase hex (trail's heuristic accepts 8–17).
    static func instance(_ rng: inout SplitMix64) -> String { "i-" + hex(17, &rng) }

    /// The 16-character random tail of a CloudTrail log file name.
    static func fileSuffix(_ rng: inout SplitMix64) -> String { chars(mixedAlnum, 16, &rng) }

    /// A SAML nameQualifier looks like Base64(SHA1(...)): 27 characters and `=`.
    static func nameQualifier(_ rng: inout SplitMix64) -> String { chars(mixedAlnum, 27, &rng) + "=" }

    /// Opaque token-ish strings (credential ids, assertion ids).
    static func token(_ count: Int, _ rng: inout SplitMix64) -> String { chars(mixedAlnum, count, &rng) }
}
