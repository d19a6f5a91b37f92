/// Where a tensor's bytes are: a byte range of a source file, or of a decoded stream inside it
/// (a deflated zip member, a zstd frame), named by `container`.
public struct TensorStorage: Sendable, Hashable {
    /// The file as the user named it.
    public var file: String
    /// Absolute byte range in `file`, or in the decoded `container` stream when one is named.
    public var range: Range<UInt64>
    /// A container layer the range is relative to, e.g. `zstd` or `zip:weights.npy (deflated)`.
    public var container: String?

    public init(file: String, range: Range<UInt64>, container: String? = nil) {
        self.file = file
        self.range = range
        self.container = container
    }

    public var byteCount: UInt64 { range.upperBound - range.lowerBound }
}

/// Byte order of stored elements.
public enum ByteOrder: String, Sendable, Hashable {
    case little, big, notApplicable = "n/a"
}

/// One tensor as a file declares it. Listing a tensor never reads its payload.
public struct TensorInfo: Sendable, Hashable {
    public var name: String
    public var type: ElementType
    /// The type name the format itself uses, e.g. `BF16`, `Q4_K`, `>f4`.
    public var storedType: String
    public var shape: Shape
    public var storage: TensorStorage
    public var byteOrder: ByteOrder
    /// Column-major layout (NumPy `fortran_order`).
    public var fortranOrder: Bool
    /// For tensors that are views of a storage (PyTorch): the storage, offset and strides.
    /// `storage.range` then covers the bytes the view can reach.
    public var view: TensorView?

    public init(
        name: String, type: ElementType, storedType: String, shape: Shape, storage: TensorStorage,
        byteOrder: ByteOrder = .little, fortranOrder: Bool = false, view: TensorView? = nil
    ) {
        self.name = name
        self.type = type
        self.storedType = storedType
        self.shape = shape
        self.storage = storage
        self.byteOrder = byteOrder
        self.fortranOrder = fortranOrder
        self.view = view
    }

    /// Number of parameters (elements), nil when the shape is symbolic or overflows.
    public var parameterCount: UInt64? { shape.elementCount }
}
