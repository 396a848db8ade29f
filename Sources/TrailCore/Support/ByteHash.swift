/// MurmurHash64A (Austin Appleby, public domain) with seed 0: the hash `interned_text.hash`
/// stores. It is persisted, so it must never change; `trail_hash()` in SQL is the same function.
public enum ByteHash {
    public static func murmur64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        let count = bytes.count
        var h: UInt64 = UInt64(count) &* m
        guard let base = bytes.baseAddress, count > 0 else { return finish(h, m, r) }
        let words = count / 8
        for i in 0..<words {
            var k = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
            k &*= m
            k ^= k >> r
            k &*= m
            h ^= k
            h &*= m
        }
        let tail = count & 7
        if tail > 0 {
            var k: UInt64 = 0
            for i in (0..<tail).reversed() {
                k = (k << 8) | UInt64(base.load(fromByteOffset: words * 8 + i, as: UInt8.self))
            }
            h ^= k
            h &*= m
        }
        return finish(h, m, r)
    }

    public static func murmur64(_ string: String) -> UInt64 {
        var copy = string
        return copy.withUTF8 { murmur64(UnsafeRawBufferPointer($0)) }
    }

    private static func finish(_ value: UInt64, _ m: UInt64, _ r: UInt64) -> UInt64 {
        var h = value
        h ^= h >> r
        h &*= m
        h ^= h >> r
        return h
    }
}
