import CAllocator
import Foundation

// One update on several cores. Every matrix product in the book runs on one BLAS thread, so
// that a run's numbers are the same each time; a long run on a machine with more cores can
// instead cut each window's B streams into equal shards and run them side by side. Each
// shard goes forward and backward on its own streams (its own rows of the carried state,
// its own dropout masks), and the update uses the mean of the shards' gradients: with the
// loss a mean over the window, that is the whole window's gradient. The numbers are then a
// function of the shard count, not of the threads' timing: the masks are drawn per shard
// from the seed, and the shards' gradients are added in shard order after all have finished.

/// What one shard's forward and backward pass hands back.
struct ShardResult {
    let loss: Double
    let gradients: CharModel<Float>
    let end: [RecurrentState<Float>]
}

extension RecurrentState where Scalar == Float {
    /// Rows `streams` of h and c: the state of those streams alone.
    func rows(_ streams: Range<Int>) -> RecurrentState {
        RecurrentState(h: h.rows(streams), c: c.rows(streams))
    }

    /// The shards' states one under the other, in order: the state of all their streams.
    init(joining shards: [RecurrentState]) {
        self.init(h: Matrix(stacking: shards.map(\.h)), c: Matrix(stacking: shards.map(\.c)))
    }
}

extension TokenBatch {
    /// Sequences `streams` of the batch (the ids are stored sequence by sequence).
    func sequences(_ streams: Range<Int>) -> TokenBatch {
        TokenBatch(batchSize: streams.count, steps: steps, ids: Array(ids[streams.lowerBound * steps ..< streams.upperBound * steps]))
    }
}

/// Holds each shard's result as its thread finishes; read once all have.
private final class ShardResults: @unchecked Sendable {  // `slots` only under `lock`
    private let lock = NSLock()
    private var slots: [ShardResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ result: ShardResult, at i: Int) { lock.withLock { slots[i] = result } }
    var all: [ShardResult] { lock.withLock { slots.map { $0! } } }
}

/// glibc gives each thread an arena of its own, a mapping it shrinks after frees; every
/// window's (T·B, 4H) temporaries then fault their pages in again, and page faults of two
/// threads of one process wait for each other. Measured at H = 384, B = 32 on two cores:
/// 1.40× one thread's speed as it is, 1.79× with the large blocks kept in one heap for
/// reuse (system time 2.4 s → 0.3 s per 100 updates).
private enum Allocator {
    /// Whether the C allocator took the settings (false off glibc, where there are none);
    /// made once per process, before the first sharded pass.
    static let keepsLargeBlocksInHeap: Bool = allocator_keep_large_freed_blocks() == 1 && allocator_share_one_arena() == 1
}

extension CharModelTrainer {
    /// The generator of shard `shard`'s dropout masks at update t: from the seed, t and the
    /// shard alone, as `dropoutGenerator(seed:update:)` is for the unsharded run.
    static func dropoutGenerator(seed: UInt64, update t: Int, shard: Int) -> SeededGenerator {
        dropoutGenerator(seed: seed ^ (UInt64(shard + 1) &* 0xBF58_476D_1CE4_E5B9), update: t)
    }

    /// Window `w` forward and backward in `shards` equal parts of its streams, on as many
    /// threads: the mean loss, the mean gradient, and the state every stream ends in.
    func shardedPass(_ w: TextWindow, shards n: Int) -> ShardResult {
        let B = settings.batchSize
        precondition(n > 1 && B % n == 0, "\(B) streams cannot be cut into \(n) equal shards")
        let perShard = B / n
        _ = Allocator.keepsLargeBlocksInHeap
        let (model, carried, settings, update) = (self.model, self.carried, self.settings, self.update)
        let results = ShardResults(count: n)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let streams = i * perShard ..< (i + 1) * perShard
            var generator = Self.dropoutGenerator(seed: settings.seed, update: update, shard: i)
            let pass = model.forward(w.inputs.sequences(streams), targets: w.targets.sequences(streams),
                                     from: carried.map { $0.rows(streams) }, reduction: .mean,
                                     dropout: settings.dropout, generator: &generator)
            results.store(ShardResult(loss: pass.loss, gradients: model.backward(pass).gradients, end: pass.end), at: i)
        }
        // Added in shard order whichever thread finished first, so a run repeats exactly.
        let shards = results.all
        var loss = 0.0
        var gradients = shards[0].gradients
        for shard in shards { loss += shard.loss }
        let add: (CharModel<Float>) -> Void = { other in
            gradients.ends.forEachParameter(pairedWith: other.ends) { _, g, h in g += h }
            for l in gradients.layers.indices {
                gradients.layers[l].forEachParameter(pairedWith: other.layers[l]) { _, g, h in g += h }
            }
        }
        for shard in shards.dropFirst() { add(shard.gradients) }
        let mean = Float(1) / Float(n)
        let scale: (Int, inout Matrix<Float>) -> Void = { _, g in
            let count = g.count
            g.withMutablePointer { p in Float.scale(p, by: mean, into: p, count: count) }
        }
        gradients.ends.forEachParameter(scale)
        for l in gradients.layers.indices { gradients.layers[l].forEachParameter(scale) }
        let end = (0..<model.layers.count).map { l in RecurrentState(joining: shards.map { $0.end[l] }) }
        return ShardResult(loss: loss / Double(n), gradients: gradients, end: end)
    }
}
