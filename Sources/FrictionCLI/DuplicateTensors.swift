import FrictionCore
import FrictionLoaders
import FrictionReport
import Foundation

/// Tensors stored more than once: candidates share dtype, size and a fingerprint of sampled
/// bytes (start, middle, end), and are confirmed by comparing every byte. Views of one storage
/// are not duplicates; tensors under 64 KiB are ignored (identical small biases are common).
enum DuplicateTensors {
    static let minimumBytes: UInt64 = 64 << 10

    static func fingerprint(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let n = b.count, window = min(4096, n)
        for start in [0, max(0, n / 2 - window / 2), max(0, n - window)] {
            for i in start..<min(n, start + window) { h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3 }
        }
        return h
    }

    /// Load issues `memory-duplicate-tensor`, one per extra copy.
    /// `owned`: confirm only the groups whose first tensor is in it (a `--shard` run); every
    /// shard fingerprints every tensor (three 4 KiB windows each), so the groups are the same.
    static func issues(_ model: Model, payloads: PayloadMap, owned: Set<String>? = nil) -> [LoadIssue] {
        var groups: [String: [(TensorInfo, UnsafeRawBufferPointer)]] = [:]
        var seenStorage = Set<String>()
        for t in model.tensors where t.storage.byteCount >= minimumBytes && t.view == nil {
            let key = "\(t.storage.file)|\(t.storage.range.lowerBound)|\(t.storage.range.upperBound)"
            guard seenStorage.insert(key).inserted, let bytes = try? payloads.bytes(for: t) else { continue }
            groups["\(t.type)|\(t.storage.byteCount)|\(fingerprint(bytes))", default: []].append((t, bytes))
        }
        var issues: [LoadIssue] = []
        for (_, members) in groups.sorted(by: { $0.key < $1.key }) where members.count > 1 {
            let (first, firstBytes) = members[0]
            if let owned, !owned.contains(first.name) { continue }
            for (t, bytes) in members.dropFirst() where bytes.count == firstBytes.count
                && (bytes.isEmpty || memcmp(bytes.baseAddress!, firstBytes.baseAddress!, bytes.count) == 0) {
                issues.append(LoadIssue(code: "memory-duplicate-tensor",
                    message: "\(t.name) is byte-identical to \(first.name) (\(Units.bytes(t.storage.byteCount)) stored twice)",
                    location: Location(file: t.storage.file, offset: t.storage.range.lowerBound, path: t.name)))
            }
        }
        return issues
    }
}
