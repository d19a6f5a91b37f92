/// A tensor that views a (possibly shared) storage, as PyTorch stores it: element offset into
/// the storage and element strides per dimension.
public struct TensorView: Sendable, Hashable {
    /// The storage's key in its file (`data/<key>` in a torch zip, the key in a legacy file).
    public var storageKey: String
    /// Byte range of the whole storage in the file.
    public var storageRange: Range<UInt64>
    /// Offset of the first element, in elements.
    public var storageOffset: UInt64
    /// Strides in elements, one per dimension.
    public var strides: [Int64]
    /// `torch.nn.Parameter` rather than a plain tensor.
    public var isParameter: Bool
    public var requiresGrad: Bool

    public init(storageKey: String, storageRange: Range<UInt64>, storageOffset: UInt64, strides: [Int64],
                isParameter: Bool = false, requiresGrad: Bool = false) {
        self.storageKey = storageKey
        self.storageRange = storageRange
        self.storageOffset = storageOffset
        self.strides = strides
        self.isParameter = isParameter
        self.requiresGrad = requiresGrad
    }

    /// The row-major (C-contiguous) strides of `dims`.
    public static func contiguousStrides(_ dims: [UInt64]) -> [Int64] {
        var strides = [Int64](repeating: 1, count: dims.count)
        var step: Int64 = 1
        for i in dims.indices.reversed() {
            strides[i] = step
            step = step &* Int64(clamping: max(dims[i], 1))
        }
        return strides
    }

    /// Whether the view's elements are stored densely in row-major order (dimensions of size 1
    /// may have any stride, as in PyTorch's `is_contiguous`).
    public func isContiguous(_ dims: [UInt64]) -> Bool {
        guard strides.count == dims.count else { return false }
        if dims.contains(0) { return true }
        var expected: Int64 = 1
        for i in dims.indices.reversed() where dims[i] != 1 {
            guard strides[i] == expected else { return false }
            expected = expected &* Int64(clamping: dims[i])
        }
        return true
    }
}

/// One pickle stream in an input (a raw pickle, `data.pkl` of a torch zip, one of a legacy
/// checkpoint's stacked pickles, an archive member).
public struct PickleStream: Sendable, Hashable {
    /// An opcode and the absolute offset of its first use.
    public struct OpcodeUse: Sendable, Hashable {
        public var name: String
        public var offset: UInt64
        public init(name: String, offset: UInt64) {
            self.name = name
            self.offset = offset
        }
    }

    /// Where the stream starts.
    public var location: Location
    public var protocolVersion: Int
    /// Distinct opcodes in order of first use.
    public var opcodes: [OpcodeUse]
    /// Whether `torch.load` unpickles this stream (so its `weights_only` verdict applies).
    public var readByTorchLoad: Bool
    /// The stream's globals: indices into ``Model/pickleGlobals``.
    public var globals: Range<Int>

    public init(location: Location, protocolVersion: Int, opcodes: [OpcodeUse], readByTorchLoad: Bool, globals: Range<Int>) {
        self.location = location
        self.protocolVersion = protocolVersion
        self.opcodes = opcodes
        self.readByTorchLoad = readByTorchLoad
        self.globals = globals
    }
}
