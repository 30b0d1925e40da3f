// `bench --kernels`: the element-wise kernels against the same loops compiled here.

import Foundation
import Unrolled

/// A model with one parameter matrix, to time an optimiser step alone.
struct OneMatrix: ParameterSet {
    var w: Matrix<Float>
    static var parameterPaths: [(name: String, path: WritableKeyPath<OneMatrix, Matrix<Float>>)] { [("w", \.w)] }
}

/// Nanoseconds per element of each kernel, next to the same loop compiled with this
/// program (unoptimised in a debug build, like a chapter run with `swift run`).
func timeKernels() {
    let n = 1 << 20
    let a = Matrix<Float>(rows: 1 << 10, columns: 1 << 10, repeating: 0.5)
    let g = a
    var parameter = [Float](repeating: 0.5, count: n), memory = parameter
    func nanoseconds(_ body: () -> Void) -> Double {
        body()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<5 { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 5 / Double(n)
    }
    var sink: Float = 0
    var adagrad = Adagrad<Float>(learningRate: 0.1)
    let rows: [(String, Double, Double)] = [
        ("a + b", nanoseconds { sink += (a + g).scalars[7] },
         nanoseconds { var r = [Float](repeating: 0, count: n); for i in 0..<n { r[i] = a.scalars[i] + g.scalars[i] }; sink += r[7] }),
        ("tanh", nanoseconds { sink += tanh(a).scalars[7] },
         nanoseconds { var r = [Float](repeating: 0, count: n); for i in 0..<n { r[i] = Foundation.tanh(a.scalars[i]) }; sink += r[7] }),
        ("softmax rows", nanoseconds { sink += softmax(a).scalars[7] },
         nanoseconds {
             var r = [Float](repeating: 0, count: n)
             for i in 0..<(1 << 10) {
                 var m = a.scalars[i << 10], total: Float = 0
                 for j in 0..<(1 << 10) { m = max(m, a.scalars[(i << 10) + j]) }
                 for j in 0..<(1 << 10) { r[(i << 10) + j] = Foundation.exp(a.scalars[(i << 10) + j] - m); total += r[(i << 10) + j] }
                 for j in 0..<(1 << 10) { r[(i << 10) + j] /= total }
             }
             sink += r[7]
         }),
        ("Adagrad step", nanoseconds { var p = OneMatrix(w: a); adagrad.update(&p, with: OneMatrix(w: g)); sink += p.w.scalars[7] },
         nanoseconds {
             for i in 0..<n {
                 memory[i] += g.scalars[i] * g.scalars[i]
                 parameter[i] -= 0.1 * g.scalars[i] / (memory[i] + 1e-8).squareRoot()
             }
         }),
    ]
    print("element-wise work on 2^20 Floats, ns per element: kernel | the same loop in this program")
    for (name, kernel, loop) in rows {
        print("  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(String(format: "%6.2f", kernel)) | \(String(format: "%7.2f", loop))  (×\(String(format: "%.0f", loop / kernel)))")
    }
    if sink == .infinity || parameter[7] == .infinity { print(sink) }
}
