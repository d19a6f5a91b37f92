import Foundation
import FrictionCore

extension Kernels {
    /// Einsum: any equation (ellipsis, repeated labels, implicit output); operands are reduced to
    /// their needed labels, then contracted left to right as batched GEMMs.
    static let nnEinsum: [KernelSpec] = [
        KernelSpec("Einsum", versions: 12...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNEinsum.run(ctx)]
        },
    ]
}

/// What Einsum computes in: Float (GEMM), Double (GEMM), Int64 (wrapping loops).
protocol NNEinsumScalar: Sendable {
    static var zero: Self { get }
    static func nnAdd(_ a: Self, _ b: Self) -> Self
    /// c[b][m×n] = a[b][m×k] · b[b][k×n] for every batch b (all row-major, contiguous).
    static func nnBatchedMatmul(batch: Int, m: Int, n: Int, k: Int,
                                a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
}

extension Float: NNEinsumScalar {
    static func nnAdd(_ a: Float, _ b: Float) -> Float { a + b }
    static func nnBatchedMatmul(batch: Int, m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        for i in 0..<batch {
            Float.nnGemm(transA: false, transB: false, m: m, n: n, k: k, a: a + i * m * k, lda: k,
                         b: b + i * k * n, ldb: n, beta: 0, c: c + i * m * n, ldc: n)
        }
    }
}

extension Double: NNEinsumScalar {
    static func nnAdd(_ a: Double, _ b: Double) -> Double { a + b }
    static func nnBatchedMatmul(batch: Int, m: Int, n: Int, k: Int,
                                a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
        for i in 0..<batch {
            Double.nnGemm(transA: false, transB: false, m: m, n: n, k: k, a: a + i * m * k, lda: k,
                          b: b + i * k * n, ldb: n, beta: 0, c: c + i * m * n, ldc: n)
        }
    }
}

extension Int64: NNEinsumScalar {
    static func nnAdd(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    static func nnBatchedMatmul(batch: Int, m: Int, n: Int, k: Int,
                                a: UnsafePointer<Int64>, b: UnsafePointer<Int64>, c: UnsafeMutablePointer<Int64>) {
        for bi in 0..<batch {
            let ap = a + bi * m * k, bp = b + bi * k * n, cp = c + bi * m * n
            for i in 0..<m {
                for j in 0..<n { cp[i * n + j] = 0 }
                for p in 0..<k {
                    let av = ap[i * k + p]
                    for j in 0..<n { cp[i * n + j] = cp[i * n + j] &+ (av &* bp[p * n + j]) }
                }
            }
        }
    }
}

enum NNEinsum {
    /// Labels: 0–25 'A'–'Z', 26–51 'a'–'z', 52… the ellipsis dimensions (right-aligned).
    struct Equation {
        var inputs: [[Int]]
        var output: [Int]
        var sizes: [Int: Int]
    }

    /// One operand: elements row-major over `labels` (no label repeated once reduced).
    struct Operand<T> {
        var data: [T]
        var labels: [Int]
        var shape: [Int]
    }

    static func run(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        guard !ctx.inputs.isEmpty else { throw ctx.fail("Einsum needs inputs") }
        var tensors: [Tensor] = []
        for i in 0..<ctx.inputs.count { tensors.append(try ctx.input(i)) }
        let type = tensors[0].type
        for t in tensors where t.type != type { throw ctx.fail("Einsum inputs mix \(type) and \(t.type)") }
        let eq = try parse(ctx.string("equation", ""), shapes: tensors.map(\.shape), ctx)
        let outShape = eq.output.map { eq.sizes[$0] ?? 1 }
        _ = try NNUtil.count(outShape, ctx)
        // Every intermediate spans a subset of the labels: bound their product so no size overflows.
        var all = 1
        for n in eq.sizes.values {
            let (p, o) = all.multipliedReportingOverflow(by: max(n, 1))
            guard !o, p <= (1 << 56) else { throw ctx.fail("Einsum label sizes are too large") }
            all = p
        }
        switch ComputeDomain(type) {
        case .float:
            let r = compute(eq, tensors.map { $0.floats() }, shapes: tensors.map(\.shape))
            return Tensor.fromFloats(r, type: type, shape: outShape)
        case .double:
            let r = compute(eq, tensors.map { $0.doubles() }, shapes: tensors.map(\.shape))
            return Tensor.fromDoubles(r, type: type, shape: outShape)
        case .integer:
            guard type != .bool else { throw NNUtil.unsupported(ctx, type) }
            let r = compute(eq, tensors.map { $0.int64s() }, shapes: tensors.map(\.shape))
            return Tensor.fromInt64s(r, type: type, shape: outShape)
        case .string:
            throw NNUtil.unsupported(ctx, type)
        }
    }

    // MARK: Parsing

    static func parse(_ equation: String, shapes: [[Int]], _ ctx: KernelContext) throws(ExecutionError) -> Equation {
        let text = Array(equation.utf8.filter { $0 != 32 })
        guard !text.isEmpty else { throw ctx.fail("Einsum equation is empty") }
        // Split at "->".
        var lhs = text
        var rhs: [UInt8]? = nil
        if let arrow = (0..<max(text.count - 1, 0)).first(where: { text[$0] == 45 && text[$0 + 1] == 62 }) {
            lhs = Array(text[0..<arrow])
            rhs = Array(text[(arrow + 2)...])
        }
        var terms: [[UInt8]] = [[]]
        for ch in lhs {
            if ch == 44 { terms.append([]) } else { terms[terms.count - 1].append(ch) }
        }
        guard terms.count == shapes.count else {
            throw ctx.fail("equation \(equation) has \(terms.count) terms for \(shapes.count) inputs")
        }
        var parsed: [(letters: [Int], ellipsis: Int?)] = []
        var ellipsisRank = 0
        for (i, t) in terms.enumerated() {
            let p = try term(t, equation, ctx)
            let rank = shapes[i].count
            if p.ellipsis != nil {
                guard rank >= p.letters.count else { throw ctx.fail("term \(i) of \(equation) has more labels than input dimensions") }
                ellipsisRank = max(ellipsisRank, rank - p.letters.count)
            } else if rank != p.letters.count {
                throw ctx.fail("term \(i) of \(equation) has \(p.letters.count) labels for an input of rank \(rank)")
            }
            parsed.append(p)
        }
        var inputs: [[Int]] = []
        var sizes: [Int: Int] = [:]
        var counts: [Int: Int] = [:]
        for (i, p) in parsed.enumerated() {
            var labels: [Int]
            if let at = p.ellipsis {
                let e = shapes[i].count - p.letters.count
                let dots: [Int] = (0..<e).map { 52 + ellipsisRank - e + $0 }
                labels = Array(p.letters[0..<at])
                labels += dots
                labels += Array(p.letters[at...])
            } else {
                labels = p.letters
            }
            for (d, l) in labels.enumerated() {
                let n = shapes[i][d]
                if let old = sizes[l], old != n {
                    if old == 1 { sizes[l] = n } else if n != 1 {
                        throw ctx.fail("label size mismatch in \(equation): \(old) vs \(n)")
                    }
                } else if sizes[l] == nil {
                    sizes[l] = n
                }
                if l < 52 { counts[l, default: 0] += 1 }
            }
            inputs.append(labels)
        }
        var output: [Int] = []
        if let rhs {
            let p = try term(rhs, equation, ctx)
            let ell: [Int] = (0..<ellipsisRank).map { 52 + $0 }
            if let at = p.ellipsis {
                output = Array(p.letters[0..<at])
                output += ell
                output += Array(p.letters[at...])
            } else {
                output = p.letters
            }
            var seen = Set<Int>()
            for l in output {
                guard sizes[l] != nil else { throw ctx.fail("output label of \(equation) does not appear in the inputs") }
                guard seen.insert(l).inserted else { throw ctx.fail("output label repeats in \(equation)") }
            }
        } else {
            let ell: [Int] = (0..<ellipsisRank).map { 52 + $0 }
            let once: [Int] = counts.filter { $0.value == 1 }.map(\.key).sorted()
            output = ell + once
        }
        return Equation(inputs: inputs, output: output, sizes: sizes)
    }

    /// One term's letters (in order) and where its ellipsis sits among them.
    static func term(_ t: [UInt8], _ equation: String, _ ctx: KernelContext) throws(ExecutionError) -> (letters: [Int], ellipsis: Int?) {
        var letters: [Int] = []
        var ellipsis: Int? = nil
        var i = 0
        while i < t.count {
            let ch = t[i]
            if ch == 46 {
                guard ellipsis == nil, i + 2 < t.count, t[i + 1] == 46, t[i + 2] == 46 else {
                    throw ctx.fail("bad ellipsis in equation \(equation)")
                }
                ellipsis = letters.count
                i += 3
                continue
            }
            if ch >= 65 && ch <= 90 {
                letters.append(Int(ch) - 65)
            } else if ch >= 97 && ch <= 122 {
                letters.append(Int(ch) - 97 + 26)
            } else {
                throw ctx.fail("bad character in equation \(equation)")
            }
            i += 1
        }
        return (letters, ellipsis)
    }

    // MARK: Evaluation

    /// The output elements (row-major over `eq.output`) from the inputs' elements.
    static func compute<T: NNEinsumScalar>(_ eq: Equation, _ values: [[T]], shapes: [[Int]]) -> [T] {
        let count = values.count
        // Take diagonals of repeated labels and sum labels no other operand or the output uses.
        var ops: [Operand<T>] = []
        for i in 0..<count {
            var needed = Set(eq.output)
            for j in 0..<count where j != i { needed.formUnion(eq.inputs[j]) }
            var keep: [Int] = []
            for l in eq.inputs[i] where needed.contains(l) && !keep.contains(l) { keep.append(l) }
            ops.append(reduce(values[i], labels: eq.inputs[i], shape: shapes[i], keep: keep, sizes: [:]))
        }
        guard var acc = ops.first else { return [] }
        for i in 1..<max(count, 1) {
            var needed = Set(eq.output)
            for j in (i + 1)..<count { needed.formUnion(ops[j].labels) }
            acc = contract(acc, ops[i], needed: needed)
        }
        return reduce(acc.data, labels: acc.labels, shape: acc.shape, keep: eq.output, sizes: eq.sizes).data
    }

    /// The operand over `keep` (in that order): repeated labels read along their diagonal, labels
    /// not kept summed, kept labels the operand lacks or has with size 1 broadcast to `sizes`.
    static func reduce<T: NNEinsumScalar>(_ data: [T], labels: [Int], shape: [Int], keep: [Int],
                                          sizes: [Int: Int]) -> Operand<T> {
        let strides = Tensor.strides(shape)
        var uLabels: [Int] = [], uSize: [Int] = [], uStride: [Int] = []
        for (d, l) in labels.enumerated() {
            if let k = uLabels.firstIndex(of: l) {
                uStride[k] += strides[d]
                uSize[k] = min(uSize[k], shape[d])
            } else {
                uLabels.append(l)
                uSize.append(shape[d])
                uStride.append(strides[d])
            }
        }
        var keptSizes: [Int] = [], keptStrides: [Int] = []
        for l in keep {
            if let k = uLabels.firstIndex(of: l) {
                let n = sizes[l] ?? uSize[k]
                let own = uSize[k]
                if own == n {
                    keptSizes.append(n)
                    keptStrides.append(uStride[k])
                } else {
                    // Broadcast a size-1 dimension (any other mismatch reads only index 0).
                    keptSizes.append(n)
                    keptStrides.append(0)
                }
            } else {
                keptSizes.append(sizes[l] ?? 1)
                keptStrides.append(0)
            }
        }
        var sumSizes: [Int] = [], sumStrides: [Int] = []
        for (k, l) in uLabels.enumerated() where !keep.contains(l) {
            sumSizes.append(uSize[k])
            sumStrides.append(uStride[k])
        }
        let out = stridedSum(data, keptSizes: keptSizes, keptStrides: keptStrides, sumSizes: sumSizes, sumStrides: sumStrides)
        return Operand(data: out, labels: keep, shape: keptSizes)
    }

    /// out[kept…] = Σ over the summed index space of src[Σ index·stride].
    static func stridedSum<T: NNEinsumScalar>(_ src: [T], keptSizes: [Int], keptStrides: [Int],
                                              sumSizes: [Int], sumStrides: [Int]) -> [T] {
        let keptCount = NNUtil.product(keptSizes)
        var out = [T](repeating: T.zero, count: keptCount)
        let sumCount = NNUtil.product(sumSizes)
        guard keptCount > 0, sumCount > 0, !src.isEmpty else { return out }
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                var kIdx = [Int](repeating: 0, count: keptSizes.count)
                var sIdx = [Int](repeating: 0, count: sumSizes.count)
                var kOff = 0
                for i in 0..<keptCount {
                    if sumSizes.isEmpty {
                        o[i] = s[kOff]
                    } else {
                        var acc = T.zero
                        var sOff = 0
                        for q in 0..<sIdx.count { sIdx[q] = 0 }
                        for _ in 0..<sumCount {
                            acc = T.nnAdd(acc, s[kOff + sOff])
                            var d = sumSizes.count - 1
                            while d >= 0 {
                                sIdx[d] += 1
                                sOff += sumStrides[d]
                                if sIdx[d] < sumSizes[d] { break }
                                sOff -= sumStrides[d] * sumSizes[d]
                                sIdx[d] = 0
                                d -= 1
                            }
                        }
                        o[i] = acc
                    }
                    var d = keptSizes.count - 1
                    while d >= 0 {
                        kIdx[d] += 1
                        kOff += keptStrides[d]
                        if kIdx[d] < keptSizes[d] { break }
                        kOff -= keptStrides[d] * keptSizes[d]
                        kIdx[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return out
    }

    /// A ⊗ B summed over their shared labels that nothing later needs, as batched GEMM:
    /// A as [batch, aOnly, contracted] · B as [batch, contracted, bOnly].
    static func contract<T: NNEinsumScalar>(_ a0: Operand<T>, _ b0: Operand<T>, needed: Set<Int>) -> Operand<T> {
        let aSet = Set(a0.labels), bSet = Set(b0.labels)
        var a = a0, b = b0
        let aKeep = a0.labels.filter { bSet.contains($0) || needed.contains($0) }
        if aKeep.count != a0.labels.count { a = reduce(a0.data, labels: a0.labels, shape: a0.shape, keep: aKeep, sizes: [:]) }
        let bKeep = b0.labels.filter { aSet.contains($0) || needed.contains($0) }
        if bKeep.count != b0.labels.count { b = reduce(b0.data, labels: b0.labels, shape: b0.shape, keep: bKeep, sizes: [:]) }
        var sizes: [Int: Int] = [:]
        for (l, n) in zip(a.labels, a.shape) { sizes[l] = n }
        for (l, n) in zip(b.labels, b.shape) { sizes[l] = max(sizes[l] ?? n, n) }
        let batch = a.labels.filter { bSet.contains($0) && needed.contains($0) }
        let contracted = a.labels.filter { bSet.contains($0) && !needed.contains($0) }
        let aOnly = a.labels.filter { !bSet.contains($0) }
        let bOnly = b.labels.filter { !aSet.contains($0) }
        func size(_ ls: [Int]) -> Int { ls.reduce(1) { $0 * (sizes[$1] ?? 1) } }
        let bt = size(batch), m = size(aOnly), k = size(contracted), n = size(bOnly)
        let ga = arrange(a, order: batch + aOnly + contracted, sizes: sizes)
        let gb = arrange(b, order: batch + contracted + bOnly, sizes: sizes)
        var c = [T](repeating: T.zero, count: bt * m * n)
        if bt * m * n > 0 && k > 0 {
            ga.withUnsafeBufferPointer { pa in
                gb.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                        T.nnBatchedMatmul(batch: bt, m: m, n: n, k: k, a: ap, b: bp, c: cp)
                    }
                }
            }
        }
        let labels = batch + aOnly + bOnly
        return Operand(data: c, labels: labels, shape: labels.map { sizes[$0] ?? 1 })
    }

    /// The operand's elements laid out over `order` at `sizes` (no copy when already so).
    static func arrange<T: NNEinsumScalar>(_ op: Operand<T>, order: [Int], sizes: [Int: Int]) -> [T] {
        if op.labels == order && op.shape == order.map({ sizes[$0] ?? 1 }) { return op.data }
        return reduce(op.data, labels: op.labels, shape: op.shape, keep: order, sizes: sizes).data
    }
}
