import FrictionCore

/// Shape functions of matrix products: MatMul (batched, 1-D operands), Gemm, the integer and
/// quantized variants, and com.microsoft MatMulNBits and FusedMatMul.
enum MatMulOps {
    /// MatMul: `[..., M, K] × [..., K, N] → [..., M, N]`, batch dims broadcast, 1-D operands
    /// promoted and their dimension removed again (NumPy `matmul`).
    static func matMul(_ c: inout OpContext) { product(&c, a: 0, b: 1, type: c.type(0)) }

    /// MatMulInteger: like MatMul, int32 elements.
    static func matMulInteger(_ c: inout OpContext) { product(&c, a: 0, b: 1, type: OpContext.int32) }

    /// QLinearMatMul: a is input 0, b input 3, the type of the output zero point (input 7).
    static func qLinearMatMul(_ c: inout OpContext) { product(&c, a: 0, b: 3, type: c.type(7) ?? c.type(0)) }

    /// com.microsoft FusedMatMul: MatMul with `transA`/`transB` swapping each operand's last two dims.
    static func fusedMatMul(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard var a = c.dims(0), var b = c.dims(1) else { return }
        if c.int("transA", 0) != 0, a.count >= 2 { a.swapAt(a.count - 1, a.count - 2) }
        if c.int("transB", 0) != 0, b.count >= 2 { b.swapAt(b.count - 1, b.count - 2) }
        let type = c.type(0)
        finish(&c, matmul(a, b), type: type)
    }

    /// Gemm: `A' [M, K] × B' [K, N] → [M, N]`, where `transA`/`transB` transpose the 2-D operands.
    static func gemm(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let a = c.dims(0), let b = c.dims(1) else { return }
        guard a.count == 2, b.count == 2 else { return c.fail("Gemm operands must be 2-D, got ranks \(a.count) and \(b.count)") }
        let (m, ka) = c.int("transA", 0) != 0 ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = c.int("transB", 0) != 0 ? (b[1], b[0]) : (b[0], b[1])
        if let x = ka?.constant, let y = kb?.constant, x != y {
            return c.fail("Gemm inner dimensions \(x) and \(y) differ")
        }
        c.set(0, c.type(0), [m, n])
    }

    /// com.microsoft MatMulNBits: `A [..., K]` times a packed `[N, K]` weight gives `[..., N]`,
    /// N from the attribute.
    static func matMulNBits(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let a = c.dims(0), !a.isEmpty else { return c.fail("MatMulNBits input A has no rank") }
        guard let n = c.node.int("N") else { return c.fail("MatMulNBits has no N attribute") }
        if let k = c.node.int("K"), let x = a.last??.constant, x != k {
            return c.fail("MatMulNBits input has K = \(x), attribute K = \(k)")
        }
        c.set(0, c.type(0), a.dropLast() + [DimExpr(n)])
    }

    /// Multiplies inputs `a` and `b` and sets output 0.
    private static func product(_ c: inout OpContext, a: Int, b: Int, type: ElementType?) {
        c.set(0, type, nil)
        guard let lhs = c.dims(a), let rhs = c.dims(b) else { return }
        finish(&c, matmul(lhs, rhs), type: type)
    }

    private static func finish(_ c: inout OpContext, _ outcome: Result<[DimExpr?], ShapeError>, type: ElementType?) {
        switch outcome {
        case .success(let dims): c.set(0, type, dims)
        case .failure(let error): c.fail(error.message)
        }
    }

    /// The NumPy `matmul` result shape.
    static func matmul(_ a: [DimExpr?], _ b: [DimExpr?]) -> Result<[DimExpr?], ShapeError> {
        guard !a.isEmpty, !b.isEmpty else { return .failure(ShapeError("MatMul of a scalar")) }
        let lhs = a.count == 1 ? [DimExpr(1)] + a : a
        let rhs = b.count == 1 ? b + [DimExpr(1)] : b
        let k1 = lhs[lhs.count - 1], k2 = rhs[rhs.count - 2]
        if let x = k1?.constant, let y = k2?.constant, x != y {
            return .failure(ShapeError("MatMul inner dimensions \(x) and \(y) differ"))
        }
        if let k1, let k2, k1 != k2, k1.constant == nil, k2.constant == nil, DimExpr.difference(k1, k2)?.constant != nil {
            return .failure(ShapeError("MatMul inner dimensions \(k1) and \(k2) differ"))
        }
        guard case .shape(let batch) = Broadcast.shapes([Array(lhs.dropLast(2)), Array(rhs.dropLast(2))]) else {
            return .failure(ShapeError("MatMul batch dimensions do not broadcast"))
        }
        var out = batch
        if a.count > 1 { out.append(lhs[lhs.count - 2]) }
        if b.count > 1 { out.append(rhs[rhs.count - 1]) }
        return .success(out)
    }
}

/// Why a shape function rejected its inputs.
struct ShapeError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
