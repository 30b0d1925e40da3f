import Testing
@testable import Unrolled

/// Appendix A's library cells: the FLOP count of a training step and the in-place tanh of
/// the allocation-free time loop.
@Suite struct MakingItFastTests {
    /// Counted by hand, product by product, for one character: forward h·W_h (1, H)·(H, kH)
    /// and h·W_hy (1, H)·(H, V); backward dA·W_hᵀ (1, kH)·(kH, H) and dy·W_hyᵀ (1, V)·(V, H);
    /// the weight gradients hᵀ·dA (H, 1)·(1, kH) and hᵀ·dy (H, 1)·(1, V). 2·m·k·n each.
    @Test func flopCountMatchesAHandCount() {
        func byHand(k: Int, H: Int, V: Int) -> Int {
            let forward = 2 * 1 * H * (k * H) + 2 * 1 * H * V
            let backward = 2 * 1 * (k * H) * H + 2 * 1 * V * H
            let weightGradients = 2 * H * 1 * (k * H) + 2 * H * 1 * V
            return forward + backward + weightGradients
        }
        #expect(matrixFLOPsPerCharacter(cell: .rnn, hiddenSize: 100, vocabularySize: 65) == 99_000)  // min-char-rnn
        #expect(matrixFLOPsPerCharacter(cell: .lstm, hiddenSize: 512, vocabularySize: 65) == 6_491_136)
        #expect(matrixFLOPsPerCharacter(cell: .gru, hiddenSize: 2, vocabularySize: 3) == 108)        // 18·4 + 6·6
        for cell in CharCell.allCases {
            for (H, V) in [(1, 1), (7, 3), (128, 65), (512, 171)] {
                #expect(matrixFLOPsPerCharacter(cell: cell, hiddenSize: H, vocabularySize: V) == byHand(k: cell.blocks, H: H, V: V))
            }
        }
    }

    /// With an embedding and stacked layers every weight that multiplies is used three times
    /// per character (forward, gradient sent back, its own gradient), 2 FLOPs each: six times
    /// the input matrices of every layer (E or H rows), the recurrent ones and W_hy.
    /// By hand for a two-layer GRU, E = 2, H = 2, V = 3: 6 · (2·6 + 2·2·6 + 2·6 + 2·3) = 324.
    @Test func flopCountWithEmbeddingAndLayersIsSixPerMultiplyingWeight() {
        #expect(matrixFLOPsPerCharacter(cell: .gru, hiddenSize: 2, vocabularySize: 3, embeddingSize: 2, layers: 2) == 324)
        for cell in CharCell.allCases {
            for (E, H, V, L) in [(1, 1, 1, 1), (5, 7, 3, 2), (64, 128, 65, 2), (16, 64, 28, 3)] {
                let kH = cell.blocks * H
                let multiplyingWeights = E * kH + (L - 1) * H * kH + L * H * kH + H * V
                #expect(matrixFLOPsPerCharacter(cell: cell, hiddenSize: H, vocabularySize: V, embeddingSize: E, layers: L) == 6 * multiplyingWeights)
            }
            // A one-hot input is a row lookup, not a product: only layers 2 … L multiply an input.
            let kH = cell.blocks * 9
            #expect(matrixFLOPsPerCharacter(cell: cell, hiddenSize: 9, vocabularySize: 4, layers: 3) == 6 * (2 * 9 * kH + 3 * 9 * kH + 9 * 4))
        }
    }

    /// setTanh writes exactly tanh of the named rows, where they lie, and leaves the others.
    @Test func inPlaceTanhOfRowsEqualsTanhOfThoseRows() {
        var generator = SeededGenerator(seed: 3)
        let z = Matrix<Float>(rows: 6, columns: 5, uniformIn: -3, 3, using: &generator)
        var h = Matrix<Float>(rows: 6, columns: 5, repeating: 7)
        h.setTanh(rows: 2..<4, of: z)
        #expect(h.rows(2..<4) == tanh(z.rows(2..<4)))
        #expect(h.rows(0..<2).scalars.allSatisfy { $0 == 7 } && h.rows(4..<6).scalars.allSatisfy { $0 == 7 })
        h.setTanh(rows: 0..<6, of: z)
        #expect(h == tanh(z))
    }
}
