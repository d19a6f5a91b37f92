/// One dimension of a tensor shape: a known size or a named symbolic size (e.g. `batch`).
public enum Dim: Sendable, Hashable, CustomStringConvertible {
    case fixed(UInt64)
    case symbolic(String)

    public var description: String {
        switch self {
        case .fixed(let n): String(n)
        case .symbolic(let name): name
        }
    }
}

/// A tensor shape, outermost dimension first, as the format stores it.
public struct Shape: Sendable, Hashable, CustomStringConvertible {
    public var dims: [Dim]

    public init(_ dims: [Dim]) { self.dims = dims }

    /// A shape of fixed dimensions.
    public init(fixed: [UInt64]) { self.dims = fixed.map { .fixed($0) } }

    public var rank: Int { dims.count }

    /// The fixed sizes, or nil if any dimension is symbolic.
    public var fixedDims: [UInt64]? {
        var out: [UInt64] = []
        out.reserveCapacity(dims.count)
        for dim in dims {
            guard case .fixed(let n) = dim else { return nil }
            out.append(n)
        }
        return out
    }

    /// The element count (1 for rank 0), or nil if a dimension is symbolic or the product overflows.
    public var elementCount: UInt64? {
        guard let fixed = fixedDims else { return nil }
        return Shape.checkedProduct(fixed)
    }

    /// Product of `values`, or nil when it exceeds `Int64.max` — or when the product with zeros
    /// counted as one does: a shape like [0, 2^63] holds no element, but the strides of its
    /// other dimensions overflow any index computation, so no loader accepts it.
    public static func checkedProduct(_ values: [UInt64]) -> UInt64? {
        var product: UInt64 = 1
        var extent: UInt64 = 1
        for value in values {
            let (next, overflow) = extent.multipliedReportingOverflow(by: max(value, 1))
            if overflow || next > UInt64(Int64.max) { return nil }
            extent = next
            product = value == 0 ? 0 : product * value   // product ≤ extent, so this cannot overflow
        }
        return product
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ", ") + "]" }
}
