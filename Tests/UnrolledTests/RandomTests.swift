import Testing
@testable import Unrolled

/// The generator must give the same numbers everywhere: these are pinned.
@Suite struct RandomTests {
    @Test func splitMix64MatchesItsReferenceOutput() {
        // Reference values of SplitMix64 seeded with 1234567 (from its published C code).
        var g = SplitMix64(seed: 1234567)
        #expect(g.next() == 6457827717110365317)
        #expect(g.next() == 3203168211198807973)
        #expect(g.next() == 9817491932198370423)
    }

    @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
    }

    @Test func pinnedValues() {
        var g = SeededGenerator(seed: 42)
        let first = g.next()
        var h = SeededGenerator(seed: 42)
        #expect(h.uniform() == Double(first >> 11) * 0x1.0p-53)
        // The values themselves (checked against a separate Python transcription of
        // xoshiro256** seeded through SplitMix64), so a change of algorithm fails here.
        #expect(first == 1546998764402558742)
        #expect(g.next() == 6990951692964543102)
    }

    @Test func uniformAndIntegerRanges() {
        var g = SeededGenerator(seed: 7)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<50_000 {
            let u = g.uniform()
            #expect(u >= 0 && u < 1)
            counts[g.integer(below: 5)] += 1
        }
        #expect(counts.allSatisfy { ($0 - 10_000).magnitude < 500 })
    }

    @Test func normalHasMeanZeroAndVarianceOne() {
        var g = SeededGenerator(seed: 8)
        let n = 100_000
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<n {
            let x = g.normal()
            sum += x
            sumOfSquares += x * x
        }
        #expect((sum / Double(n)).magnitude < 0.02)
        #expect((sumOfSquares / Double(n) - 1).magnitude < 0.02)
    }

    @Test func weightedIndexFollowsTheWeights() {
        var g = SeededGenerator(seed: 9)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[g.index(weightedBy: [0.2, 0, 0.8] as [Float])] += 1 }
        #expect(counts[1] == 0)
        #expect((Double(counts[0]) / 30_000 - 0.2).magnitude < 0.02)
    }
}
