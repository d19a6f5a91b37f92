import FrictionCore
import FrictionNumerics

/// A number format a tensor is rounded to during low-precision replay, with its scaling:
/// plain element formats (TF32, BF16, FP16), scaled FP8 (per-tensor amax scaling, current or
/// delayed), block formats (NVFP4 with two-level scales, MXFP8 / MXFP4 with E8M0 scales) and
/// integer quantization (INT8 symmetric per channel or per tensor, INT4 in groups).
public enum EmulatedFormat: Sendable, Hashable, CustomStringConvertible {
    case fp32, tf32, bf16, fp16
    /// E4M3 or E5M2 with a per-tensor scale amax / max-finite (`delayed`: amax of the FP32 reference).
    case fp8(e5m2: Bool, delayed: Bool)
    case nvfp4
    case mxfp8, mxfp4
    /// Symmetric INT8: per output channel for weights, per tensor for activations.
    case int8
    /// Symmetric INT4 in groups of `group` along the contraction axis.
    case int4(group: Int)

    public var description: String {
        switch self {
        case .fp32: "fp32"
        case .tf32: "tf32"
        case .bf16: "bf16"
        case .fp16: "fp16"
        case .fp8(let e5m2, let delayed): (e5m2 ? "fp8_e5m2" : "fp8_e4m3") + (delayed ? "_delayed" : "")
        case .nvfp4: "nvfp4"
        case .mxfp8: "mxfp8"
        case .mxfp4: "mxfp4"
        case .int8: "int8"
        case .int4(let g): g == 128 ? "int4" : "int4_g\(g)"
        }
    }

    /// Parses a format name as policies write it.
    public init?(name: String) {
        switch name.lowercased() {
        case "fp32", "float32", "float": self = .fp32
        case "tf32": self = .tf32
        case "bf16", "bfloat16": self = .bf16
        case "fp16", "float16", "half": self = .fp16
        case "fp8", "fp8_e4m3", "e4m3": self = .fp8(e5m2: false, delayed: false)
        case "fp8_e5m2", "e5m2": self = .fp8(e5m2: true, delayed: false)
        case "fp8_delayed", "fp8_e4m3_delayed": self = .fp8(e5m2: false, delayed: true)
        case "fp8_e5m2_delayed": self = .fp8(e5m2: true, delayed: true)
        case "nvfp4": self = .nvfp4
        case "mxfp8": self = .mxfp8
        case "mxfp4": self = .mxfp4
        case "int8": self = .int8
        case "int4": self = .int4(group: 128)
        default:
            if name.lowercased().hasPrefix("int4_g"), let g = Int(name.dropFirst(6)), g > 0 { self = .int4(group: g) } else { return nil }
        }
    }

    /// The element format whose grid a value lands on (for ULP and range statistics).
    public var element: ScalarFormat? {
        switch self {
        case .fp32, .tf32: nil
        case .bf16: .bfloat16
        case .fp16: .float16
        case .fp8(let e5m2, _): e5m2 ? .float8E5M2 : .float8E4M3FN
        case .nvfp4, .mxfp4: .float4E2M1FN
        case .mxfp8: .float8E4M3FN
        case .int8: .int8
        case .int4: .int4
        }
    }

    /// Mantissa bits of the element grid (23 for FP32), for ULP statistics.
    public var mantissaBits: Int {
        switch self {
        case .fp32: 23
        case .tf32: 10
        default: element?.mantissaBits ?? 23
        }
    }

    /// Largest finite magnitude after scaling (nil: none, the value scales).
    public var maxFinite: Float? {
        switch self {
        case .fp32, .tf32: Float.greatestFiniteMagnitude
        case .bf16: Float(ScalarFormat.bfloat16.maxFinite)
        case .fp16: 65504
        default: nil
        }
    }

    /// Smallest positive value the format keeps (below it values flush to zero).
    public var minPositive: Float? {
        switch self {
        case .fp16: Float(Float16.leastNonzeroMagnitude)
        case .bf16: Float(bitPattern: 1)
        case .fp32, .tf32: Float.leastNonzeroMagnitude
        default: nil
        }
    }

    /// Whether the format scales values (so overflow and underflow are per block, not absolute).
    public var isScaled: Bool { maxFinite == nil }
}
