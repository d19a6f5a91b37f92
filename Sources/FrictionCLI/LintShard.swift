import ArgumentParser
import FrictionCore

/// `--shard K/N`: which part of the work this run owns. Every shard loads every input (headers
/// are cheap) and runs the header-level rules; the expensive work is split deterministically:
/// weight scans by tensor (greedy by bytes, largest first, into the least-loaded shard),
/// duplicate-tensor confirmation by the shard owning a group's first tensor, replay and
/// reference comparison by input. `friction merge` combines the partial reports.
struct LintShard: Sendable, Equatable {
    var index: Int   // 1-based
    var count: Int

    static let whole = LintShard(index: 1, count: 1)

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 1, k <= n else {
            throw ValidationError("--shard takes K/N with 1 <= K <= N, e.g. 2/8; got '\(text)'")
        }
        self.init(index: k, count: n)
    }

    var isWhole: Bool { count == 1 }

    /// The tensors of `model` whose weights this shard scans.
    func ownedTensors(_ model: Model) -> Set<String> {
        guard !isWhole else { return Set(model.tensors.map(\.name)) }
        var load = [UInt64](repeating: 0, count: count)
        var owned = Set<String>()
        let order = model.tensors.sorted { ($0.storage.byteCount, $1.name) > ($1.storage.byteCount, $0.name) }
        for t in order {
            let target = load.indices.min { (load[$0], $0) < (load[$1], $1) } ?? 0
            load[target] &+= max(t.storage.byteCount, 1)
            if target == index - 1 { owned.insert(t.name) }
        }
        return owned
    }

    /// Whether this shard owns whole-input work (replay, reference comparison) for the input at
    /// `position` in path order.
    func ownsInput(_ position: Int) -> Bool { isWhole || position % count == index - 1 }

    /// The command line without `--shard K/N` and without where the report is written
    /// (`-o` / `--output`): every part of one run, and the single run, record the same command.
    static func strip(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var skip = false
        for a in arguments {
            if skip { skip = false; continue }
            if ["--shard", "-o", "--output"].contains(a) { skip = true; continue }
            if a.hasPrefix("--shard=") || a.hasPrefix("--output=") || (a.hasPrefix("-o") && a.count > 2 && !a.hasPrefix("--")) { continue }
            out.append(a)
        }
        return out
    }
}
