// The element-wise part of one LSTM step, forward and backward, each in one pass.
//
// Written as separate matrix operations, one step of chapter 10's LSTM made about twenty
// passes over (B, H) buffers and as many allocations; at H = 512 that was a fifth of the
// training time, the rest being the three matrix products. These two kernels do the same
// arithmetic in the same order (so the results are bit for bit those of the separate
// operations), row by row, reading the fused (B, 4H) blocks i | f | g | o where they lie.
//
// Layout: every (B, H) buffer is row-major with row stride H; the fused buffers `a` and
// `dA` are (B, 4H) with row stride 4H.

extension KernelScalar {
    /// Forward through one LSTM step after its product a = x W_x + b + h_{t−1} W_h:
    /// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f ⊙ c_{t−1} + i ⊙ g,
    /// tanhC = tanh(c), h = o ⊙ tanhC.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func lstmForwardStep(
        preactivations a: UnsafePointer<Self>, cellBefore cp: UnsafePointer<Self>,
        i: UnsafeMutablePointer<Self>, f: UnsafeMutablePointer<Self>, g: UnsafeMutablePointer<Self>, o: UnsafeMutablePointer<Self>,
        cell c: UnsafeMutablePointer<Self>, tanhCell tc: UnsafeMutablePointer<Self>, hidden h: UnsafeMutablePointer<Self>,
        rows: Int, hiddenSize H: Int
    ) {
        for row in 0..<rows {
            let ar = a + row * 4 * H, r = row * H
            Self.sigmoid(ar, into: i + r, count: H)                  // the vector kernels, per block
            Self.sigmoid(ar + H, into: f + r, count: H)
            Self.tanh(ar + 2 * H, into: g + r, count: H)
            Self.sigmoid(ar + 3 * H, into: o + r, count: H)
            for j in r..<(r + H) { c[j] = f[j] * cp[j] + i[j] * g[j] }
            Self.tanh(c + r, into: tc + r, count: H)
            for j in r..<(r + H) { h[j] = o[j] * tc[j] }
        }
    }

    /// Backward through one LSTM step, from dh = dhOutput + dhNext and dcNext (∂L/∂c_t
    /// through c_{t+1}): writes dA = [da_i da_f da_g da_o] and replaces dcNext by ∂L/∂c_{t−1}
    /// through c_t, dc ⊙ f.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func lstmBackwardStep(
        dhOutput: UnsafePointer<Self>, dhNext: UnsafePointer<Self>, dcNext: UnsafeMutablePointer<Self>,
        i: UnsafePointer<Self>, f: UnsafePointer<Self>, g: UnsafePointer<Self>, o: UnsafePointer<Self>,
        tanhCell tc: UnsafePointer<Self>, cellBefore cp: UnsafePointer<Self>,
        into dA: UnsafeMutablePointer<Self>, rows: Int, hiddenSize H: Int
    ) {
        for row in 0..<rows {
            let d = dA + row * 4 * H, r = row * H
            for j in 0..<H {
                let k = r + j
                let dh = dhOutput[k] + dhNext[k]
                let dO = dh * tc[k]                                   // do = dh ⊙ tanh(c)
                let dc = (1 - tc[k] * tc[k]) * (dh * o[k]) + dcNext[k]  // dh ⊙ o ⊙ (1 − tanh²c) + from c_{t+1}
                d[j] = i[k] * (1 - i[k]) * (dc * g[k])                // da_i
                d[H + j] = f[k] * (1 - f[k]) * (dc * cp[k])           // da_f
                d[2 * H + j] = (1 - g[k] * g[k]) * (dc * i[k])        // da_g
                d[3 * H + j] = o[k] * (1 - o[k]) * dO                 // da_o
                dcNext[k] = dc * f[k]                                 // to c_{t−1}
            }
        }
    }
}
