// Random numbers that are the same on every machine.
//
// Swift's `SystemRandomNumberGenerator` cannot be seeded, and the standard library does not
// promise how `Double.random(in:using:)` turns bits into numbers. The book wants a run
// with `--seed 7` to print the same losses on Linux and macOS, so it defines both the bits
// (xoshiro256**) and every conversion from bits to numbers.

import Foundation

/// SplitMix64: a 64-bit state advanced by a constant and scrambled. Used to expand one
/// seed into the four words of `SeededGenerator`'s state (its authors' recommendation).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna, 2018): the book's random generator.
///
/// `SeededGenerator(seed: 42)` gives the same sequence everywhere. The conversions
/// (`uniform`, `normal`) are defined here too, so the numbers built from the bits agree
/// as well. It also conforms to `RandomNumberGenerator`, for `shuffle(using:)`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    /// The second normal of the last Box–Muller pair, returned by the next `normal()`.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s = (mix.next(), mix.next(), mix.next(), mix.next())
        spareNormal = nil
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotateLeft(s.3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A Double uniform in [0, 1): the top 53 bits of `next()`, times 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A Double uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// An integer uniform in 0..<n, without modulo bias (Lemire's multiply-and-reject).
    public mutating func integer(below n: Int) -> Int {
        precondition(n > 0, "integer(below: \(n)) needs n > 0")
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A standard normal Double (mean 0, variance 1) by the Box–Muller transform: from
    /// u₁, u₂ uniform, r = √(−2 ln u₁) and θ = 2πu₂ give the two independent normals
    /// r cos θ and r sin θ; the second is kept for the next call.
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - uniform()  // in (0, 1], so the log is finite
        let u2 = uniform()
        let r = (-2 * _log(u1)).squareRoot()
        let θ = 2 * Double.pi * u2
        spareNormal = r * _sin(θ)
        return r * _cos(θ)
    }

    /// A normal Double with the given mean and standard deviation.
    public mutating func normal(mean: Double, standardDeviation σ: Double) -> Double {
        mean + σ * normal()
    }

    /// An index drawn with probability proportional to `weights[i]` (which need not sum
    /// to 1): used to sample a character from the softmax.
    public mutating func index<Scalar: BinaryFloatingPoint>(weightedBy weights: [Scalar]) -> Int {
        let total = weights.reduce(0.0) { $0 + Double($1) }
        precondition(total > 0, "index(weightedBy:) needs a positive total weight")
        var remaining = uniform() * total
        for (i, w) in weights.enumerated() {
            remaining -= Double(w)
            if remaining < 0 { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }
}

// log, sin and cos come from the platform's C library; they are correctly rounded or
// within an ulp everywhere, so normals may differ across platforms in the last bit only.
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }

// MARK: - Random matrices

extension Matrix {
    /// Entries uniform in [low, high).
    public init(rows: Int, columns: Int, uniformIn low: Scalar, _ high: Scalar, using generator: inout SeededGenerator) {
        self.init(rows: rows, columns: columns)
        for i in 0..<count { scalars[i] = Scalar(generator.uniform(Double(low), Double(high))) }
    }

    /// Entries normal with the given mean and standard deviation.
    public init(rows: Int, columns: Int, normalMean mean: Scalar = 0, standardDeviation σ: Scalar, using generator: inout SeededGenerator) {
        self.init(rows: rows, columns: columns)
        for i in 0..<count { scalars[i] = Scalar(generator.normal(mean: Double(mean), standardDeviation: Double(σ))) }
    }

    /// Xavier/Glorot initialisation for a (fanIn, fanOut) weight: uniform in ±√(6 / (fanIn + fanOut)),
    /// which keeps the variance of activations roughly the same from layer to layer
    /// (Glorot and Bengio, 2010).
    public static func xavier(_ fanIn: Int, _ fanOut: Int, using generator: inout SeededGenerator) -> Matrix {
        let limit = Scalar((6.0 / Double(fanIn + fanOut)).squareRoot())
        return Matrix(rows: fanIn, columns: fanOut, uniformIn: -limit, limit, using: &generator)
    }
}
