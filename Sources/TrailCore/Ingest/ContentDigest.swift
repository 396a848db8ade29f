import Crypto

/// SHA-256 as the ledger stores it: 64 lowercase hex digits.
///
/// The ledger decides from these hashes that a file need not be read, so they must not be
/// forgeable: with a non-cryptographic hash, a crafted harmless file of the same size and hash
/// as a real log made trail record the real log as a duplicate and never read its events.
public enum ContentDigest {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = SHA256()
        bytes.withUnsafeBytes { digest.update(bufferPointer: $0) }
        var hex = ""
        hex.reserveCapacity(64)
        for byte in digest.finalize() {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return hex
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")
}

/// What makes two files "the same content" for the ledger: the SHA-256 and the length of the
/// inflated bytes (the bytes themselves for plain JSON). The SHA-256 is the `hashValue`
/// CloudTrail's digest files list for each log file. Compared whole, hash and size.
public struct ContentKey: Hashable, Sendable {
    public var sha256: String
    public var size: Int64

    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }

    public init(inflated bytes: [UInt8]) {
        self.init(sha256: ContentDigest.sha256Hex(bytes), size: Int64(bytes.count))
    }
}
