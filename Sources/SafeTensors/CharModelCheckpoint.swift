import Foundation
import Unrolled

// Chapter 12's checkpoints: a training run (`CharModelTrainer`) as one safetensors file.
//
// Tensors (float32): the model's parameters under their own names (`embedding`, `wHY`, `bY`,
// `layers.0.wX`, …), Adam's moments (`adam.m.<name>`, `adam.v.<name>`) and the state carried
// into the next window (`carried.<l>.h`, `carried.<l>.c`). Metadata (strings): the format,
// the shape and training settings as JSON, the vocabulary as JSON code points, the update
// count, Adam's step, and the validation history. The dropout masks of update t come from
// (seed, t) alone, so the seed and the update count are the whole random state.

/// A checkpoint that cannot be used, said in one line that names the file.
public struct CharCheckpointError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a checkpoint holds.
public struct CharCheckpoint {
    public static let format = "unrolled-char-model-1"

    public var shape: CharModelShape
    public var settings: CharTrainingSettings
    public var vocabulary: Vocabulary
    public var model: CharModel<Float>
    public var update: Int
    public var adamStep: Int
    /// m and v per parameter, in `model.namedParameters` order.
    public var firstMoments: [Matrix<Float>]
    public var secondMoments: [Matrix<Float>]
    public var carried: [RecurrentState<Float>]
    public var history: [ValidationPoint]
    /// FNV-1a of the training and validation ids: a resumed run must read the same text.
    public var textFingerprint: String

    /// The fingerprint of a run's text, as hex.
    public static func fingerprint(trainingIDs: [Int], validationIDs: [Int]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for id in trainingIDs + [-1] + validationIDs {
            hash = (hash ^ UInt64(bitPattern: Int64(id))) &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    /// The checkpoint of a run in progress.
    public init(_ trainer: CharModelTrainer, vocabulary: Vocabulary) {
        shape = trainer.model.shape
        settings = trainer.settings
        self.vocabulary = vocabulary
        model = trainer.model
        update = trainer.update
        let optimizers = [trainer.endsOptimizer] + trainer.layerOptimizers
        adamStep = trainer.endsOptimizer.step
        // Before the first update Adam has no moments yet: zeros are what it starts from.
        firstMoments = optimizers.enumerated().flatMap { i, adam in
            adam.firstMoments.isEmpty ? Self.zeros(of: trainer.model, group: i) : adam.firstMoments
        }
        secondMoments = optimizers.enumerated().flatMap { i, adam in
            adam.secondMoments.isEmpty ? Self.zeros(of: trainer.model, group: i) : adam.secondMoments
        }
        carried = trainer.carried
        history = trainer.history
        textFingerprint = Self.fingerprint(trainingIDs: trainer.trainingIDs, validationIDs: trainer.validationIDs)
    }

    private static func zeros(of model: CharModel<Float>, group: Int) -> [Matrix<Float>] {
        let parameters = group == 0 ? model.ends.parameters : model.layers[group - 1].parameters
        return parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
    }

    /// The run this checkpoint stopped, continued on `trainingIDs` and `validationIDs`.
    public func trainer(trainingIDs: [Int], validationIDs: [Int]) -> CharModelTrainer {
        let η = Float(settings.learningRate(atUpdate: max(update, 1)))
        let groups = [model.ends.parameters.count] + model.layers.map { $0.parameters.count }
        var optimizers: [Adam<Float>] = []
        var start = 0
        for count in groups {
            let m = Array(firstMoments[start..<(start + count)]), v = Array(secondMoments[start..<(start + count)])
            optimizers.append(adamStep == 0 ? Adam(learningRate: η)
                                            : Adam(learningRate: η, step: adamStep, firstMoments: m, secondMoments: v))
            start += count
        }
        return CharModelTrainer(settings: settings, model: model, endsOptimizer: optimizers[0],
                                layerOptimizers: Array(optimizers.dropFirst()), update: update, carried: carried,
                                history: history, trainingIDs: trainingIDs, validationIDs: validationIDs)
    }

    // MARK: Writing

    /// Writes the checkpoint to `url` atomically (temporary file, then rename).
    public func write(to url: URL) throws(CharCheckpointError) {
        var tensors: [SafeTensors.Tensor] = []
        func add(_ name: String, _ m: Matrix<Float>) {
            tensors.append(SafeTensors.Tensor(name: name, shape: [m.rows, m.columns], floats: m.scalars))
        }
        let names = model.namedParameters
        for (name, value) in names { add(name, value) }
        for ((name, _), (m, v)) in zip(names, zip(firstMoments, secondMoments)) {
            add("adam.m.\(name)", m)
            add("adam.v.\(name)", v)
        }
        for (l, state) in carried.enumerated() {
            add("carried.\(l).h", state.h)
            add("carried.\(l).c", state.c)
        }
        let metadata: [String: String] = [
            "format": Self.format,
            "shape": Self.json(shape),
            "settings": Self.json(settings),
            "vocabulary": Self.json(vocabulary.symbols.map(\.value)),
            "update": String(update),
            "adamStep": String(adamStep),
            "history": Self.json(history),
            "text": textFingerprint,
        ]
        do {
            try SafeTensors.write(tensors, metadata: metadata, to: url)
        } catch {
            throw CharCheckpointError("cannot write checkpoint \(url.relativePath): \(error.problem)")
        }
    }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(value), as: UTF8.self)  // plain structs always encode
    }

    // MARK: Reading

    /// Reads and checks a checkpoint: the format, every JSON field, every tensor's presence,
    /// dtype and shape against the stored configuration.
    public static func read(from url: URL) throws(CharCheckpointError) -> CharCheckpoint {
        let file: SafeTensorsFile
        do {
            file = try SafeTensors.read(from: url)
        } catch {
            throw CharCheckpointError("\(url.relativePath): not a usable checkpoint: \(error.problem)")
        }
        let where_ = url.relativePath
        func field<T: Decodable>(_ key: String, as type: T.Type) throws(CharCheckpointError) -> T {
            guard let text = file.metadata[key] else {
                throw CharCheckpointError("\(where_): not a chapter 12 checkpoint (no \"\(key)\" in its metadata)")
            }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw CharCheckpointError("\(where_): the checkpoint's \"\(key)\" cannot be read")
            }
        }
        guard file.metadata["format"] == format else {
            throw CharCheckpointError("\(where_): not a chapter 12 checkpoint (format \(file.metadata["format"] ?? "missing"), expected \(format))")
        }
        let shape = try field("shape", as: CharModelShape.self)
        let settings = try field("settings", as: CharTrainingSettings.self)
        let codes = try field("vocabulary", as: [UInt32].self)
        let update = try field("update", as: Int.self)
        let adamStep = try field("adamStep", as: Int.self)
        let history = try field("history", as: [ValidationPoint].self)
        guard let textFingerprint = file.metadata["text"] else {
            throw CharCheckpointError("\(where_): not a chapter 12 checkpoint (no \"text\" in its metadata)")
        }
        let symbols = codes.compactMap(Unicode.Scalar.init)
        let vocabulary = Vocabulary(symbols: symbols)
        guard symbols.count == codes.count, vocabulary.size == shape.vocabularySize,
              shape.vocabularySize > 0, shape.embeddingSize > 0, shape.hiddenSize > 0, shape.layers > 0,
              update >= 0, adamStep >= 0 else {
            throw CharCheckpointError("\(where_): the checkpoint's configuration is inconsistent (V = \(shape.vocabularySize), \(codes.count) vocabulary entries)")
        }

        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws(CharCheckpointError) -> Matrix<Float> {
            do {
                let tensor = try file.tensor(named: name, shape: [rows, columns])
                return Matrix(rows: rows, columns: columns, scalars: try tensor.floats)  // F32 only
            } catch {
                throw CharCheckpointError("\(where_): \(error.problem)")
            }
        }
        // A fresh model of the stored shape gives every parameter's name and expected size.
        var generator = SeededGenerator(seed: 0)
        var model = CharModel<Float>(shape, using: &generator)
        var values: [String: Matrix<Float>] = [:]
        var firstMoments: [Matrix<Float>] = [], secondMoments: [Matrix<Float>] = []
        for (name, template) in model.namedParameters {
            values[name] = try matrix(name, template.rows, template.columns)
            firstMoments.append(try matrix("adam.m.\(name)", template.rows, template.columns))
            secondMoments.append(try matrix("adam.v.\(name)", template.rows, template.columns))
        }
        model.ends = model.ends.replacingParameters(with: CharModelEnds<Float>.parameterNames.map { values[$0]! })
        for l in model.layers.indices {
            model.layers[l] = model.layers[l].replacingParameters(with: CharLayer<Float>.parameterNames.map { values["layers.\(l).\($0)"]! })
        }
        var carried: [RecurrentState<Float>] = []
        for l in 0..<shape.layers {
            carried.append(RecurrentState(h: try matrix("carried.\(l).h", settings.batchSize, shape.hiddenSize),
                                          c: try matrix("carried.\(l).c", settings.batchSize, shape.hiddenSize)))
        }
        return CharCheckpoint(shape: shape, settings: settings, vocabulary: vocabulary, model: model, update: update,
                              adamStep: adamStep, firstMoments: firstMoments, secondMoments: secondMoments,
                              carried: carried, history: history, textFingerprint: textFingerprint)
    }

    private init(shape: CharModelShape, settings: CharTrainingSettings, vocabulary: Vocabulary, model: CharModel<Float>,
                 update: Int, adamStep: Int, firstMoments: [Matrix<Float>], secondMoments: [Matrix<Float>],
                 carried: [RecurrentState<Float>], history: [ValidationPoint], textFingerprint: String) {
        (self.shape, self.settings, self.vocabulary, self.model, self.update, self.adamStep) =
            (shape, settings, vocabulary, model, update, adamStep)
        (self.firstMoments, self.secondMoments, self.carried, self.history) = (firstMoments, secondMoments, carried, history)
        self.textFingerprint = textFingerprint
    }

    /// Why this checkpoint cannot continue a run of `shape` and `settings` on a text with
    /// `vocabulary` split into `trainingIDs` and `validationIDs`, or nil when it can.
    public func incompatibility(shape other: CharModelShape, settings otherSettings: CharTrainingSettings,
                                vocabulary otherVocabulary: Vocabulary, trainingIDs: [Int], validationIDs: [Int]) -> String? {
        if vocabulary != otherVocabulary {
            return "the checkpoint's vocabulary (V = \(vocabulary.size)) is not this text's (V = \(otherVocabulary.size)): it was trained on another text"
        }
        if shape.cell != other.cell { return "the checkpoint is a \(shape.cell.rawValue) model, --cell says \(other.cell.rawValue)" }
        if shape != other {
            return "the checkpoint's model is E = \(shape.embeddingSize), H = \(shape.hiddenSize), L = \(shape.layers); the options say E = \(other.embeddingSize), H = \(other.hiddenSize), L = \(other.layers)"
        }
        if settings != otherSettings {
            return "the checkpoint was trained with other settings (\(Self.json(settings))); resume with the same options"
        }
        if textFingerprint != Self.fingerprint(trainingIDs: trainingIDs, validationIDs: validationIDs) {
            return "the checkpoint was trained on another text with the same characters (or another --validation-characters)"
        }
        return nil
    }
}
