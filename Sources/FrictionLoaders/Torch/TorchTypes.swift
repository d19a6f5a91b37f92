import FrictionCore

/// PyTorch's dtypes and storage classes as pickles name them: the element each one holds and
/// its size in bytes (`torch._utils._element_size`).
enum TorchTypes {
    struct Element: Hashable {
        /// The torch name without `torch.` (`bfloat16`, `qint8`).
        var name: String
        var type: ElementType
        var size: UInt64
    }

    private static func element(_ name: String, _ size: UInt64, _ dtype: DType?) -> Element {
        Element(name: name, type: dtype.map(ElementType.dtype) ?? .unknown("torch.\(name)"), size: size)
    }

    /// `torch.<name>` dtype globals (canonical names and their aliases).
    static let dtypes: [String: Element] = {
        let rows: [(names: [String], size: UInt64, dtype: DType?)] = [
            (["float32", "float"], 4, .float32), (["float64", "double"], 8, .float64), (["float16", "half"], 2, .float16),
            (["bfloat16"], 2, .bfloat16), (["float8_e4m3fn"], 1, .float8_e4m3fn), (["float8_e5m2"], 1, .float8_e5m2),
            (["float8_e4m3fnuz"], 1, .float8_e4m3fnuz), (["float8_e5m2fnuz"], 1, .float8_e5m2fnuz),
            (["float8_e8m0fnu"], 1, .float8_e8m0fnu), (["float4_e2m1fn_x2"], 1, nil),
            (["complex32", "chalf"], 4, nil), (["complex64", "cfloat"], 8, .complex64), (["complex128", "cdouble"], 16, .complex128),
            (["int8"], 1, .int8), (["uint8"], 1, .uint8), (["int16", "short"], 2, .int16), (["int32", "int"], 4, .int32),
            (["int64", "long"], 8, .int64), (["uint16"], 2, .uint16), (["uint32"], 4, .uint32), (["uint64"], 8, .uint64),
            (["bool"], 1, .bool), (["qint8"], 1, nil), (["quint8"], 1, nil), (["qint32"], 4, nil), (["quint4x2"], 1, nil),
            (["quint2x4"], 1, nil), (["bits8"], 1, nil), (["bits16"], 2, nil), (["bits1x8"], 1, nil), (["bits2x4"], 1, nil),
            (["bits4x2"], 1, nil),
        ]
        var table: [String: Element] = [:]
        for row in rows {
            let e = element(row.names[0], row.size, row.dtype)
            for name in row.names { table[name] = e }
        }
        return table
    }()

    /// Legacy typed storage classes (`torch.FloatStorage`, also under `torch.cuda`), by class
    /// name; `UntypedStorage` holds bytes.
    static let storageClasses: [String: Element] = {
        let rows: [(String, String)] = [
            ("FloatStorage", "float32"), ("DoubleStorage", "float64"), ("HalfStorage", "float16"), ("LongStorage", "int64"),
            ("IntStorage", "int32"), ("ShortStorage", "int16"), ("CharStorage", "int8"), ("ByteStorage", "uint8"),
            ("BoolStorage", "bool"), ("BFloat16Storage", "bfloat16"), ("ComplexDoubleStorage", "complex128"),
            ("ComplexFloatStorage", "complex64"), ("QInt8Storage", "qint8"), ("QInt32Storage", "qint32"),
            ("QUInt8Storage", "quint8"), ("QUInt4x2Storage", "quint4x2"), ("QUInt2x4Storage", "quint2x4"),
            ("UntypedStorage", "uint8"),
        ]
        var table: [String: Element] = [:]
        for (cls, dtype) in rows { table[cls] = dtypes[dtype] }
        return table
    }()

    /// The element of a storage class global, if it is one.
    static func storage(module: String, name: String) -> Element? {
        guard ["torch", "torch.cuda", "torch.storage"].contains(module) else { return nil }
        return storageClasses[name]
    }

    /// The element of a dtype global (`torch.bfloat16`), if it is one.
    static func dtype(module: String, name: String) -> Element? {
        module == "torch" ? dtypes[name] : nil
    }
}
