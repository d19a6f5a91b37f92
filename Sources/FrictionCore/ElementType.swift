/// What one tensor element is stored as: a plain ``DType``, a ggml block type, or a type the
/// loader could not identify (kept so the rest of the file can still be listed).
public enum ElementType: Sendable, Hashable, Comparable, CustomStringConvertible {
    case dtype(DType)
    case ggml(GGMLType)
    case unknown(String)

    /// The name shown in reports: the DType's canonical name, the ggml type name, or
    /// `unknown(<what the file said>)`.
    public var description: String {
        switch self {
        case .dtype(let type): type.rawValue
        case .ggml(let type): type.element?.rawValue ?? type.name
        case .unknown(let what): "unknown(\(what))"
        }
    }

    public static func < (lhs: ElementType, rhs: ElementType) -> Bool { lhs.description < rhs.description }

    /// Bytes needed to store `elements` elements, or nil if that overflows, the type has no fixed
    /// size, or `elements` does not fill whole blocks / whole bytes.
    public func byteCount(elements: UInt64) -> UInt64? {
        switch self {
        case .dtype(let type):
            guard let bits = type.bits else { return nil }
            let (total, overflow) = elements.multipliedReportingOverflow(by: UInt64(bits))
            guard !overflow, total % 8 == 0 else { return nil }
            return total / 8
        case .ggml(let type):
            let block = UInt64(type.blockSize)
            guard elements % block == 0 else { return nil }
            let (total, overflow) = (elements / block).multipliedReportingOverflow(by: UInt64(type.typeSize))
            return overflow ? nil : total
        case .unknown:
            return nil
        }
    }
}
