import FrictionCore

/// One kernel: the op it implements, its domain, the opset versions (of that domain) whose
/// semantics it implements, and the function that runs it.
public struct KernelSpec: Sendable {
    public typealias Run = @Sendable (KernelContext) throws(ExecutionError) -> [Tensor]

    public let op: String
    public let domain: String
    public let versions: ClosedRange<Int>
    public let run: Run

    public init(_ op: String, domain: String = "", versions: ClosedRange<Int> = 1...KernelSpec.latestOpset, run: @escaping Run) {
        self.op = op
        self.domain = domain
        self.versions = versions
        self.run = run
    }

    /// The newest default-domain opset these kernels know (onnx 1.23.2).
    public static let latestOpset = 28
}

/// Every kernel, by op and domain. A test proves the list covers the required op set and that
/// no op is registered twice for overlapping versions.
public enum KernelRegistry {
    public static let all: [KernelSpec] = Kernels.catalog

    /// The kernel for `op` in `domain` at `opset`, or an error listing what exists.
    public static func kernel(_ op: String, domain: String, opset: Int) throws(ExecutionError) -> KernelSpec {
        let d = domain == "ai.onnx" ? "" : domain
        let candidates = all.filter { $0.op == op && $0.domain == d }
        if let k = candidates.first(where: { $0.versions.contains(opset) }) { return k }
        if candidates.isEmpty {
            let known = Set(all.filter { $0.domain == d }.map(\.op)).sorted()
            throw ExecutionError("missing-kernel", "no kernel for \(d.isEmpty ? "" : d + ".")\(op); kernels exist for: \(known.joined(separator: " "))")
        }
        let ranges = candidates.map { "\($0.versions.lowerBound)–\($0.versions.upperBound)" }.joined(separator: ", ")
        throw ExecutionError("missing-kernel", "\(op) at opset \(opset) is not implemented (implemented for opsets \(ranges))")
    }
}

/// The kernels, gathered from the files in Kernels/ (each adds its specs to one list).
public enum Kernels {}
