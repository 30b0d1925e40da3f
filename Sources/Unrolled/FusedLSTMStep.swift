// Matrix-level calls to the fused LSTM step kernels (UnrolledKernels/GatedKernels.swift):
// what chapter 10's `LSTM.forward` and `LSTM.backward` run inside their loops over time.
// Each computes exactly what the chapter's equations say, in one pass over the step's rows.

/// Forward through the element-wise part of one LSTM step: from rows `start ..< start + B`
/// of the stacked pre-activations `a` (T·B, 4H) and c_{t−1} (B, H), the step's gates and
/// tanh(c_t) (kept for the backward pass), c_t and h_t.
func lstmCellForward<Scalar>(_ a: Matrix<Scalar>, rowsAt start: Int, cellBefore cBefore: Matrix<Scalar>)
    -> (step: LSTMStep<Scalar>, c: Matrix<Scalar>, h: Matrix<Scalar>) {
    let B = cBefore.rows, H = cBefore.columns
    precondition(a.columns == 4 * H && start >= 0 && start + B <= a.rows, "LSTM step: rows \(start)..<\(start + B) of \(a.shapeText) for c \(cBefore.shapeText)")
    var (i, f, g, o) = (Matrix<Scalar>(uninitializedRows: B, columns: H), Matrix<Scalar>(uninitializedRows: B, columns: H),
                        Matrix<Scalar>(uninitializedRows: B, columns: H), Matrix<Scalar>(uninitializedRows: B, columns: H))
    var (c, tanhC, h) = (Matrix<Scalar>(uninitializedRows: B, columns: H), Matrix<Scalar>(uninitializedRows: B, columns: H),
                         Matrix<Scalar>(uninitializedRows: B, columns: H))
    a.withPointer { pa in cBefore.withPointer { pcb in
        i.withMutablePointer { pi in f.withMutablePointer { pf in g.withMutablePointer { pg in o.withMutablePointer { po in
            c.withMutablePointer { pc in tanhC.withMutablePointer { ptc in h.withMutablePointer { ph in
                Scalar.lstmForwardStep(preactivations: pa + start * 4 * H, cellBefore: pcb, i: pi, f: pf, g: pg, o: po,
                                       cell: pc, tanhCell: ptc, hidden: ph, rows: B, hiddenSize: H)
            } } }
        } } } }
    } }
    return (LSTMStep(i: i, f: f, g: g, o: o, tanhC: tanhC), c, h)
}

/// Backward through the element-wise part of one LSTM step: from dh = rows `start ..< start
/// + B` of `dhFromOutput` + `dhNext`, and `dcNext` (∂L/∂c_t through c_{t+1}), writes
/// [da_i da_f da_g da_o] into the same rows of `dA` (T·B, 4H) and turns `dcNext` into
/// ∂L/∂c_{t−1} through c_t.
func lstmCellBackward<Scalar>(_ s: LSTMStep<Scalar>, cellBefore cBefore: Matrix<Scalar>, dhFromOutput: Matrix<Scalar>,
                              dhNext: Matrix<Scalar>, dcNext: inout Matrix<Scalar>, into dA: inout Matrix<Scalar>, rowsAt start: Int) {
    let B = cBefore.rows, H = cBefore.columns
    precondition(dA.columns == 4 * H && start >= 0 && start + B <= dA.rows && dhFromOutput.rows == dA.rows,
                 "LSTM step backward: rows \(start)..<\(start + B) of \(dA.shapeText) for c \(cBefore.shapeText)")
    dhFromOutput.withPointer { pdo in dhNext.withPointer { pdn in cBefore.withPointer { pcb in
        s.i.withPointer { pi in s.f.withPointer { pf in s.g.withPointer { pg in s.o.withPointer { po in s.tanhC.withPointer { ptc in
            dcNext.withMutablePointer { pdc in dA.withMutablePointer { pda in
                Scalar.lstmBackwardStep(dhOutput: pdo + start * H, dhNext: pdn, dcNext: pdc, i: pi, f: pf, g: pg, o: po,
                                        tanhCell: ptc, cellBefore: pcb, into: pda + start * 4 * H, rows: B, hiddenSize: H)
            } }
        } } } } }
    } } }
}
