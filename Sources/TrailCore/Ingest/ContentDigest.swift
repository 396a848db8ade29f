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

extension ContentKey {
    public init(inflated bytes: [UInt8]) {
        self.init(sha256: ContentDigest.sha256Hex(bytes), size: Int64(bytes.count))
    }
}
