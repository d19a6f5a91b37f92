extension Kernels {
    /// Data-movement, shape, indexing, constant and conversion kernels (a list of lists rather than
    /// a long `+` chain, which is slow to type-check).
    static let dataMovement: [KernelSpec] = {
        let groups: [[KernelSpec]] = [
            reshape, flatten, squeeze, unsqueeze, identity, transpose, concat, split, slice,
            gather, gatherElements, gatherND, scatterND, scatterElements, expand, tile, pad,
            shape, size, constant, constantOfShape, range, dropout, trilu, oneHot, nonZero,
            whereOp, cumSum, topK, argMinMax, cast, castLike,
        ]
        return groups.flatMap { $0 }
    }()
}
