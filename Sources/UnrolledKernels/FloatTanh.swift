// tanh for Float buffers without a call into the C library per element.
//
// libm's tanhf is exact to an ulp but scalar, and at min-char-rnn's size it was an eighth
// of the training time. This is the rational approximation Eigen uses for float tanh
// (a degree-13 odd polynomial over a degree-6 even one on [−7.9, 7.9], where float tanh
// reaches ±1), which the compiler vectorises. Its error is a few ulp (tested against
// Double's tanh). Double buffers keep the C library's tanh: they are for gradient checks,
// where the last digits matter more than speed.

extension Float {
    /// r[i] = tanh(a[i]), by a rational approximation accurate to a few ulp.
    public static func tanh(_ a: UnsafePointer<Float>, into r: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { r[i] = rationalTanh(a[i]) }
    }

    @inline(__always)
    static func rationalTanh(_ input: Float) -> Float {
        let x = Swift.min(Swift.max(input, -7.90531110763549805), 7.90531110763549805)
        let x2 = x * x
        var p: Float = -2.76076847742355e-16
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 - 8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * x
        var q: Float = 1.19825839466702e-06
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        return p / q
    }
}
