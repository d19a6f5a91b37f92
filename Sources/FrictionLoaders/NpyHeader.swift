import FrictionCore

/// The parsed preamble of a `.npy` array: format version, dtype, order, shape and where the
/// data starts. Shared by the `.npy` and `.npz` loaders.
struct NpyHeader {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    var version: (UInt8, UInt8)
    var descr: String
    var type: DType
    var byteOrder: ByteOrder
    var fortranOrder: Bool
    var shape: [UInt64]
    /// Offset of the header text and of the first data byte, relative to the array's bytes.
    var headerStart: Int
    var dataStart: Int
    /// Bytes of array data the header implies (0 for an object array).
    var dataBytes: UInt64
    /// An object array (`|O`): the data is a pickle running to the end of the array's bytes, and
    /// `type` means nothing. Only parsed when the caller asks (`allowObject`).
    var objectArray = false

    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 6 && zip(bytes.prefix(6), magic).allSatisfy { $0 == $1 }
    }

    /// The descr kind/size table: NumPy type code → DType.
    static let descrTypes: [String: DType] = [
        "b1": .bool, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
        "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64,
        "f2": .float16, "f4": .float32, "f8": .float64, "c8": .complex64, "c16": .complex128,
    ]

    /// Parses the header at the start of `bytes`. `base` is added to every offset in errors
    /// (the member's position inside an archive); `ctx` names the file.
    static func parse(_ bytes: UnsafeRawBufferPointer, base: Int, _ ctx: LoadContext, allowObject: Bool = false) throws(LoadError) -> NpyHeader {
        guard matches(bytes) else { throw ctx.error("npy-bad-magic", "expected the magic \\x93NUMPY", at: base) }
        var cursor = ByteCursor(bytes, position: 6)
        guard let major = cursor.u8(), let minor = cursor.u8() else {
            throw ctx.error("npy-truncated", "file ends inside the format version", at: base + 6)
        }
        guard [1, 2, 3].contains(major), minor == 0 else {
            throw ctx.error("npy-version", "unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)", at: base + 6)
        }
        let headerLength: UInt64
        if major == 1 {
            guard let n = cursor.u16() else { throw ctx.error("npy-truncated", "file ends inside the header length", at: base + 8) }
            headerLength = UInt64(n)
        } else {
            guard let n = cursor.u32() else { throw ctx.error("npy-truncated", "file ends inside the header length", at: base + 8) }
            headerLength = UInt64(n)
        }
        let headerStart = cursor.position
        guard headerLength <= ctx.options.maxNpyHeader else {
            throw ctx.error("npy-header-too-large", "header length \(headerLength) exceeds the limit of \(ctx.options.maxNpyHeader) bytes (raise with --limit npy-header=N)", at: base + 8)
        }
        guard let raw = cursor.read(headerLength) else {
            throw ctx.error("npy-truncated", "header length \(headerLength) runs past the end (\(cursor.remaining) bytes left)", at: base + 8)
        }
        func syntax(_ why: String) -> LoadError {
            ctx.error("npy-header-syntax", "header is not a plain dict literal: \(why)", at: base + headerStart)
        }
        let text = Array(raw)
        if major < 3, text.contains(where: { $0 >= 0x80 }) { throw syntax("non-ASCII byte in a version \(major) header") }
        if major == 3, UTF8Check.firstInvalidOffset(raw) != nil { throw syntax("header is not valid UTF-8") }
        let literal: PythonLiteral
        do throws(PythonLiteral.SyntaxError) { literal = try PythonLiteral.parse(text) } catch {
            throw syntax("\(error.message) at header byte \(error.offset)")
        }
        guard case .dict(let pairs) = literal else { throw syntax("the header is not a dict") }
        var fields: [String: PythonLiteral] = [:]
        for (key, value) in pairs {
            guard case .string(let name) = key, ["descr", "fortran_order", "shape"].contains(name), fields[name] == nil else {
                throw ctx.error("npy-header-keys", "header keys must be exactly 'descr', 'fortran_order' and 'shape', once each", at: base + headerStart)
            }
            fields[name] = value
        }
        guard let descrValue = fields["descr"], let orderValue = fields["fortran_order"], let shapeValue = fields["shape"] else {
            throw ctx.error("npy-header-keys", "header lacks one of 'descr', 'fortran_order', 'shape'", at: base + headerStart)
        }
        guard case .bool(let fortran) = orderValue else { throw syntax("'fortran_order' must be True or False") }
        let dims: [PythonLiteral]
        switch shapeValue {
        case .tuple(let items): dims = items
        case .int: dims = [shapeValue]
        default: throw syntax("'shape' must be a tuple of integers")
        }
        var shape: [UInt64] = []
        for dim in dims {
            guard case .int(let digits) = dim, let n = UInt64(digits) else { throw syntax("'shape' must hold non-negative integers") }
            shape.append(n)
        }
        guard case .string(let descr) = descrValue else {
            throw ctx.error("npy-unsupported-descr", "structured dtypes are not supported", at: base + headerStart)
        }
        if allowObject, descr.drop(while: { "<>=|".contains($0) }).hasPrefix("O") {
            return NpyHeader(version: (major, minor), descr: descr, type: .uint8, byteOrder: .notApplicable, fortranOrder: fortran,
                             shape: shape, headerStart: headerStart, dataStart: cursor.position, dataBytes: 0, objectArray: true)
        }
        let (type, order) = try dtype(descr, at: base + headerStart, ctx)
        guard let count = Shape.checkedProduct(shape), let dataBytes = ElementType.dtype(type).byteCount(elements: count) else {
            throw ctx.error("npy-overflow", "shape \(shape) × \((type.bits ?? 0) / 8) bytes overflows 64 bits", at: base + headerStart)
        }
        return NpyHeader(version: (major, minor), descr: descr, type: type, byteOrder: order, fortranOrder: fortran,
                         shape: shape, headerStart: headerStart, dataStart: cursor.position, dataBytes: dataBytes)
    }

    private static func dtype(_ descr: String, at offset: Int, _ ctx: LoadContext) throws(LoadError) -> (DType, ByteOrder) {
        var code = Substring(descr)
        var order = ByteOrder.little
        switch code.first {
        case "<", "=": code = code.dropFirst()
        case ">": order = .big; code = code.dropFirst()
        case "|": order = .notApplicable; code = code.dropFirst()
        default: break
        }
        if code == "O" || code.hasPrefix("O") {
            throw ctx.error("npy-object-array", "dtype \(descr) is an object array: its data is a pickle, which friction refuses to load", at: offset)
        }
        guard let type = descrTypes[String(code)] else {
            throw ctx.error("npy-unsupported-descr", "unsupported dtype \(descr)", at: offset)
        }
        if (type.bits ?? 8) <= 8 { order = .notApplicable }
        return (type, order)
    }
}
