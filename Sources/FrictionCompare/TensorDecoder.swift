import FrictionAnalysis
import FrictionCore
import FrictionLoaders
import FrictionNumerics

/// Turns a stored tensor into float32 values in NumPy order, applying its scheme's scales:
/// plain float and integer types, 8-bit and packed 4-bit codes, ggml blocks (numpy shape is
/// ggml's ne reversed), FP8 with a per-tensor or per-channel `weight_scale`, and GPTQ / AWQ
/// `qweight` with `scales`/`qzeros`/`g_idx` (dequantized to [in, out]).
public struct TensorDecoder {
    public let model: Model
    public let payloads: PayloadMap
    private let byName: [String: TensorInfo]

    public init(model: Model, payloads: PayloadMap) {
        self.model = model
        self.payloads = payloads
        self.byName = Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Values in NumPy order with their shape, and how they were obtained.
    public struct Decoded: Sendable {
        public var values: [Float]
        public var shape: [UInt64]
        public var note: String?
        /// The quantization scheme when scales were applied (`NVFP4`, `GPTQ-int4`, `AWQ-int4`,
        /// `float8_e4m3fn`, `int8`), for the format expectations of a comparison.
        public var format: String? = nil
        /// The values are `[in, out]`, the transpose of the module's `[out, in]` weight (GPTQ / AWQ).
        public var inOut = false
    }

    public func tensor(_ name: String) -> TensorInfo? { byName[name] }

    /// Why a tensor's payload is not a plain little-endian array here (big-endian, strided view), or nil.
    public static func unreadable(_ tensor: TensorInfo) -> String? {
        if tensor.byteOrder == .big { return "big-endian payload" }
        if let view = tensor.view, !view.isContiguous(tensor.shape.fixedDims ?? []) { return "a strided view of a shared storage" }
        return nil
    }

    /// Plain decode of a tensor's own codes (no scales).
    public func codes(_ t: TensorInfo) -> [Float]? {
        guard Self.unreadable(t) == nil, let bytes = try? payloads.bytes(for: t), let elements = t.parameterCount,
              let needed = t.type.byteCount(elements: elements), UInt64(bytes.count) >= needed else { return nil }   // never read past the payload
        let count = Int(elements)
        switch t.type {
        case .dtype(let d):
            switch d {
            case .float32: return (0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            case .float64: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
            case .float16: return (0..<count).map { Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
            case .bfloat16: return (0..<count).map { Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16) }
            case .int8: return (0..<count).map { Float(Int8(bitPattern: bytes[$0])) }
            case .uint8: return (0..<count).map { Float(bytes[$0]) }
            case .int16: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
            case .uint16: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
            case .int32: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
            case .uint32: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
            case .int64: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            case .uint64: return (0..<count).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
            default:
                guard let table = DecodeLookup.table(for: d), let bits = d.bits else { return nil }
                if bits == 8 { return (0..<count).map { table[Int(bytes[$0])] } }
                if bits == 4 { return (0..<count).map { i in table[Int(i & 1 == 0 ? bytes[i >> 1] & 0x0F : bytes[i >> 1] >> 4)] } }
                return nil
            }
        case .ggml(let g):
            var out: [Float] = []
            guard GGMLDequant.dequantize(bytes, type: g, into: &out) else { return nil }
            return out
        case .unknown:
            return nil
        }
    }

    /// The tensor's values with its scheme's scales applied (see the type's summary).
    public func decode(_ t: TensorInfo) -> Decoded? {
        let dims = t.shape.fixedDims ?? []
        let module = TensorNames.module(of: t.name)
        let leaf = TensorNames.leaf(of: t.name)
        let quant = model.config?["quantization_config"]
        if leaf == "qweight", case .dtype(.int32) = t.type, dims.count == 2, let method = quant?["quant_method"]?.stringValue?.lowercased(),
           let scalesT = tensor(module + ".scales"), let zerosT = tensor(module + ".qzeros"), let scales = codes(scalesT) {
            let ints = int32s(t), zeros = int32s(zerosT)
            let bits = Int(quant?["bits"]?.int64Value ?? 4)
            let group = Int(quant?["group_size"]?.int64Value ?? 128)
            let pack = 32 / max(1, bits)
            if method == "gptq" {
                guard let inF = (CheckedInt(Int64(clamping: dims[0])) * CheckedInt(Int64(pack))).value.map(Int.init) else { return nil }
                let outF = Int(clamping: dims[1])
                let gIdx = tensor(module + ".g_idx").map(int32s)
                let format: IntPacking.GPTQFormat = quant?["checkpoint_format"]?.stringValue == "gptq_v2" ? .v2 : .v1
                if let v = IntPacking.dequantizeGPTQ(qweight: ints, qzeros: zeros, scales: scales, gIdx: gIdx, bits: bits,
                                                     groupSize: group <= 0 ? inF : group, inFeatures: inF, outFeatures: outF, format: format) {
                    return Decoded(values: v, shape: [UInt64(inF), UInt64(outF)], note: "GPTQ \(bits)-bit dequantized to [in, out]", format: "GPTQ-int\(bits)", inOut: true)
                }
            } else if method == "awq" {
                guard let outF = (CheckedInt(Int64(clamping: dims[1])) * CheckedInt(Int64(pack))).value.map(Int.init) else { return nil }
                let inF = Int(clamping: dims[0])
                if let v = IntPacking.dequantizeAWQ(qweight: ints, qzeros: zeros, scales: scales, groupSize: group, inFeatures: inF, outFeatures: outF) {
                    return Decoded(values: v, shape: [UInt64(inF), UInt64(outF)], note: "AWQ dequantized to [in, out]", format: "AWQ-int\(bits)", inOut: true)
                }
            }
        }
        if case .dtype(.uint8) = t.type, dims.count == 2, leaf == "weight" || leaf == "weight_packed",
           let scaleT = tensor(module + ".weight_scale"), scaleT.type == .dtype(.float8_e4m3fn),
           let globalT = tensor(module + ".weight_scale_2") ?? tensor(module + ".weight_global_scale"),
           let global = codes(globalT)?.first, let data = try? payloads.bytes(for: t), let scales = try? payloads.bytes(for: scaleT) {
            guard let count = Shape.checkedProduct([dims[0], dims[1], 2]).map(Int.init) else { return nil }
            let convention: NVFP4.GlobalScaleConvention = globalT.name.hasSuffix("weight_global_scale") ? .compressedTensors : .modelOpt
            if let v = try? NVFP4.dequantize(data: data, blockScales: scales, globalScale: global, count: count, convention: convention) {
                return Decoded(values: v, shape: [dims[0], dims[1] * 2], note: "NVFP4 (\(convention)) dequantized with \(scaleT.name) and \(globalT.name)", format: "NVFP4")
            }
        }
        if let mx = mxfp4(t, dims: dims, module: module, leaf: leaf) { return mx }
        guard var values = codes(t) else { return nil }
        var shape = dims
        var note: String?
        var format: String?
        if case .ggml = t.type { shape = dims.reversed() }
        // Scaled 8-bit weights: FP8 (per tensor, per channel, per block) and int8 (compressed-tensors W8A8).
        if case .dtype(let d) = t.type, d == .float8_e4m3fn || d == .float8_e5m2 || (d == .int8 && leaf == "weight"),
           let scaleT = tensor(module + ".weight_scale") ?? tensor(module + ".weight_scale_inv"),
           let scale = codes(scaleT), dims.count == 2 {
            format = d.rawValue
            let rows = Int(dims[0]), cols = Int(dims[1])
            if scale.count == 1 {
                values = values.map { $0 * scale[0] }
                note = "\(d.rawValue) × per-tensor scale \(scaleT.name)"
            } else if scale.count == rows {
                for r in 0..<rows { for c in 0..<cols { values[r * cols + c] *= scale[r] } }
                note = "\(d.rawValue) × per-channel scale \(scaleT.name)"
            } else if let sd = scaleT.shape.fixedDims, sd.count == 2, sd[0] > 0, sd[1] > 0 {
                let br = rows.ceilingDivided(by: Int(clamping: sd[0])), bc = cols.ceilingDivided(by: Int(clamping: sd[1]))
                for r in 0..<rows { for c in 0..<cols { values[r * cols + c] *= scale[(r / br) * Int(sd[1]) + c / bc] } }
                note = "\(d.rawValue) × block scale \(scaleT.name)"
            }
        }
        return Decoded(values: values, shape: shape, note: note, format: format)
    }

    /// MXFP4 (OCP Microscaling): E2M1 codes two per byte (element 2k in the low nibble) with one
    /// E8M0 exponent per 32 elements — compressed-tensors' `weight_packed` + `weight_scale`
    /// (uint8 / float8_e8m0fnu), or gpt-oss' `NAME_blocks` [..., blocks, 16] + `NAME_scales`.
    func mxfp4(_ t: TensorInfo, dims: [UInt64], module: String, leaf: String) -> Decoded? {
        guard case .dtype(.uint8) = t.type, let last = dims.last, last > 0 else { return nil }
        let scaleT: TensorInfo?
        let shape: [UInt64]
        if leaf.hasSuffix("_blocks"), dims.count >= 2, last == 16 {
            scaleT = tensor(String(t.name.dropLast("_blocks".count)) + "_scales")
            shape = Array(dims.dropLast(2)) + [dims[dims.count - 2].saturatingMultiply(32)]   // checked below
        } else if leaf == "weight_packed" || leaf == "weight" {
            scaleT = tensor(module + ".weight_scale")
            shape = Array(dims.dropLast()) + [last.saturatingMultiply(2)]
        } else {
            return nil
        }
        guard let scaleT, scaleT.type == .dtype(.uint8) || scaleT.type == .dtype(.float8_e8m0fnu),
              let count = Shape.checkedProduct(shape), count > 0,
              count % 32 == 0, scaleT.parameterCount == count / 32,
              let data = try? payloads.bytes(for: t), let scales = try? payloads.bytes(for: scaleT),
              UInt64(data.count) * 2 >= count, UInt64(scales.count) >= count / 32 else { return nil }
        let grid: [Float] = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6]
        var values = [Float](repeating: 0, count: Int(count))
        for block in 0..<Int(count / 32) {
            let e = Int(scales[block])
            let scale: Float = e == 255 ? .nan : Float(sign: .plus, exponent: e - 127, significand: 1)
            for i in (block * 32)..<(block * 32 + 32) {
                let byte = data[i >> 1]
                values[i] = grid[Int(i & 1 == 0 ? byte & 0x0F : byte >> 4)] * scale
            }
        }
        return Decoded(values: values, shape: shape, note: "MXFP4 dequantized with \(scaleT.name)", format: "MXFP4")
    }

    public func int32s(_ t: TensorInfo) -> [Int32] {
        guard let bytes = try? payloads.bytes(for: t), let count = t.parameterCount.map({ Int(clamping: $0) }), bytes.count / 4 >= count else { return [] }
        return (0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self) }
    }
}
