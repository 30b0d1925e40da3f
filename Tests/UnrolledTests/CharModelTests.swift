import Foundation
import Testing
import SafeTensors
@testable import Unrolled

/// Chapter 12's stacked character model: its backward pass against central differences,
/// and its checkpoints: a resumed run equals an uninterrupted one bit for bit, and a bad
/// checkpoint is refused with one line.
@Suite struct CharModelTests {
    /// A small stacked model in Double with dropout masks fixed by a seed, every parameter
    /// and every layer's starting state against central differences (< 1e-6).
    @Test(arguments: CharCell.allCases)
    func stackedGradientsMatchCentralDifferences(_ cell: CharCell) {
        let (B, T, V, E, H, L) = (2, 6, 7, 4, 5, 2)
        var generator = SeededGenerator(seed: 21)
        var model = CharModel<Double>(CharModelShape(cell: cell, vocabularySize: V, embeddingSize: E, hiddenSize: H, layers: L),
                                      using: &generator)
        // Embeddings of order 1, not the training start's ±0.1: with inputs that small the
        // first layer's W_x gradients fall to 1e-8, where the difference quotient's rounding
        // is the size of the relative-error floor (measured: 1.9e-5 on an entry of 8e-9).
        model.ends.embedding = Matrix(rows: V, columns: E, uniformIn: -1, 1, using: &generator)
        for l in 0..<L { model.layers[l].bH = Matrix(rows: 1, columns: model.layers[l].bH.columns, uniformIn: -0.5, 0.5, using: &generator) }
        let x = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        let y = TokenBatch(batchSize: B, steps: T, ids: (0..<(B * T)).map { _ in generator.integer(below: V) })
        let start = (0..<L).map { _ in
            RecurrentState(h: Matrix<Double>(rows: B, columns: H, uniformIn: -0.5, 0.5, using: &generator),
                           c: Matrix<Double>(rows: B, columns: H, uniformIn: -0.5, 0.5, using: &generator))
        }
        func run(_ m: CharModel<Double>, _ s: [RecurrentState<Double>]) -> CharModelPass<Double> {
            var masks = SeededGenerator(seed: 77)                            // the same masks every time
            return m.forward(x, targets: y, from: s, reduction: .mean, dropout: 0.3, generator: &masks)
        }
        let (gradients, dStart) = model.backward(run(model, start))

        let names = model.namedParameters.map(\.name)
        var variables = zip(model.namedParameters, gradients.namedParameters).map { p, g in
            GradientCheckVariable(name: p.name, value: p.value, analytic: g.value)
        }
        for l in 0..<L {
            variables.append(GradientCheckVariable(name: "h0.\(l)", value: start[l].h, analytic: dStart[l].h))
            if cell == .lstm { variables.append(GradientCheckVariable(name: "c0.\(l)", value: start[l].c, analytic: dStart[l].c)) }
        }
        let report = checkGradients(variables, maxEntriesPerVariable: 60, seed: 3) { values in
            var m = model
            let byName = Dictionary(uniqueKeysWithValues: zip(names, values))
            m.ends = m.ends.replacingParameters(with: CharModelEnds<Double>.parameterNames.map { byName[$0]! })
            for l in 0..<L {
                m.layers[l] = m.layers[l].replacingParameters(with: CharLayer<Double>.parameterNames.map { byName["layers.\(l).\($0)"]! })
            }
            var s = start
            var k = names.count
            for l in 0..<L {
                s[l].h = values[k]; k += 1
                if cell == .lstm { s[l].c = values[k]; k += 1 }
            }
            return run(m, s).loss
        }
        for row in report.rows {
            #expect(row.numericError < 1e-6, "\(cell) \(row.name): \(row.numericError) at \(row.worstEntry)\n\(report)")
        }
    }

    /// A text and the settings of a small, fast run.
    typealias SmallRun = (shape: CharModelShape, settings: CharTrainingSettings, training: [Int], validation: [Int], vocabulary: Vocabulary)
    static func smallRun(cell: CharCell = .lstm) -> SmallRun {
        let text = String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40)
        let vocabulary = Vocabulary(of: text)
        let ids = try! vocabulary.encode(text)
        let split = ids.count * 9 / 10
        let shape = CharModelShape(cell: cell, vocabularySize: vocabulary.size, embeddingSize: 6, hiddenSize: 12, layers: 2)
        let settings = CharTrainingSettings(seed: 5, batchSize: 4, unroll: 8, learningRate: 0.01, decay: 0.9, decayEvery: 5,
                                            clip: 1, dropout: 0.2, validationStreams: 2)
        return (shape, settings, Array(ids[..<split]), Array(ids[split...]), vocabulary)
    }

    func temporaryFile(_ name: String) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charmodel-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    /// 12 updates straight, against 5 updates, a checkpoint written and read back, and 7 more:
    /// every loss and every final weight the same, bit for bit.
    @Test(arguments: CharCell.allCases)
    func resumingEqualsAnUninterruptedRun(_ cell: CharCell) throws {
        let run = Self.smallRun(cell: cell)
        var straight = CharModelTrainer(shape: run.shape, settings: run.settings, trainingIDs: run.training, validationIDs: run.validation)
        let straightLosses = (0..<12).map { _ in straight.trainStep().loss }

        var first = CharModelTrainer(shape: run.shape, settings: run.settings, trainingIDs: run.training, validationIDs: run.validation)
        var resumedLosses = (0..<5).map { _ in first.trainStep().loss }
        first.measure()
        let url = temporaryFile("run.safetensors")
        try CharCheckpoint(first, vocabulary: run.vocabulary).write(to: url)
        let checkpoint = try CharCheckpoint.read(from: url)
        #expect(checkpoint.incompatibility(shape: run.shape, settings: run.settings, vocabulary: run.vocabulary, trainingIDs: run.training, validationIDs: run.validation) == nil)
        var resumed = checkpoint.trainer(trainingIDs: run.training, validationIDs: run.validation)
        #expect(resumed.update == 5 && resumed.history.count == 1)
        resumedLosses += (0..<7).map { _ in resumed.trainStep().loss }
        #expect(resumedLosses == straightLosses)
        #expect(resumed.model == straight.model)
        #expect(resumed.validationLoss() == straight.validationLoss())
    }

    /// A checkpoint written before any update resumes too (Adam has no moments yet).
    @Test func aCheckpointBeforeTheFirstUpdateResumes() throws {
        let run = Self.smallRun(cell: .gru)
        var straight = CharModelTrainer(shape: run.shape, settings: run.settings, trainingIDs: run.training, validationIDs: run.validation)
        let fresh = straight
        let url = temporaryFile("fresh.safetensors")
        try CharCheckpoint(fresh, vocabulary: run.vocabulary).write(to: url)
        var resumed = try CharCheckpoint.read(from: url).trainer(trainingIDs: run.training, validationIDs: run.validation)
        #expect((0..<3).map { _ in straight.trainStep().loss } == (0..<3).map { _ in resumed.trainStep().loss })
    }

    /// Truncated, corrupt, not a checkpoint, a wrong shape: each refused with one line that
    /// names the file; another vocabulary or cell is refused by `incompatibility`.
    @Test func badCheckpointsAreRefusedWithOneLine() throws {
        let run = Self.smallRun()
        var trainer = CharModelTrainer(shape: run.shape, settings: run.settings, trainingIDs: run.training, validationIDs: run.validation)
        trainer.trainStep()
        let url = temporaryFile("good.safetensors")
        try CharCheckpoint(trainer, vocabulary: run.vocabulary).write(to: url)
        let bytes = try Data(contentsOf: url)

        func refusal(_ data: Data) -> String? {
            let bad = url.deletingLastPathComponent().appendingPathComponent("bad.safetensors")
            try! data.write(to: bad)
            do { _ = try CharCheckpoint.read(from: bad); return nil } catch { return error.description }
        }
        var corrupt = bytes
        corrupt[10] = 0x7B                                                 // inside the JSON header
        corrupt[11] = 0x7B
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var other = try SafeTensors.read(from: url)
        other.tensors["layers.1.wH"] = SafeTensors.Tensor(name: "layers.1.wH", shape: [3, 3], floats: Array(repeating: 0, count: 9))
        let wrongShape = try SafeTensors.encode(Array(other.tensors.values), metadata: other.metadata)
        var notOurs = other
        notOurs.metadata["format"] = "something-else"
        let foreign = try SafeTensors.encode(Array(notOurs.tensors.values), metadata: notOurs.metadata)
        for (name, data) in [("truncated", bytes.prefix(bytes.count - 100)), ("corrupt", corrupt),
                             ("header only", bytes.prefix(8 + headerLength)), ("empty", Data()),
                             ("wrong shape", wrongShape), ("not ours", foreign)] {
            let message = refusal(Data(data))
            #expect(message != nil, "\(name) was accepted")
            #expect(message.map { !$0.contains("\n") && $0.contains("bad.safetensors") } == true, "\(name): \(message ?? "")")
        }
        #expect(refusal(Data(wrongShape))?.contains("layers.1.wH") == true)
        #expect(try CharCheckpoint.read(from: url).model == trainer.model)

        let checkpoint = try CharCheckpoint.read(from: url)
        var otherShape = run.shape
        otherShape.cell = .gru
        #expect(checkpoint.incompatibility(shape: otherShape, settings: run.settings, vocabulary: run.vocabulary, trainingIDs: run.training, validationIDs: run.validation)?.contains("lstm model, --cell says gru") == true)
        let otherVocabulary = Vocabulary(of: "abc")
        #expect(checkpoint.incompatibility(shape: run.shape, settings: run.settings, vocabulary: otherVocabulary, trainingIDs: run.training, validationIDs: run.validation)?.contains("vocabulary") == true)
        var otherSettings = run.settings
        otherSettings.unroll = 9
        #expect(checkpoint.incompatibility(shape: run.shape, settings: otherSettings, vocabulary: run.vocabulary, trainingIDs: run.training, validationIDs: run.validation) != nil)
        #expect(checkpoint.incompatibility(shape: run.shape, settings: run.settings, vocabulary: run.vocabulary,
                                           trainingIDs: run.training.reversed(), validationIDs: run.validation)?.contains("another text") == true)
    }

    /// Training lowers the validation loss on a repetitive text, and sampling by argmax
    /// after a prime writes characters of the vocabulary, the same for the same seed.
    @Test func trainingLearnsAndSamplingIsDeterministic() {
        let run = Self.smallRun(cell: .gru)
        var trainer = CharModelTrainer(shape: run.shape, settings: CharTrainingSettings(seed: 1, batchSize: 4, unroll: 8, learningRate: 0.02, decay: 1, decayEvery: 100, clip: 5, dropout: 0, validationStreams: 2),
                                       trainingIDs: run.training, validationIDs: run.validation)
        let before = trainer.validationLoss()
        for _ in 0..<150 { trainer.trainStep() }
        let after = trainer.validationLoss()
        #expect(after < before - 1, "validation \(before) → \(after)")
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let prime = try! run.vocabulary.encode("the ")
        let a = sample(trainer.model, prime: prime, count: 30, strategy: .temperature(1), using: &g1)
        let b = sample(trainer.model, prime: prime, count: 30, strategy: .temperature(1), using: &g2)
        #expect(a == b && a.allSatisfy { $0 < run.vocabulary.size })
    }
}
