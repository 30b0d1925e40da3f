/// B sequences of T token ids, batch first: `self[b, t]` is the id at step t of
/// sequence b. A window of text for the RNN: the inputs are one `TokenBatch` and the
/// targets another, shifted by one character.
public struct TokenBatch: Equatable, Sendable {
    /// B, the number of sequences (streams) side by side.
    public let batchSize: Int
    /// T, the number of steps in each sequence.
    public let steps: Int
    /// The ids, sequence by sequence: `ids[b * steps + t]`.
    public let ids: [Int]

    /// A batch from its ids given sequence by sequence (B · T of them).
    public init(batchSize: Int, steps: Int, ids: [Int]) {
        precondition(batchSize > 0 && steps > 0, "a token batch needs B > 0 and T > 0, got (\(batchSize), \(steps))")
        precondition(ids.count == batchSize * steps, "a (\(batchSize), \(steps)) token batch needs \(batchSize * steps) ids, got \(ids.count)")
        self.batchSize = batchSize
        self.steps = steps
        self.ids = ids
    }

    /// A batch from one array of ids per sequence, all of the same length.
    public init(_ sequences: [[Int]]) {
        let steps = sequences.first?.count ?? 0
        for (b, sequence) in sequences.enumerated() {
            precondition(sequence.count == steps, "sequence \(b) has \(sequence.count) ids, sequence 0 has \(steps)")
        }
        self.init(batchSize: sequences.count, steps: steps, ids: sequences.flatMap { $0 })
    }

    /// The id at step t of sequence b.
    public subscript(b: Int, t: Int) -> Int { ids[b * steps + t] }

    /// The B ids at step t: the one-hot rows of x_t.
    public func step(_ t: Int) -> [Int] {
        precondition(t >= 0 && t < steps, "step \(t) outside 0..<\(steps)")
        return (0..<batchSize).map { ids[$0 * steps + t] }
    }

    /// All ids in time-major order, step 0's B ids first: row t·B + b of a (T·B, ·)
    /// matrix of per-step results stacked in time order belongs to `self[b, t]`.
    public var timeMajor: [Int] {
        if batchSize == 1 { return ids }                              // one sequence: the same order
        return [Int](unsafeUninitializedCapacity: ids.count) { out, initialised in
            for t in 0..<steps {
                for b in 0..<batchSize { out[t * batchSize + b] = ids[b * steps + t] }
            }
            initialised = ids.count
        }
    }

    /// The largest id plus one (the smallest vocabulary that holds every id).
    public var vocabularyBound: Int { (ids.max() ?? -1) + 1 }
}

/// The inputs x_1 … x_T of a window, for a batch of B sequences.
public enum RNNInputs<Scalar: KernelScalar>: Sendable {
    /// Token ids: x_t is the one-hot row of each id, so x_t · W_xh is a row of W_xh
    /// (looked up, not multiplied).
    case tokens(TokenBatch)
    /// Dense inputs: T matrices x_t of shape (B, D).
    case vectors([Matrix<Scalar>])

    /// T.
    public var steps: Int {
        switch self {
        case .tokens(let batch): return batch.steps
        case .vectors(let xs): return xs.count
        }
    }

    /// B.
    public var batchSize: Int {
        switch self {
        case .tokens(let batch): return batch.batchSize
        case .vectors(let xs): return xs.first?.rows ?? 0
        }
    }
}
