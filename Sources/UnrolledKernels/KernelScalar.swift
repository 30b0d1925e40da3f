// The scalar types the book computes with, and the loops that touch every element.
//
// This module is compiled with optimisation even in a debug build (see Package.swift):
// a reader runs chapters with plain `swift run`, and a debug-built Swift loop is many times
// slower than an optimised one. Everything here works on raw buffers, so the teaching code
// in `Unrolled` makes one call per matrix, never one per element.
//
// Measured on the project's 2-core machine (`bench --kernels`, 2^20 Floats, ns per element,
// kernel vs the same loop written in the debug-built caller): a + b 2.0 vs 82, tanh 2.8 vs
// 51, softmax rows 8.7 vs 127, Adagrad step 2.0 vs 133. Training min-char-rnn's
// configuration in a debug build runs at about 57,000 characters per CPU second against
// 190,000 in release; the batched H = 128 run at 179,000 against 340,000.

#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif
import Foundation

/// A floating-point type with a BLAS matrix product: `Float` (training) and `Double`
/// (gradient checks).
///
/// The elementary functions and `gemm` are what each type provides (below); the kernels
/// are written once, generically, in Kernels.swift, which also declares the conformances
/// so that the optimiser sees both together and specialises every kernel for both types.
/// (`SIMDScalar` lets kernels work eight entries at a time; `Codable` is implied by it.)
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// C ← α·op(A)·op(B) + β·C, row-major, where op(X) is X or Xᵀ.
    ///
    /// op(A) is (m, k), op(B) is (k, n), C is (m, n); `lda`, `ldb`, `ldc` are the row
    /// strides of A, B, C as stored (before any transpose).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// C ← A·op(B) or C ← C + A·op(B) (`accumulate`), like `gemm` with α = 1 and A not
    /// transposed, for a weight B that the next calls multiply by again (a recurrent layer's
    /// W_h at every step): Float may keep B packed between calls (SharedWeightProducts.swift).
    /// m, n, k must be positive.
    static func gemm(
        sharedB b: [Self], transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Self>, ldc: Int)

    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self

    // The kernels: each is documented, and implemented once, in Kernels.swift.
    static func copy(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func fill(_ r: UnsafeMutablePointer<Self>, with value: Self, count: Int)
    static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func subtract(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func multiply(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func divide(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func add(_ s: Self, to a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func squareRoot(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func scale(_ a: UnsafePointer<Self>, by s: Self, into r: UnsafeMutablePointer<Self>, count: Int)
    static func addScaled(_ a: UnsafePointer<Self>, by s: Self, to r: UnsafeMutablePointer<Self>, count: Int)
    static func addRowVector(_ v: UnsafePointer<Self>, to m: UnsafeMutablePointer<Self>, rows: Int, columns: Int)
    static func addColumnSums(_ a: UnsafePointer<Self>, rows: Int, columns: Int, to r: UnsafeMutablePointer<Self>)
    static func tanh(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func tanhBackward(output h: UnsafePointer<Self>, gradient dh: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func sigmoid(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func sigmoidBackward(output s: UnsafePointer<Self>, gradient ds: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func lstmForwardStep(
        preactivations a: UnsafePointer<Self>, cellBefore cp: UnsafePointer<Self>,
        i: UnsafeMutablePointer<Self>, f: UnsafeMutablePointer<Self>, g: UnsafeMutablePointer<Self>, o: UnsafeMutablePointer<Self>,
        cell c: UnsafeMutablePointer<Self>, tanhCell tc: UnsafeMutablePointer<Self>, hidden h: UnsafeMutablePointer<Self>,
        rows: Int, hiddenSize H: Int)
    static func lstmBackwardStep(
        dhOutput: UnsafePointer<Self>, dhNext: UnsafePointer<Self>, dcNext: UnsafeMutablePointer<Self>,
        i: UnsafePointer<Self>, f: UnsafePointer<Self>, g: UnsafePointer<Self>, o: UnsafePointer<Self>,
        tanhCell tc: UnsafePointer<Self>, cellBefore cp: UnsafePointer<Self>,
        into dA: UnsafeMutablePointer<Self>, rows: Int, hiddenSize H: Int)
    static func relu(_ a: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func reluBackward(output h: UnsafePointer<Self>, gradient dh: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, count: Int)
    static func softmaxRows(_ x: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, rows: Int, columns: Int)
    static func logSoftmaxRows(_ x: UnsafePointer<Self>, into r: UnsafeMutablePointer<Self>, rows: Int, columns: Int)
    static func crossEntropySum(probabilities p: UnsafePointer<Self>, targets: UnsafePointer<Int>, rows: Int, columns: Int) -> Double
    static func crossEntropySum(logits z: UnsafePointer<Self>, targets: UnsafePointer<Int>, rows: Int, columns: Int) -> Double
    static func crossEntropyGradient(probabilities p: UnsafePointer<Self>, targets: UnsafePointer<Int>, scale s: Self, into d: UnsafeMutablePointer<Self>, rows: Int, columns: Int)
    static func gatherRows(_ table: UnsafePointer<Self>, ids: UnsafePointer<Int>, count: Int, columns: Int, into r: UnsafeMutablePointer<Self>, accumulate: Bool)
    static func scatterAddRows(_ d: UnsafePointer<Self>, ids: UnsafePointer<Int>, count: Int, columns: Int, into table: UnsafeMutablePointer<Self>)
    static func sum(_ a: UnsafePointer<Self>, count: Int) -> Double
    static func sumOfSquares(_ a: UnsafePointer<Self>, count: Int) -> Double
    static func clamp(_ a: UnsafeMutablePointer<Self>, limit: Self, count: Int)
    static func sgdStep(_ p: UnsafeMutablePointer<Self>, gradient g: UnsafePointer<Self>, learningRate η: Self, count: Int)
    static func adamStep(_ p: UnsafeMutablePointer<Self>, gradient g: UnsafePointer<Self>, firstMoment m: UnsafeMutablePointer<Self>, secondMoment v: UnsafeMutablePointer<Self>, learningRate η: Self, beta1 β1: Self, beta2 β2: Self, epsilon ε: Self, correction1 c1: Self, correction2 c2: Self, count: Int)
}

extension Float {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLAS.useOneThread()
        if m == 1 {  // one row: a matrix–vector product, which BLAS does without packing
            let incA = BLAS.Index(transposeA ? lda : 1)
            if transposeB {  // B is (n, k): cᵀ = α·B·aᵀ + β·cᵀ
                cblas_sgemv(CblasRowMajor, CblasNoTrans, BLAS.Index(n), BLAS.Index(k), alpha, b, BLAS.Index(ldb), a, incA, beta, c, 1)
            } else {           // B is (k, n): cᵀ = α·Bᵀ·aᵀ + β·cᵀ
                cblas_sgemv(CblasRowMajor, CblasTrans, BLAS.Index(k), BLAS.Index(n), alpha, b, BLAS.Index(ldb), a, incA, beta, c, 1)
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            BLAS.Index(m), BLAS.Index(n), BLAS.Index(k), alpha, a, BLAS.Index(lda), b, BLAS.Index(ldb),
            beta, c, BLAS.Index(ldc))
    }
    public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    public static func log(_ x: Float) -> Float { Foundation.log(x) }
    public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLAS.useOneThread()
        if m == 1 {  // one row: a matrix–vector product, which BLAS does without packing
            let incA = BLAS.Index(transposeA ? lda : 1)
            if transposeB {  // B is (n, k): cᵀ = α·B·aᵀ + β·cᵀ
                cblas_dgemv(CblasRowMajor, CblasNoTrans, BLAS.Index(n), BLAS.Index(k), alpha, b, BLAS.Index(ldb), a, incA, beta, c, 1)
            } else {           // B is (k, n): cᵀ = α·Bᵀ·aᵀ + β·cᵀ
                cblas_dgemv(CblasRowMajor, CblasTrans, BLAS.Index(k), BLAS.Index(n), alpha, b, BLAS.Index(ldb), a, incA, beta, c, 1)
            }
            return
        }
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            BLAS.Index(m), BLAS.Index(n), BLAS.Index(k), alpha, a, BLAS.Index(lda), b, BLAS.Index(ldb),
            beta, c, BLAS.Index(ldc))
    }
    public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    public static func log(_ x: Double) -> Double { Foundation.log(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

/// Process-wide BLAS settings.
public enum BLAS {
    typealias Index = Int32

    /// Runs every product on one thread, once per process: the results are then the same
    /// from run to run (a multithreaded sum may add in a different order), and the
    /// benchmark measures one core. Accelerate chooses its own threads.
    public static func useOneThread() {
        _ = oneThread
    }

    /// Which BLAS runs the products: for OpenBLAS its version, the processor kernel it
    /// chose, and its thread count.
    public static var description: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        useOneThread()
        let config = String(cString: openblas_get_config()).split(separator: " ").prefix(2).joined(separator: " ")
        return "\(config), kernel \(String(cString: openblas_get_corename())), \(openblas_get_num_threads()) thread(s)"
        #endif
    }

    private static let oneThread: Void = {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
    }()
}
