import CAllocator
import Foundation
import Testing
import SafeTensors
@testable import Unrolled

/// Chapter 12's training on several threads: the window's streams cut into shards, each
/// run on its own thread, their gradients averaged (Sources/Unrolled/ShardedTraining.swift).
@Suite struct ShardedTrainingTests {
    /// The small run of CharModelTests with `threads` and `dropout` set.
    static func run(cell: CharCell, threads: Int?, dropout: Double) -> (trainer: CharModelTrainer, run: CharModelTests.SmallRun) {
        let run = CharModelTests.smallRun(cell: cell)
        var settings = run.settings
        settings.dropout = dropout
        settings.threads = threads
        return (CharModelTrainer(shape: run.shape, settings: settings, trainingIDs: run.training, validationIDs: run.validation), run)
    }

    /// ‖a − b‖ / ‖b‖ over one parameter's entries.
    func relativeDistance(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Double {
        var difference = 0.0, size = 0.0
        for i in 0..<a.count {
            difference += Double(a.scalars[i] - b.scalars[i]) * Double(a.scalars[i] - b.scalars[i])
            size += Double(b.scalars[i]) * Double(b.scalars[i])
        }
        return (difference / max(size, 1e-30)).squareRoot()
    }

    /// Without dropout the shards see the same mathematics as the whole window: the mean of
    /// their losses and gradients is the whole window's, up to Float's rounding of the sums,
    /// and the state every stream ends in is the same.
    @Test(arguments: CharCell.allCases)
    func theShardsMeanIsTheWholeWindowsGradient(_ cell: CharCell) {
        let (whole, _) = Self.run(cell: cell, threads: nil, dropout: 0)
        var trainer = whole
        trainer.update = 3                                                     // a window with the state carried in
        for _ in 0..<2 { trainer.trainStep() }
        let w = trainer.window(trainer.update)
        var generator = CharModelTrainer.dropoutGenerator(seed: trainer.settings.seed, update: trainer.update + 1)
        let pass = trainer.model.forward(w.inputs, targets: w.targets, from: trainer.carried, reduction: .mean, generator: &generator)
        let gradients = trainer.model.backward(pass).gradients
        for shards in [2, 4] {                                                 // B = 4: two streams each, and one
            let sharded = trainer.shardedPass(w, shards: shards)
            #expect(abs(sharded.loss - pass.loss) < 1e-6 * pass.loss)
            for (mine, theirs) in zip(sharded.gradients.namedParameters, gradients.namedParameters) {
                #expect(relativeDistance(mine.value, theirs.value) < 1e-5, "\(mine.name) with \(shards) shards")
            }
            for (mine, theirs) in zip(sharded.end, pass.end) {
                #expect(relativeDistance(mine.h, theirs.h) < 1e-6 && relativeDistance(mine.c, theirs.c) < 1e-6)
            }
        }
    }

    /// Threads finish in any order, yet two runs with dropout give the same losses and the
    /// same weights, bit for bit: the masks come from the seed and the sums are made in
    /// shard order.
    @Test func aShardedRunRepeatsExactly() {
        var a = Self.run(cell: .lstm, threads: 2, dropout: 0.2).trainer
        var b = Self.run(cell: .lstm, threads: 2, dropout: 0.2).trainer
        let lossesA = (0..<8).map { _ in a.trainStep().loss }
        let lossesB = (0..<8).map { _ in b.trainStep().loss }
        #expect(lossesA == lossesB)
        #expect(a.model == b.model && a.carried == b.carried)
        let single = Self.run(cell: .lstm, threads: nil, dropout: 0.2).trainer
        var c = single
        let lossesC = (0..<8).map { _ in c.trainStep().loss }
        #expect(lossesC != lossesA, "the shards draw their own dropout masks")
    }

    /// A sharded run resumed from a checkpoint continues as if it had never stopped, and a
    /// checkpoint records the thread count, so resuming with another is refused.
    @Test func aShardedRunResumesExactly() throws {
        let (fresh, run) = Self.run(cell: .gru, threads: 2, dropout: 0.2)
        var straight = fresh
        let straightLosses = (0..<9).map { _ in straight.trainStep().loss }
        var first = fresh
        var losses = (0..<4).map { _ in first.trainStep().loss }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try CharCheckpoint(first, vocabulary: run.vocabulary).write(to: url)
        let checkpoint = try CharCheckpoint.read(from: url)
        #expect(checkpoint.settings.threads == 2)
        var oneThread = fresh.settings
        oneThread.threads = nil
        #expect(checkpoint.incompatibility(shape: run.shape, settings: oneThread, vocabulary: run.vocabulary,
                                           trainingIDs: run.training, validationIDs: run.validation) != nil)
        var resumed = checkpoint.trainer(trainingIDs: run.training, validationIDs: run.validation)
        losses += (0..<5).map { _ in resumed.trainStep().loss }
        #expect(losses == straightLosses)
        #expect(resumed.model == straight.model)
    }

    /// On glibc both allocator settings are taken (a C file that tests `__GLIBC__` before
    /// including a C library header would silently do nothing); elsewhere they do nothing.
    @Test func theAllocatorTakesTheSettingsOnGlibc() {
        #if os(Linux)
        #expect(allocator_keep_large_freed_blocks() == 1)
        #expect(allocator_share_one_arena() == 1)
        #else
        #expect(allocator_keep_large_freed_blocks() == 0)
        #endif
    }

    /// One thread is stored as none, so the settings (and every checkpoint's metadata) of a
    /// one-thread run are what they were before threads existed.
    @Test func oneThreadIsTheUnshardedRun() throws {
        let settings = CharTrainingSettings(seed: 1, batchSize: 4, unroll: 8, learningRate: 0.01, decay: 1, decayEvery: 1,
                                            clip: 1, dropout: 0, threads: 1)
        #expect(settings.threads == nil)
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        #expect(!json.contains("threads"))
    }
}
