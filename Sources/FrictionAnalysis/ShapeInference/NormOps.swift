import FrictionCore

/// Shape functions of normalizations with extra outputs: LayerNormalization, BatchNormalization and
/// the onnxruntime fused forms (SimplifiedLayerNormalization, SkipLayerNormalization,
/// SkipSimplifiedLayerNormalization). Single-output ones (RMSNormalization, InstanceNormalization,
/// GroupNormalization, …) keep their input's shape and use ``ElementwiseOps/unary(_:)``.
enum NormOps {
    /// LayerNormalization: Y like X; the optional Mean and InvStdDev outputs keep X's dims before
    /// `axis` (-1) and have size 1 from it on, in the `stash_type` type (float32).
    static func layerNormalization(_ c: inout OpContext) {
        c.set(0, like: 0)
        guard let dims = c.facts(0).dims, let axis = OpContext.axis(c.int("axis", -1), rank: dims.count) else { return }
        let stats = Array(dims[..<axis]) + Array(repeating: DimExpr(1), count: dims.count - axis)
        let stash = OpContext.elementType(code: c.int("stash_type", 1))
        c.set(1, stash, stats)
        c.set(2, stash, stats)
    }

    /// SimplifiedLayerNormalization (onnxruntime): Y like X, then InvStdDev as LayerNormalization's.
    static func simplifiedLayerNormalization(_ c: inout OpContext) {
        c.set(0, like: 0)
        guard let dims = c.facts(0).dims, let axis = OpContext.axis(c.int("axis", -1), rank: dims.count) else { return }
        let stats = Array(dims[..<axis]) + Array(repeating: DimExpr(1), count: dims.count - axis)
        c.set(1, OpContext.elementType(code: c.int("stash_type", 1)), stats)
    }

    /// BatchNormalization: Y like X; the optional training outputs are shaped like the running
    /// mean and variance (inputs 3 and 4), `[C]`.
    static func batchNormalization(_ c: inout OpContext) {
        c.set(0, like: 0)
        for output in 1..<max(c.node.outputs.count, 1) {
            let source = c.facts(output % 2 == 1 ? 3 : 4)
            c.set(output, source.type ?? c.type(0), source.dims)
        }
    }

    /// SkipLayerNormalization, SkipSimplifiedLayerNormalization (com.microsoft): output and the
    /// input+skip+bias sum like the input; mean and inverse std dev `[..., 1]` float32.
    static func skipLayerNormalization(_ c: inout OpContext) {
        c.set(0, like: 0)
        let dims = c.facts(0).dims
        let stats = dims.map { Array($0.dropLast()) + [DimExpr(1)] }
        c.set(1, OpContext.float32, stats)
        c.set(2, OpContext.float32, stats)
        c.set(3, c.type(0), dims)
    }
}
