/// A fast 128-bit fingerprint of a file's bytes, for the ledger's "same content" check.
///
/// Not cryptographic: it tells re-deliveries and copies apart from new files; it is not a
/// defence against someone forging log files (CloudTrail's digest files are for that).
public enum ContentHash {
    public static func hex(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let n = raw.count
            var i = 0
            while i + 16 <= n {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let y = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                a = mix(a ^ x) &* 0x9FB2_1C65_1E98_DF25
                b = mix(b ^ y) &* 0xD6E8_FEB8_6659_FD93
                i += 16
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(raw[i]) << shift
                shift += 8
                i += 1
                if shift == 64 { a = mix(a ^ tail) &* 0x9FB2_1C65_1E98_DF25; tail = 0; shift = 0 }
            }
            b = mix(b ^ tail) &* 0xD6E8_FEB8_6659_FD93
        }
        a = finalize(a ^ b.rotated(17))
        b = finalize(b ^ a.rotated(29))
        return hex64(a) + hex64(b)
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 { x ^ (x >> 29) }

    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension UInt64 {
    @inline(__always) func rotated(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
