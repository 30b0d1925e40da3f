import Foundation
import Testing
@testable import Unrolled

/// Chapter 11's library code: the parenthesis language, and finding units by correlation.
@Suite struct ParenthesisLanguageTests {
    @Test func everyGeneratedStringIsValidAndKeepsTheRules() {
        var generator = SeededGenerator(seed: 11)
        var deepest = 0
        for _ in 0..<2_000 {
            let text = ParenthesisLanguage.string(using: &generator)
            #expect(ParenthesisLanguage.isValid(text), "generated \"\(text)\"")
            let symbols = text.split(separator: " ").map { $0.first! }
            let depths = ParenthesisLanguage.depths(after: symbols)
            deepest = max(deepest, depths.max()!)
            for (symbol, depth) in zip(symbols, depths) where symbol.isNumber {
                #expect(symbol.wholeNumberValue == depth, "\(symbol) at depth \(depth) in \"\(text)\"")
            }
        }
        #expect(deepest == ParenthesisLanguage.maximumDepth, "2000 strings should reach depth 4")
    }

    @Test func theSameSeedGivesTheSameStrings() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = (0..<20).map { _ in ParenthesisLanguage.string(using: &a) }
        #expect(first == (0..<20).map { _ in ParenthesisLanguage.string(using: &b) })
    }

    @Test func theCheckerAcceptsTheRulesExamples() {
        for text in ["( 1 )", "( 1 ( 2 ( 3 3 ) ) 1 )", "( ( ( ( 4 4 4 ) ) ) )", "( ( 2 ) )"] {
            #expect(ParenthesisLanguage.isValid(text), "\"\(text)\"")
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
            "( 1",                           // never closed
            "1 )",                           // a number outside any group
            ")",                             // closed before opened
            "( 1 ) ( 1 )",                   // two groups
            "( 1  1 )",                      // two spaces
            "(1)",                           // no spaces
            "( 1 x )",                       // not a symbol
            "( 12 )",                        // two symbols run together
            " ( 1 )",                        // a leading space
        ]
        for text in broken {
            #expect(!ParenthesisLanguage.isValid(text), "\"\(text)\" should be rejected")
        }
    }

    @Test func depthsCountOpenGroups() {
        #expect(ParenthesisLanguage.depths(after: "(1(2))\n") == [1, 1, 2, 2, 1, 0, 0])
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
        let text = (0..<50).map { _ in ParenthesisLanguage.string(using: &generator).replacingOccurrences(of: " ", with: "") + "\n" }.joined()
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
