import Foundation

/// A 128-bit fingerprint of some text, as 32 hex digits: two FNV-1a hashes with
/// different offsets. It names cache entries; it is not meant to resist an adversary.
public struct ContentHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    /// Adds a labelled piece; the label and a length keep ("ab", "c") apart from ("a", "bc").
    public mutating func add(_ label: String, _ text: String) {
        addBytes(label.utf8)
        addBytes(String(text.utf8.count).utf8)
        addBytes(text.utf8)
    }

    /// Adds a labelled piece of data, as ``add(_:_:)`` does for text.
    public mutating func add(_ label: String, bytes: Data) {
        addBytes(label.utf8)
        addBytes(String(bytes.count).utf8)
        addBytes(bytes)
    }

    private mutating func addBytes(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte ^ 0x5A)) &* Self.prime
        }
        a = (a ^ 0xFF) &* Self.prime
        b = (b ^ 0xA5) &* Self.prime
    }

    public var hex: String {
        func h(_ x: UInt64) -> String {
            let digits = String(x, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return h(a) + h(b)
    }
}
