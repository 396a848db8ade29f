/// The generator's only source of randomness: SplitMix64 (Steele, Lea, Flood 2014).
///
/// The corpus must be byte-identical for a given seed on every machine and Swift version, so we
/// never use `random()`, `SystemRandomNumberGenerator` or the standard library's `random(in:)`
/// (whose mapping from bits to ranges is not a documented contract).
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (multiply-high; the bias is below 2^-32 for our bounds).
    mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A value in `lower...upper`.
    mutating func range(_ lower: Int, _ upper: Int) -> Int {
        upper <= lower ? lower : lower + below(upper - lower + 1)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// An element of a non-empty array. The arrays passed here are the generator's own tables.
    mutating func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "pick from an empty table")
        return items[below(items.count)]
    }

    /// Index chosen with probability proportional to `weights`.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// An independent stream, so that adding draws in one part of the generator does not shift
    /// every value drawn after it elsewhere (world layout vs. event stream vs. samples).
    func fork(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ (salt &* 0xD605_BBB5_8C8A_BD25))
        _ = copy.next()
        return SplitMix64(seed: copy.next())
    }
}
