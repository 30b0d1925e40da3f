import Foundation
import SafeTensors
import Testing
@testable import Unrolled

/// `Tools/load_checkpoint_torch.py` reads a chapter 12 checkpoint and reproduces the Swift
/// model's logits on a prime text to < 1e-5: by its numpy forward pass always, and through
/// torch.nn.LSTM / GRU / RNN when PyTorch is installed.
@Suite(.serialized,
       .enabled(if: Python.hasSafetensors, "needs python3 with numpy and safetensors: pip install numpy safetensors"))
struct CharModelPythonTests {
    static let script = DocumentedCommand.packageRoot.appendingPathComponent("Tools/load_checkpoint_torch.py").path
    static let hasTorch: Bool = (try? Python.run("import torch").status) == 0

    /// A briefly trained two-layer model of `cell`, its checkpoint, and its logits after
    /// every character of `prime` as the tool's --expect file.
    func prepare(_ cell: CharCell, prime: String) throws -> (checkpoint: String, expected: String) {
        let run = CharModelTests.smallRun(cell: cell)
        var trainer = CharModelTrainer(shape: run.shape, settings: run.settings, trainingIDs: run.training, validationIDs: run.validation)
        for _ in 0..<10 { trainer.trainStep() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ch12-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let checkpoint = folder.appendingPathComponent("model.safetensors")
        try CharCheckpoint(trainer, vocabulary: run.vocabulary).write(to: checkpoint)
        var state = trainer.model.zeroState(batchSize: 1)
        let rows = try run.vocabulary.encode(prime).map { trainer.model.step($0, state: &state) }
        let logits = Matrix(stacking: rows)                                  // (T, V)
        let expected = folder.appendingPathComponent("logits.safetensors")
        try SafeTensors.write([SafeTensors.Tensor(name: "logits", shape: [logits.rows, logits.columns], floats: logits.scalars)], to: expected)
        return (checkpoint.path, expected.path)
    }

    @Test(arguments: CharCell.allCases)
    func numpyForwardReproducesTheSwiftLogits(_ cell: CharCell) throws {
        let files = try prepare(cell, prime: "the lazy dog jumps")
        let result = try Python.run(file: Self.script, arguments: [files.checkpoint, "--prime", "the lazy dog jumps", "--expect", files.expected, "--numpy-only"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("numpy against Swift"), "\(result.output)")
    }

    @Test(.enabled(if: CharModelPythonTests.hasTorch, "PyTorch is not installed"), arguments: CharCell.allCases)
    func torchModulesReproduceTheSwiftLogits(_ cell: CharCell) throws {
        let files = try prepare(cell, prime: "the lazy dog jumps")
        let result = try Python.run(file: Self.script, arguments: [files.checkpoint, "--prime", "the lazy dog jumps", "--expect", files.expected])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("torch against Swift"), "\(result.output)")
    }

    @Test func badInputIsOneLine() throws {
        let files = try prepare(.gru, prime: "the")
        let unknown = try Python.run(file: Self.script, arguments: [files.checkpoint, "--prime", "XYZ", "--numpy-only"])
        #expect(unknown.status == 1 && unknown.output.contains("not in the vocabulary"), "\(unknown.output)")
        let foreign = try Python.run(file: Self.script, arguments: [files.expected, "--numpy-only"])
        #expect(foreign.status == 1 && foreign.output.contains("not a chapter 12 checkpoint"), "\(foreign.output)")
    }
}
