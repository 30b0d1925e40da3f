import Foundation
import Testing
@testable import Unrolled

/// Chapter 11's library code: the parenthesis language, its floor, finding units by
/// correlation and reading them with a probe.
@Suite struct ParenthesisLanguageTests {
    let language = ParenthesisLanguage()

    @Test func everyGeneratedStringIsValidAndKeepsTheRules() {
        var generator = SeededGenerator(seed: 11)
        var deepest = 0, mostItems = 0
        for _ in 0..<5_000 {
            let text = language.string(using: &generator)
            #expect(language.isValid(text), "generated \"\(text)\"")
            let symbols = text.split(separator: " ").map { $0.first! }
            let depths = ParenthesisLanguage.depths(after: symbols)
            deepest = max(deepest, depths.max()!)
            for (symbol, depth) in zip(symbols, depths) where symbol.isNumber {
                #expect(symbol.wholeNumberValue == depth, "\(symbol) at depth \(depth) in \"\(text)\"")
            }
            mostItems = max(mostItems, language.readers(after: symbols).compactMap(\.itemCounts.last).max() ?? 0)
        }
        #expect(deepest == language.maximumDepth, "5000 strings should reach depth 4")
        #expect(mostItems == ParenthesisLanguage.maximumItems, "5000 strings should fill a group")
    }

    @Test func theSameSeedGivesTheSameStrings() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = (0..<20).map { _ in language.string(using: &a) }
        #expect(first == (0..<20).map { _ in language.string(using: &b) })
    }

    @Test func theCheckerAcceptsTheRulesExamples() {
        for text in ["( 1 )", "( 1 ( 2 ( 3 3 ) ) 1 )", "( ( ( ( 4 4 4 ) ) ) )", "( ( 2 ) )", "( 1 1 1 )", "( ( 2 2 2 ) ( 2 ) 1 )"] {
            #expect(language.isValid(text), "\"\(text)\"")
        }
    }

    @Test func theCheckerRejectsEveryBrokenRule() {
        let broken = [
            "",                              // nothing
            "( 1 ( 3 ) )",                   // a number that is not its depth
            "( ( ( ( ( 5 ) ) ) ) )",         // five deep
            "( ( ( ( ( 4 ) ) ) ) )",         // five deep, even with a 4
            "( )",                           // an empty group
            "( 1 ( ) )",                     // an empty inner group
            "( 1 1 1 1 )",                   // four items
            "( ( 2 ) ( 2 ) ( 2 ) 1 )",       // four items, three of them groups
            "( 1 ( 2 2 2 2 ) )",             // four items in an inner group
            "( 1",                           // never closed
            "1 )",                           // a number outside any group
            ")",                             // closed before opened
            "( 1 ) ( 1 )",                   // two groups
            "( 1 ) \n ( 1 )",                // two strings
            "( 1 )\n",                       // the newline is not part of the string
            "( 1  1 )",                      // two spaces
            "(1)",                           // no spaces
            "( 1 x )",                       // not a symbol
            "( 12 )",                        // two symbols run together
            " ( 1 )",                        // a leading space
        ]
        for text in broken {
            #expect(!language.isValid(text), "\"\(text)\" should be rejected")
        }
    }

    @Test func aShallowerLanguageKeepsItsOwnLimit() {
        let two = ParenthesisLanguage(maximumDepth: 2)
        #expect(two.symbols == ["(", ")", "1", "2"])
        #expect(two.isValid("( 1 ( 2 2 ) )"))
        #expect(!two.isValid("( 1 ( 2 ( 3 ) ) )"), "three deep")
    }

    @Test func depthsCountOpenGroups() {
        #expect(ParenthesisLanguage.depths(after: "(1(2))\n") == [1, 1, 2, 2, 1, 0, 0])
    }

    @Test func theReaderKeepsTheItemCountOfEveryOpenGroup() {
        let readers = language.readers(after: "(1(22)1)\n(")
        #expect(readers.map(\.itemCounts) == [[0], [1], [2, 0], [2, 1], [2, 2], [2], [3], [], [], [0]])
        #expect(readers[6].next.map(\.symbol) == [")"], "a group of three items must close")
        #expect(readers[7].next.map(\.symbol) == ["\n"], "the string ends after its group")
        let inDepthFour = language.readers(after: "((((")[3]
        #expect(inDepthFour.probability(of: "(") == 0 && inDepthFour.probability(of: "4") == 1)
    }

    @Test func theReadersProbabilitiesAreTheGenerators() {
        // The frequency of each next symbol after each reader state, over a long text,
        // against the probability the reader gives it.
        var generator = SeededGenerator(seed: 7)
        let text = Array((0..<20_000).map { _ in language.string(using: &generator).replacingOccurrences(of: " ", with: "") + "\n" }.joined())
        let readers = language.readers(after: text)
        var counts: [ParenthesisLanguage.Reader: [Character: Double]] = [:]
        for (reader, next) in zip(readers, text.dropFirst()) { counts[reader, default: [:]][next, default: 0] += 1 }
        var compared = 0
        for (reader, seen) in counts {
            let total = seen.values.reduce(0, +)
            guard total >= 2_000 else { continue }
            for symbol in seen.keys { #expect(reader.probability(of: symbol) > 0, "\(symbol) after \(reader.itemCounts)") }
            for (symbol, p) in reader.next {
                let frequency = (seen[symbol] ?? 0) / total
                #expect(abs(frequency - p) < 4 * (p * (1 - p) / total).squareRoot() + 1e-9, "\(symbol) after \(reader.itemCounts): \(frequency) seen, \(p) given")
            }
            compared += 1
        }
        #expect(compared >= 10)
    }

    @Test func theFloorIsTheHandWorkedEntropyRate() {
        #expect(abs(language.entropyRate - (4 * log(3.0) + 6 * log(2.0)) / 14) < 1e-12)
        let string = language.stringInformation
        #expect(abs(string.symbols - 14) < 1e-12)
        // One deep: ( 1 ), ( 1 1 ) or ( 1 1 1 ) and a newline: ln 3 over 5 symbols.
        #expect(abs(ParenthesisLanguage(maximumDepth: 1).entropyRate - log(3.0) / 5) < 1e-12)
        // And the mean of −ln p over a long generated text comes close.
        var generator = SeededGenerator(seed: 9)
        let text = Array((0..<20_000).map { _ in language.string(using: &generator).replacingOccurrences(of: " ", with: "") + "\n" }.joined())
        let losses = language.trueLosses(text)
        #expect(abs(losses.reduce(0, +) / Double(losses.count) - language.entropyRate) < 0.005)
    }
}

@Suite struct SoftmaxProbeTests {
    @Test func theGradientsAreTheLossesSlope() {
        var generator = SeededGenerator(seed: 4)
        let x = Matrix<Double>(rows: 12, columns: 3, normalMean: 0, standardDeviation: 1, using: &generator)
        let classes = (0..<12).map { $0 % 4 }
        var probe = SoftmaxProbe(inputs: 3, classes: 4)
        probe.w = Matrix(rows: 3, columns: 4, normalMean: 0, standardDeviation: 0.5, using: &generator)
        probe.b = Matrix(rows: 1, columns: 4, normalMean: 0, standardDeviation: 0.5, using: &generator)
        let analytic = probe.lossAndGradients(x, classes: classes).gradients
        for (k, path) in SoftmaxProbe.parameterPaths.map(\.path).enumerated() {
            let m = probe[keyPath: path]
            for i in 0..<m.rows { for j in 0..<m.columns {
                var up = probe, down = probe
                up[keyPath: path][i, j] += 1e-6
                down[keyPath: path][i, j] -= 1e-6
                let numeric = (up.lossAndGradients(x, classes: classes).loss - down.lossAndGradients(x, classes: classes).loss) / 2e-6
                let a = analytic[keyPath: path][i, j]
                #expect(abs(a - numeric) / max(1e-8, abs(a) + abs(numeric)) < 1e-6, "parameter \(k) [\(i), \(j)]")
            } }
        }
    }

    @Test func aProbeReadsClassesThatAreLinearInTheState() {
        // The class is which of three intervals x₀ falls in; x₁ is noise.
        var generator = SeededGenerator(seed: 8)
        let rows = (0..<600).map { _ in [generator.uniform(-1, 1), generator.uniform(-1, 1)] }
        let x = Matrix(rows: 600, columns: 2, scalars: rows.flatMap { $0 })
        let classes = rows.map { $0[0] < -0.3 ? 0 : ($0[0] < 0.3 ? 1 : 2) }
        let probe = SoftmaxProbe.fit(x, classes: classes, count: 3)
        #expect(probe.accuracy(x, classes: classes) > 0.97)
        #expect(SoftmaxProbe(inputs: 2, classes: 3).accuracy(x, classes: classes) < 0.5, "an unfitted probe guesses")
    }
}

@Suite struct UnitCorrelationTests {
    @Test func pearsonMatchesAHandComputedCase() {
        // Means 2.5 and 5; deviations (−1.5, −0.5, 0.5, 1.5) and (−3, −1, 0, 4):
        // Σ products 11, Σ squares 5 and 26, so r = 11 / √130.
        let r = pearsonCorrelation([1, 2, 3, 4], [2, 4, 5, 9])
        #expect(abs(r - 11 / 130.0.squareRoot()) < 1e-12)
        #expect(abs(pearsonCorrelation([1, 2, 3], [-2, -4, -6]) + 1) < 1e-12)
        #expect(pearsonCorrelation([1, 1, 1], [1, 2, 3]) == 0, "a constant series correlates with nothing")
    }

    @Test func aUnitThatIsTheDepthByConstructionIsFound() {
        // A made-up network of 8 units over a string of the language: unit 3 is a
        // squashed copy of the depth, unit 5 the depth drowned in noise, the rest noise.
        var generator = SeededGenerator(seed: 3)
        let text = (0..<50).map { _ in ParenthesisLanguage().string(using: &generator).replacingOccurrences(of: " ", with: "") + "\n" }.joined()
        let depth = ParenthesisLanguage.depths(after: text).map(Double.init)
        let states: [[Double]] = depth.map { d in
            (0..<8).map { unit in
                switch unit {
                case 3: Foundation.tanh(0.6 * d - 1)
                case 5: 0.2 * d + generator.normal()
                default: generator.uniform(-1, 1)
                }
            }
        }
        let found = strongestUnit(states: states, feature: depth)
        #expect(found.unit == 3)
        #expect(found.r > 0.95)
        // Flipping the unit's sign flips r but finds the same unit.
        let flipped = states.map { row in row.enumerated().map { $0.offset == 3 ? -$0.element : $0.element } }
        let again = strongestUnit(states: flipped, feature: depth)
        #expect(again.unit == 3 && again.r < -0.95)
    }
}

@Suite struct TextFeatureTests {
    let text = Array("a `b` \"c\" (d[e]) ``` f\nx)`y")

    @Test func codeSpansOpenAtASingleBacktickAndCloseAtTheLine() {
        //                              a  ␣  `  b  `  ␣  "  c  "  ␣  (  d  [  e  ]  )  ␣  `  `  `  ␣  f  ⏎  x  )  `  y
        #expect(TextFeatures.insideCodeSpan(text) == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    }

    @Test func quotesOpenAndClose() {
        #expect(TextFeatures.insideQuotes(text) == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func positionsCountFromEachLineStart() {
        #expect(TextFeatures.positionInLine(Array("ab\ncd\n\ne")) == [0, 1, 2, 0, 1, 2, 0, 0])
    }

    @Test func bracketDepthNeverGoesBelowZero() {
        #expect(TextFeatures.bracketDepth(Array(")(a[b{c}])]x")) == [0, 1, 1, 2, 2, 3, 3, 2, 1, 0, 0, 0])
    }
}
