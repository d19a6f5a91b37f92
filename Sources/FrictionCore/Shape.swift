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

    /// Product of `values`, nil on overflow of UInt64.
    public static func checkedProduct(_ values: [UInt64]) -> UInt64? {
        var product: UInt64 = 1
        for value in values {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            product = next
        }
        return product
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ", ") + "]" }
}
