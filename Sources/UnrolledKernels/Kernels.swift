// The element-wise loops, written once for both scalar types.
//
// Every kernel is a requirement of `KernelScalar` with its implementation in the
// extension below, marked `@_specialize(where Self == Float)` and `(where Self == Double)`
// so that each type gets its own specialised, optimised copy. That is deliberate: a call
// from generic code (`Matrix<Scalar>` in a debug build) goes through the witness table to
// the version specialised for `Float` or `Double` and optimised here; an extension method
// that is not a requirement would run its unspecialised generic body instead, at a
// fraction of the speed.
//
// The conformances are declared here, in the same file as the implementations, because
// the compiler specialises a generic body for Float and Double only where it can see it.
//
// Conventions: matrices are row-major; `rows`, `columns` describe the buffer; counts are
// in elements. No kernel allocates.

extension Float: KernelScalar {}
extension Double: KernelScalar {}

extension KernelScalar {
    // MARK: Copies (generic code outside this module would copy element by element through
    // value witnesses; these are plain loops the optimiser turns into memcpy and memset)

    /// r[i] = a[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func copy(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        r.update(from: a, count: count)
    }

    /// r[i] = value, for r's `count` uninitialised or initialised entries.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func fill(_ r: UnsafeMutablePointer<Self>, with value: Self, count: Int) {
        for i in 0..<count { r[i] = value }
    }

    // MARK: Element-wise arithmetic

    /// r[i] = a[i] + b[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] + b[i] }
    }

    /// r[i] = a[i] − b[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func subtract(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] - b[i] }
    }

    /// r[i] = a[i] · b[i]  (the Hadamard product)
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func multiply(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] * b[i] }
    }

    /// r[i] = a[i] / b[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func divide(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] / b[i] }
    }

    /// r[i] = a[i] + s
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func add(_ s: Self, to a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] + s }
    }

    /// r[i] = √a[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func squareRoot(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i].squareRoot() }
    }

    /// r[i] = s · a[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func scale(_ a: UnsafePointer<Self>, by s: Self, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = s * a[i] }
    }

    /// r[i] += s · a[i]  (BLAS calls this axpy)
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func addScaled(_ a: UnsafePointer<Self>, by s: Self, to r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] += s * a[i] }
    }

    /// m[i, j] += v[j] for every row i: a bias row broadcast over a batch.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func addRowVector(_ v: UnsafePointer<Self>, to m: UnsafeMutablePointer<Self>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let row = m + i * columns
            for j in 0..<columns { row[j] += v[j] }
        }
    }

    /// r[j] += Σᵢ a[i, j]: the gradient of a bias that was broadcast over rows.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func addColumnSums(_ a: UnsafePointer<Self>, rows: Int, columns: Int, to r: UnsafeMutablePointer<Self>) {
        for i in 0..<rows {
            let row = a + i * columns
            for j in 0..<columns { r[j] += row[j] }
        }
    }

    // MARK: Non-linearities

    /// r[i] = tanh(a[i])
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func tanh(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = Self.tanh(a[i]) }
    }

    /// r[i] = (1 − h[i]²) · dh[i]: back through h = tanh(z), given h rather than z.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func tanhBackward(output h: UnsafePointer<Self>, gradient dh: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = (1 - h[i] * h[i]) * dh[i] }
    }

    /// r[i] = σ(a[i]) = 1 / (1 + exp(−a[i])), the gates of the GRU and the LSTM. For very
    /// negative a, exp(−a) overflows to +∞ and r is 0, as it should be.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func sigmoid(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = 1 / (1 + Self.exp(-a[i])) }
    }

    /// r[i] = s[i]·(1 − s[i]) · ds[i]: back through s = σ(a), given s rather than a.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func sigmoidBackward(output s: UnsafePointer<Self>, gradient ds: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = s[i] * (1 - s[i]) * ds[i] }
    }

    /// r[i] = max(0, a[i])
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func relu(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = a[i] > 0 ? a[i] : 0 }     // a select, which vectorises
    }

    /// r[i] = dh[i] where h[i] > 0, else 0: back through h = max(0, z), given h rather than z.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func reluBackward(output h: UnsafePointer<Self>, gradient dh: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { r[i] = h[i] > 0 ? dh[i] : 0 }
    }

    /// Each row of r is softmax of the same row of x, computed stably:
    /// pⱼ = exp(xⱼ − m) / Σₖ exp(xₖ − m) with m = maxₖ xₖ, so no exp overflows.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func softmaxRows(_ x: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let xi = x + i * columns, ri = r + i * columns
            var m = xi[0]
            for j in 1..<columns where xi[j] > m { m = xi[j] }
            var total: Self = 0
            for j in 0..<columns {
                let e = Self.exp(xi[j] - m)
                ri[j] = e
                total += e
            }
            let inverse = 1 / total
            for j in 0..<columns { ri[j] *= inverse }
        }
    }

    /// Each row of r is log-softmax of the same row of x: xⱼ − m − log Σₖ exp(xₖ − m).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func logSoftmaxRows(_ x: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let xi = x + i * columns, ri = r + i * columns
            var m = xi[0]
            for j in 1..<columns where xi[j] > m { m = xi[j] }
            var total: Self = 0
            for j in 0..<columns { total += Self.exp(xi[j] - m) }
            let logTotal = m + Self.log(total)
            for j in 0..<columns { ri[j] = xi[j] - logTotal }
        }
    }

    /// Σᵢ −log p[i, targets[i]]: the cross-entropy of rows of probabilities, summed over rows.
    /// Accumulated in Double. Every target must lie in 0..<columns (the caller checks).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func crossEntropySum(probabilities p: UnsafePointer<Self>, targets: UnsafePointer<Int>, rows: Int, columns: Int) -> Double {
        var loss = 0.0
        for i in 0..<rows { loss -= Double(Self.log(p[i * columns + targets[i]])) }
        return loss
    }

    /// Σᵢ −log softmax(z)[i, targets[i]], from the logits: for each row, with m = maxₖ zₖ,
    /// log Σₖ exp(zₖ − m) − (z_target − m). Nothing here can round to 0 and be logged: in
    /// Float a target probability below ~1e-45 would, and −log 0 = +∞. Accumulated in Double.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func crossEntropySum(logits z: UnsafePointer<Self>, targets: UnsafePointer<Int>, rows: Int, columns: Int) -> Double {
        var loss = 0.0
        for i in 0..<rows {
            let zi = z + i * columns
            var m = zi[0]
            for j in 1..<columns where zi[j] > m { m = zi[j] }
            var total: Self = 0
            for j in 0..<columns { total += Self.exp(zi[j] - m) }   // ≥ 1: the max contributes exp(0)
            loss += Double(Self.log(total)) - Double(zi[targets[i]] - m)
        }
        return loss
    }

    /// d[i, j] = s · (p[i, j] − [j = targets[i]]): the gradient of s · cross-entropy with
    /// respect to the logits that produced p through softmax.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func crossEntropyGradient(probabilities p: UnsafePointer<Self>, targets: UnsafePointer<Int>, scale s: Self, into d: UnsafeMutablePointer<Self>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let pi = p + i * columns, di = d + i * columns
            for j in 0..<columns { di[j] = s * pi[j] }
            di[targets[i]] -= s
        }
    }

    // MARK: One-hot products as row look-ups

    /// r[i, :] = table[ids[i], :] (or += when `accumulate`): the product of one-hot rows
    /// with `table`, without the multiplications by zero.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func gatherRows(_ table: UnsafePointer<Self>, ids: UnsafePointer<Int>, count: Int, columns: Int, into r: UnsafeMutablePointer<Self>, accumulate: Bool) {
        for i in 0..<count {
            let source = table + ids[i] * columns, row = r + i * columns
            if accumulate {
                for j in 0..<columns { row[j] += source[j] }
            } else {
                for j in 0..<columns { row[j] = source[j] }
            }
        }
    }

    /// table[ids[i], :] += d[i, :]: the transpose of `gatherRows`, i.e. Xᵀ·D for one-hot X.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func scatterAddRows(_ d: UnsafePointer<Self>, ids: UnsafePointer<Int>, count: Int, columns: Int, into table: UnsafeMutablePointer<Self>) {
        for i in 0..<count {
            let source = d + i * columns, row = table + ids[i] * columns
            for j in 0..<columns { row[j] += source[j] }
        }
    }

    // MARK: Reductions (accumulated in Double)

    /// Σ a[i]
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func sum(_ a: UnsafePointer<Self>, count: Int) -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(a[i]) }
        return total
    }

    /// Σ a[i]²
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func sumOfSquares(_ a: UnsafePointer<Self>, count: Int) -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(a[i]) * Double(a[i]) }
        return total
    }

    /// a[i] ← min(max(a[i], −limit), limit)
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func clamp(_ a: UnsafeMutablePointer<Self>, limit: Self, count: Int) {
        // Comparisons and selects, which vectorise; Swift.min/max (NaN-aware) and SIMD's
        // `clamped` did not, and cost more than the rest of the training step.
        for i in 0..<count {
            let x = a[i]
            a[i] = x < -limit ? -limit : (x > limit ? limit : x)
        }
    }

    // MARK: Optimiser steps

    /// p ← p − η·g
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func sgdStep(_ p: UnsafeMutablePointer<Self>, gradient g: UnsafePointer<Self>, learningRate η: Self, count: Int) {
        for i in 0..<count { p[i] -= η * g[i] }
    }

    /// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − η·m̂ / (√v̂ + ε), with the bias
    /// corrections m̂ = m / c₁, v̂ = v / c₂ passed in as c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func adamStep(_ p: UnsafeMutablePointer<Self>, gradient g: UnsafePointer<Self>, firstMoment m: UnsafeMutablePointer<Self>, secondMoment v: UnsafeMutablePointer<Self>, learningRate η: Self, beta1 β1: Self, beta2 β2: Self, epsilon ε: Self, correction1 c1: Self, correction2 c2: Self, count: Int) {
        var i = 0
        while i + 8 <= count {  // eight at a time in SIMD registers: scalar, the square root and division cost as much as the backward pass
            let gi = load8(g + i)
            let mi = β1 * load8(m + i) + (1 - β1) * gi
            let vi = β2 * load8(v + i) + (1 - β2) * gi * gi
            store8(mi, m + i)
            store8(vi, v + i)
            store8(load8(p + i) - η * (mi / c1) / ((vi / c2).squareRoot() + ε), p + i)
            i += 8
        }
        while i < count {
            m[i] = β1 * m[i] + (1 - β1) * g[i]
            v[i] = β2 * v[i] + (1 - β2) * g[i] * g[i]
            p[i] -= η * (m[i] / c1) / ((v[i] / c2).squareRoot() + ε)
            i += 1
        }
    }
}

// Eight scalars as one SIMD value, from and to memory that need not be aligned.
@inline(__always)
private func load8<T: KernelScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

@inline(__always)
private func load8<T: KernelScalar>(_ p: UnsafeMutablePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

@inline(__always)
private func store8<T: KernelScalar>(_ value: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<T>.self)
}
