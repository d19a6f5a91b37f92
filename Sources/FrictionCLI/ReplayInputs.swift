import Foundation
import FrictionCore
import FrictionExecutor
import FrictionLoaders

/// Inputs for `friction replay`: read from .npz / .npy / .pb files, or generated with a seed.
enum ReplayInputs {
    /// The tensors in `file`, keyed by graph input name: .npz members and .pb tensors by their
    /// names; a lone .npy (or an unnamed .pb) takes the graph input at `position`.
    static func read(_ file: String, position: Int, graphInputs: [String]) throws -> [(String, Tensor)] {
        if file.hasSuffix(".pb") {
            let t = try NodeTestCase.tensor(file)
            let info = try? TensorProtoFile.load(file)
            let name = info.flatMap { $0.name.isEmpty ? nil : $0.name } ?? (position < graphInputs.count ? graphInputs[position] : "")
            return [(name, t)]
        }
        let model: Model
        do throws(LoadError) { model = try ModelLoader.load(file) } catch {
            throw ExecutionError("input-file", "\(file): \(error.message)")
        }
        let materializer = TensorMaterializer()
        var out: [(String, Tensor)] = []
        for info in model.tensors {
            guard info.byteOrder != .big, !info.fortranOrder else {
                throw ExecutionError("input-file", "\(file): \(info.name) is big-endian or Fortran-ordered; save it little-endian C-ordered")
            }
            let name = model.format == .npy ? (position < graphInputs.count ? graphInputs[position] : info.name) : info.name
            out.append((name, try materializer.tensor(info)))
        }
        return out
    }

    /// Seeded generator (SplitMix64): floats uniform in [-1, 1), integers in [0, 10), bools fair.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Elements at most generated for one input (larger declared inputs must be given).
        static let maxElements = 1 << 26

        /// A random tensor, or nil when the declared shape is invalid or above ``maxElements``.
        mutating func tensor(_ type: DType, _ shape: [Int]) -> Tensor? {
            guard let n = Tensor.checkedCount(shape, type), n <= Self.maxElements else { return nil }
            switch ComputeDomain(type) {
            case .float, .double:
                return Tensor.fromDoubles((0..<n).map { _ in Double(next() >> 11) / Double(1 << 53) * 2 - 1 }, type: type, shape: shape)
            case .integer:
                return Tensor.fromInt64s((0..<n).map { _ in Int64(next() % (type == .bool ? 2 : 10)) }, type: type, shape: shape)
            case .string:
                return Tensor(zeros: .string, shape)
            }
        }
    }
}

/// One-line summaries and .npy encodings of tensors.
enum ReplaySummary {
    static func describe(_ t: Tensor) -> String {
        var text = "\(t.type) \(t.shape)"
        guard t.type != .string, t.count > 0 else { return text }
        let v = t.doubles()
        let finite = v.filter(\.isFinite)
        let nonFinite = v.count - finite.count
        if let lo = finite.min(), let hi = finite.max() {
            let mean = finite.reduce(0, +) / Double(finite.count)
            text += " min \(fmt(lo)) max \(fmt(hi)) mean \(fmt(mean))"
        }
        if nonFinite > 0 { text += " non-finite \(nonFinite)" }
        return text
    }

    static func fmt(_ x: Double) -> String {
        let s = "\(Float(x))"
        return s.count > 12 ? String(format: "%.6g", x) : s
    }

    static func npy(_ t: Tensor) -> [UInt8]? {
        guard let descr = NpyWriter.descr(t.type), t.type != .string else {
            // Types NumPy lacks are written as float32 values.
            let f = t.floats()
            return f.withUnsafeBytes { NpyWriter.npy(descr: "<f4", shape: t.shape.map(UInt64.init), payload: $0) }
        }
        return NpyWriter.npy(descr: descr, shape: t.shape.map(UInt64.init),
                             payload: UnsafeRawBufferPointer(start: t.buffer.base, count: t.count * t.elementSize))
    }
}
