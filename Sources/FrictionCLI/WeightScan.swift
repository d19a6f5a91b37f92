import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionNumerics

/// Scans the weights of a model: statistics per tensor for every payload that is a plain array
/// in a mapped file (float types directly, 8-bit and packed 4-bit types through decode tables,
/// ggml block types through their dequantizers, a chunk at a time).
struct WeightScan {
    struct Result {
        var statistics: [String: TensorStatistics] = [:]
        /// Tensors that could not be scanned, with the reason.
        var skipped: [(String, String)] = []
    }

    /// Why a tensor's bytes are not a plain little-endian row-major array, if they are not.
    static func unscannable(_ tensor: TensorInfo) -> String? {
        TensorDecoder.unreadable(tensor).map { $0 + " (not scanned)" }
    }

    /// Scans the tensors named in `only` (all when nil), reporting progress when given.
    static func scan(_ model: Model, payloads: PayloadMap, only: Set<String>? = nil, progress: Progress? = nil) -> Result {
        var result = Result()
        let selected = model.tensors.filter { only?.contains($0.name) ?? true }
        progress?.start(tensors: selected.count, bytes: selected.reduce(0) { $0 &+ $1.storage.byteCount }, label: model.path)
        if let first = selected.first { payloads.advise(first, .willNeed) }
        for (k, tensor) in selected.enumerated() {
            // Stream: the next payload is read ahead while this one is scanned; scanned pages leave
            // the resident set.
            if k + 1 < selected.count { payloads.advise(selected[k + 1], .willNeed) }
            defer {
                payloads.advise(tensor, .done)
                progress?.advance(bytes: tensor.storage.byteCount)
            }
            let key = tensor.storage.file + "|" + tensor.name
            if let reason = unscannable(tensor) {
                result.skipped.append((tensor.name, reason))
                continue
            }
            let bytes: UnsafeRawBufferPointer?
            do throws(LoadError) { bytes = try payloads.bytes(for: tensor) } catch {
                result.skipped.append((tensor.name, error.message))
                continue
            }
            guard let bytes else {
                result.skipped.append((tensor.name, "payload is inside a compressed or encoded stream"))
                continue
            }
            let stats = WeightStatistics.scan(tensor, bytes: bytes)
            if let stats { result.statistics[key] = stats } else { result.skipped.append((tensor.name, "no decoder for \(tensor.type)")) }
        }
        return result
    }
}
