import FrictionCore

/// If, Loop and Scan: their bodies run through the executor in a scope nested in the node's,
/// so outer values are visible and released by the outer graph as usual.
extension Kernels {
    static let controlFlow: [KernelSpec] = [
        KernelSpec("If") { ctx throws(ExecutionError) in
            let cond = try ctx.input(0)
            guard cond.count >= 1 else { throw ctx.fail("If condition is empty") }
            let branch = cond.int64s()[0] != 0 ? "then_branch" : "else_branch"
            guard let g = ctx.graph(branch) else { throw ctx.fail("If has no \(branch)") }
            return try ctx.run(g, inputs: [])
        },
        KernelSpec("Loop") { ctx throws(ExecutionError) in try ControlFlow.loop(ctx) },
        KernelSpec("Scan", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in try ControlFlow.scan(ctx) },
    ]
}

enum ControlFlow {
    /// Upper bound on Loop iterations without a trip count (a runaway loop is an error, not a hang).
    static let maxIterations = 10_000_000

    static func loop(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        guard let body = ctx.graph("body") else { throw ctx.fail("Loop has no body") }
        let tripCount = ctx.optional(0).flatMap { $0.count > 0 ? $0.int64s()[0] : nil }
        var cond = ctx.optional(1).map { $0.count > 0 && $0.int64s()[0] != 0 } ?? true
        var carried = Array(ctx.inputs.dropFirst(2)).map { $0 }
        var state: [Tensor] = []
        for (i, t) in carried.enumerated() {
            guard let t else { throw ctx.fail("Loop carried input \(i) is missing") }
            state.append(t)
        }
        carried = []
        let nCarried = state.count
        var scans: [[Tensor]] = []
        var i: Int64 = 0
        while cond && (tripCount.map { i < $0 } ?? true) {
            guard i < Int64(maxIterations) else { throw ctx.fail("Loop ran \(maxIterations) iterations without stopping") }
            let outs = try ctx.run(body, inputs: [Tensor.int64s([i], shape: []), Tensor.fromInt64s([cond ? 1 : 0], type: .bool, shape: [])] + state)
            guard outs.count >= 1 + nCarried else { throw ctx.fail("Loop body returned \(outs.count) values, needs \(1 + nCarried)") }
            cond = outs[0].count > 0 && outs[0].int64s()[0] != 0
            state = Array(outs[1..<(1 + nCarried)])   // empty when nothing is carried
            let scanOuts = Array(outs[(1 + nCarried)...])
            if scans.isEmpty { scans = scanOuts.map { _ in [] } }
            for (k, t) in scanOuts.enumerated() where k < scans.count { scans[k].append(t) }
            i += 1
        }
        var result = state
        let scanCount = body.outputs.count - 1 - nCarried
        for k in 0..<max(scanCount, 0) {
            let parts = k < scans.count ? scans[k] : []
            if parts.isEmpty {
                // No iteration ran: an empty tensor of the declared element type.
                var type = DType.float32
                if case .tensor(.dtype(let d)?, _)? = body.outputs[1 + nCarried + k].type { type = d }
                result.append(Tensor(zeros: type, [0]))
            } else {
                guard let s = Tensor.stack(parts, axis: 0) else { throw ctx.fail("Loop scan output \(k) changes shape between iterations") }
                result.append(s)
            }
        }
        return result
    }

    static func scan(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        guard let body = ctx.graph("body") else { throw ctx.fail("Scan has no body") }
        let nScan = ctx.int("num_scan_inputs", 0)
        let inputs = ctx.inputs.compactMap { $0 }
        guard nScan > 0, nScan <= inputs.count else { throw ctx.fail("Scan needs num_scan_inputs ≥ 1 and ≤ its inputs") }
        let nState = inputs.count - nScan
        var state = Array(inputs[..<nState])
        let scanInputs = Array(inputs[nState...])
        let inAxes = ctx.ints("scan_input_axes") ?? Array(repeating: 0, count: nScan)
        let inDirs = ctx.ints("scan_input_directions") ?? Array(repeating: 0, count: nScan)
        var axes: [Int] = []
        for (k, t) in scanInputs.enumerated() { axes.append(try ctx.axis(k < inAxes.count ? inAxes[k] : 0, rank: t.rank)) }
        guard let first = scanInputs.first else { throw ctx.fail("Scan has no scan inputs") }
        let length = first.shape[axes[0]]
        for (k, t) in scanInputs.enumerated() where t.shape[axes[k]] != length {
            throw ctx.fail("Scan input \(k) has \(t.shape[axes[k]]) steps, input 0 has \(length)")
        }
        let nOut = body.outputs.count - nState
        guard nOut >= 0 else { throw ctx.fail("Scan body has \(body.outputs.count) outputs, fewer than its \(nState) state variables") }
        var outs: [[Tensor]] = Array(repeating: [], count: nOut)
        for step in 0..<length {
            let slices = scanInputs.enumerated().map { k, t in
                t.slice(axis: axes[k], index: (k < inDirs.count && inDirs[k] == 1) ? length - 1 - step : step)
            }
            let r = try ctx.run(body, inputs: state + slices)
            guard r.count == nState + nOut else { throw ctx.fail("Scan body returned \(r.count) values") }
            state = Array(r[..<nState])
            for k in 0..<nOut { outs[k].append(r[nState + k]) }
        }
        let outAxes = ctx.ints("scan_output_axes") ?? Array(repeating: 0, count: nOut)
        let outDirs = ctx.ints("scan_output_directions") ?? Array(repeating: 0, count: nOut)
        var result = state
        for k in 0..<nOut {
            var parts = outs[k]
            if k < outDirs.count, outDirs[k] == 1 { parts.reverse() }
            let rank = (parts.first?.rank ?? 0) + 1
            let axis = try ctx.axis(k < outAxes.count ? outAxes[k] : 0, rank: rank)
            guard let s = Tensor.stack(parts, axis: axis) else { throw ctx.fail("Scan output \(k) is empty or changes shape") }
            result.append(s)
        }
        return result
    }
}
