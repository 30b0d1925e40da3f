import Foundation

// Training chapter 12's character model: chapter 5's parallel streams with the state carried,
// Adam with a stepwise learning-rate decay, the gradient clipped by its global norm, and the
// validation loss on a held-out tail. Everything a run needs to continue exactly where it
// stopped is a stored property here, so a checkpoint of this value is a resumable run.

/// The settings of one training run, saved in every checkpoint: a resumed run must use the
/// same ones, or its losses would not be the uninterrupted run's.
public struct CharTrainingSettings: Equatable, Sendable, Codable {
    /// Seed of the initial weights and of every dropout mask.
    public var seed: UInt64
    /// B, the training streams, and T, the unroll length.
    public var batchSize: Int
    public var unroll: Int
    /// η₀; after every `decayEvery` updates the rate is multiplied by `decay`.
    public var learningRate: Double
    public var decay: Double
    public var decayEvery: Int
    /// The global-norm limit of the gradient.
    public var clip: Double
    /// The probability of zeroing each layer output in training.
    public var dropout: Double
    /// Streams the validation text is read in (state carried, no dropout).
    public var validationStreams: Int
    /// The threads an update runs on: nil for one; n > 1 cuts the B streams into n equal
    /// shards run side by side (ShardedTraining.swift). Their dropout masks and the order of
    /// the sums are the shards', so a run's numbers depend on n: a resumed run needs the same.
    public var threads: Int?

    public init(seed: UInt64, batchSize: Int, unroll: Int, learningRate: Double, decay: Double, decayEvery: Int,
                clip: Double, dropout: Double, validationStreams: Int = 16, threads: Int? = nil) {
        (self.seed, self.batchSize, self.unroll, self.learningRate, self.decay, self.decayEvery, self.clip, self.dropout, self.validationStreams) =
            (seed, batchSize, unroll, learningRate, decay, decayEvery, clip, dropout, validationStreams)
        self.threads = threads.flatMap { $0 > 1 ? $0 : nil }            // one thread is stored as none, as before threads existed
    }

    /// η at update t (counting from 1): η₀ · decay^⌊(t − 1) / decayEvery⌋.
    public func learningRate(atUpdate t: Int) -> Double {
        learningRate * Foundation.pow(decay, Double((t - 1) / decayEvery))
    }
}

/// One validation measurement.
public struct ValidationPoint: Equatable, Sendable, Codable {
    public var update: Int
    /// Mean cross-entropy per character, in nats.
    public var loss: Double
    /// The same in bits per character: nats / ln 2.
    public var bitsPerCharacter: Double { loss / Foundation.log(2) }

    public init(update: Int, loss: Double) { (self.update, self.loss) = (update, loss) }
}

/// A training run in progress: the model, the optimiser's state, how far it has read, and
/// the state carried from the last window.
public struct CharModelTrainer {
    public let settings: CharTrainingSettings
    public var model: CharModel<Float>
    /// One Adam per parameter group (the two ends, each layer), stepped together.
    public var endsOptimizer: Adam<Float>
    public var layerOptimizers: [Adam<Float>]
    /// Updates done so far; the next window is window number `update` of the streams.
    public var update: Int
    /// The state each layer ended the last window in, (B, H) each.
    public var carried: [RecurrentState<Float>]
    /// Every validation measurement so far, and the best loss among them.
    public var history: [ValidationPoint]
    public let trainingIDs: [Int]
    public let validationIDs: [Int]

    /// The fewest ids a text needs for B streams of T characters.
    public static func minimumLength(batchSize: Int, steps: Int) -> Int { TextStreams.minimumLength(batchSize: batchSize, steps: steps) }

    /// A fresh run.
    public init(shape: CharModelShape, settings: CharTrainingSettings, trainingIDs: [Int], validationIDs: [Int]) {
        var generator = SeededGenerator(seed: settings.seed)
        let model = CharModel<Float>(shape, using: &generator)
        self.init(settings: settings, model: model,
                  endsOptimizer: Adam(learningRate: Float(settings.learningRate)),
                  layerOptimizers: model.layers.map { _ in Adam(learningRate: Float(settings.learningRate)) },
                  update: 0, carried: model.zeroState(batchSize: settings.batchSize), history: [],
                  trainingIDs: trainingIDs, validationIDs: validationIDs)
    }

    /// A run from its parts: a fresh one, or one read back from a checkpoint.
    public init(settings: CharTrainingSettings, model: CharModel<Float>, endsOptimizer: Adam<Float>, layerOptimizers: [Adam<Float>],
                update: Int, carried: [RecurrentState<Float>], history: [ValidationPoint], trainingIDs: [Int], validationIDs: [Int]) {
        precondition(trainingIDs.count >= Self.minimumLength(batchSize: settings.batchSize, steps: settings.unroll),
                     "\(trainingIDs.count) training ids are too few for \(settings.batchSize) streams of \(settings.unroll)")
        precondition(validationIDs.count >= Self.minimumLength(batchSize: settings.validationStreams, steps: settings.unroll),
                     "\(validationIDs.count) validation ids are too few for \(settings.validationStreams) streams of \(settings.unroll)")
        (self.settings, self.model, self.endsOptimizer, self.layerOptimizers, self.update, self.carried, self.history) =
            (settings, model, endsOptimizer, layerOptimizers, update, carried, history)
        (self.trainingIDs, self.validationIDs) = (trainingIDs, validationIDs)
    }

    /// The lowest validation loss measured so far.
    public var bestValidation: Double? { history.map(\.loss).min() }

    /// Window k of the training streams (k counts from 0 and wraps at each epoch).
    func window(_ k: Int) -> TextWindow {
        let streams = TextStreams(ids: trainingIDs, batchSize: settings.batchSize, steps: settings.unroll)
        let T = settings.unroll
        var x: [Int] = [], y: [Int] = []
        let cursors = streams.cursors(window: k)
        for c in cursors {
            x.append(contentsOf: trainingIDs[c ..< c + T])
            y.append(contentsOf: trainingIDs[(c + 1) ..< (c + 1 + T)])
        }
        return TextWindow(inputs: TokenBatch(batchSize: settings.batchSize, steps: T, ids: x),
                          targets: TokenBatch(batchSize: settings.batchSize, steps: T, ids: y),
                          cursors: cursors, startsEpoch: k % streams.windowsPerEpoch == 0)
    }

    /// The generator of update t's dropout masks. Derived from the seed and t alone, so a
    /// resumed run draws the same masks without storing a generator's state.
    public static func dropoutGenerator(seed: UInt64, update t: Int) -> SeededGenerator {
        SeededGenerator(seed: seed ^ (UInt64(t) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// One update: the next window forward and backward, the gradient clipped, Adam at the
    /// decayed rate. Returns the window's mean loss and the gradient's norm before clipping.
    @discardableResult
    public mutating func trainStep() -> (loss: Double, gradientNorm: Double) {
        let w = window(update)
        update += 1
        if w.startsEpoch { carried = model.zeroState(batchSize: settings.batchSize) }
        let result: ShardResult
        if let threads = settings.threads {
            result = shardedPass(w, shards: threads)
        } else {
            var generator = Self.dropoutGenerator(seed: settings.seed, update: update)
            let pass = model.forward(w.inputs, targets: w.targets, from: carried, reduction: .mean,
                                     dropout: settings.dropout, generator: &generator)
            result = ShardResult(loss: pass.loss, gradients: model.backward(pass).gradients, end: pass.end)
        }
        var gradients = result.gradients
        let norm = gradients.clipByGlobalNorm(settings.clip)
        let η = Float(settings.learningRate(atUpdate: update))
        endsOptimizer.learningRate = η
        endsOptimizer.update(&model.ends, with: gradients.ends)
        for l in model.layers.indices {
            layerOptimizers[l].learningRate = η
            layerOptimizers[l].update(&model.layers[l], with: gradients.layers[l])
        }
        carried = result.end
        return (result.loss, norm)
    }

    /// The model's mean loss per character on the validation text, in nats: read as
    /// `validationStreams` streams with the state carried, no dropout.
    public func validationLoss() -> Double {
        Self.validationLoss(of: model, on: validationIDs, streams: settings.validationStreams, unroll: settings.unroll)
    }

    public static func validationLoss(of model: CharModel<Float>, on ids: [Int], streams B: Int, unroll T: Int) -> Double {
        var streams = TextStreams(ids: ids, batchSize: B, steps: T)
        var state = model.zeroState(batchSize: B)
        var unused = SeededGenerator(seed: 0)
        var total = 0.0
        for _ in 0..<streams.windowsPerEpoch {
            let w = streams.next()
            let pass = model.forward(w.inputs, targets: w.targets, from: state, reduction: .sum, generator: &unused)
            total += pass.loss
            state = pass.end
        }
        return total / Double(streams.windowsPerEpoch * B * T)
    }

    /// Measures the validation loss now and appends it to `history`; true if it is the best.
    @discardableResult
    public mutating func measure() -> Bool {
        let loss = validationLoss()
        let best = bestValidation.map { loss < $0 } ?? true
        history.append(ValidationPoint(update: update, loss: loss))
        return best
    }
}

/// Writes `count` characters with `model` after reading `prime` (ids): chapter 6's sampling
/// loop for the stacked model. Returns the ids written after the prime.
public func sample(_ model: CharModel<Float>, prime: [Int], count: Int, strategy: SamplingStrategy,
                   using generator: inout SeededGenerator) -> [Int] {
    precondition(!prime.isEmpty, "sampling needs at least one character to start from")
    var state = model.zeroState(batchSize: 1)
    var logits = Matrix<Float>.zeros(1, model.shape.vocabularySize)
    for id in prime { logits = model.step(id, state: &state) }
    var written: [Int] = []
    for _ in 0..<count {
        let id = nextCharacter(logits, strategy: strategy, using: &generator)
        written.append(id)
        logits = model.step(id, state: &state)
    }
    return written
}
