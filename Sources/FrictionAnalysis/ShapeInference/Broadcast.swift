import FrictionCore

/// Multidirectional (NumPy) broadcasting of shapes whose sizes may be symbolic or unknown.
///
/// Shapes are right-aligned. Per position, following onnx's `multidirectionalBroadcastShapeInference`:
/// * a constant other than 1 wins (symbols and unknown sizes must then be that constant or 1);
///   two different such constants do not broadcast;
/// * otherwise, when every non-1 size is the same expression (or all are unknown), that size;
/// * `seq` with 1 gives `seq`; two different symbols (`seq` and `past`), or a symbol and an unknown
///   size, give an unknown size, because either could be the 1 that stretches.
enum Broadcast {
    /// The outcome of broadcasting.
    enum Outcome: Equatable {
        case shape([DimExpr?])
        /// Some input's rank is unknown, so the output rank is too.
        case unknownRank
        case incompatible(String)
    }

    /// Broadcasts all `shapes` (nil = unknown rank).
    static func shapes(_ shapes: [[DimExpr?]?]) -> Outcome {
        var known: [[DimExpr?]] = []
        for shape in shapes {
            guard let shape else { return .unknownRank }
            known.append(shape)
        }
        let rank = known.map(\.count).max() ?? 0
        var out: [DimExpr?] = []
        for position in 0..<rank {
            var column: [DimExpr?] = []
            for shape in known where position >= rank - shape.count {
                column.append(shape[position - (rank - shape.count)])
            }
            guard let dim = dim(column) else {
                let text = known.map { "[" + $0.map { DimExpr.dim($0).description }.joined(separator: ", ") + "]" }
                return .incompatible("shapes \(text.joined(separator: " and ")) do not broadcast")
            }
            out.append(dim)
        }
        return .shape(out)
    }

    /// Broadcasts the sizes in one aligned position; the outer nil means incompatible.
    static func dim(_ sizes: [DimExpr?]) -> DimExpr?? {
        var value: Int64 = 1
        var symbolic: [DimExpr?] = []
        for size in sizes {
            if let constant = size?.constant {
                if constant == 1 { continue }
                if value != 1, value != constant { return .none }
                value = constant
            } else if !symbolic.contains(size) {
                symbolic.append(size)
            }
        }
        if value != 1 || symbolic.isEmpty { return .some(DimExpr(value)) }
        return symbolic.count == 1 ? .some(symbolic[0]) : .some(nil)
    }

    /// Unidirectional broadcasting (`Expand`'s target shape, `PRelu`'s slope): like ``shapes(_:)``
    /// for two shapes.
    static func pair(_ a: [DimExpr?]?, _ b: [DimExpr?]?) -> Outcome { shapes([a, b]) }
}
