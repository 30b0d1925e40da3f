import ArgumentParser
import CommandLineSupport
import Foundation
import SafeTensors
import Unrolled

/// `book sample`: makes a model that chapter 12 trained and saved write text.
///
/// The prime is read first (so the state is "having read the prime"), then each character
/// is chosen from the model's distribution and fed back in, as in chapter 6. The prime's
/// characters must all be in the checkpoint's vocabulary, the text it was trained on.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write text with a character model saved by chapter 12 (swift run ch12).")

    @Option(help: "A checkpoint written by chapter 12 (default: the best model of `swift run ch12`, run from the package's folder).")
    var checkpoint = ".build/ch12.best.safetensors"
    @Option(help: "The text the model reads before it writes (default: a newline, or the vocabulary's first character).")
    var prime: String?
    @Option(help: "The sampling temperature: below 1 sharpens the model's distribution, above 1 flattens it.",
            range: 0...Double.greatestFiniteMagnitude, excludingLower: true)
    var temperature = 1.0
    @Option(help: "Characters to write after the prime.", range: 1...10_000_000)
    var length = 500
    @Option(help: "Seed of the draws.", range: 0...UInt64.max)
    var seed: UInt64 = 1
    @Flag(help: "Always take the most likely character (ignores --temperature and --seed).")
    var argmax = false

    func run() throws {
        let stored: CharCheckpoint
        do { stored = try CharCheckpoint.read(from: URL(fileURLWithPath: checkpoint)) } catch { fail(error.description) }
        let vocabulary = stored.vocabulary
        let primeText = prime ?? (vocabulary.id(of: "\n") != nil ? "\n" : String(vocabulary.symbols[0]))
        if primeText.isEmpty { fail("--prime must have at least one character") }
        let primeIDs: [Int]
        do { primeIDs = try vocabulary.encode(primeText) } catch {
            fail("--prime \"\(primeText)\": \(error.description)")
        }
        var generator = SeededGenerator(seed: seed)
        let written = sample(stored.model, prime: primeIDs, count: length,
                             strategy: argmax ? .argmax : .temperature(temperature), using: &generator)
        print(primeText + written.map { String(vocabulary.symbols[$0]) }.joined())
    }
}
