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
