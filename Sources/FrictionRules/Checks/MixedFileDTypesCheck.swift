import FrictionAnalysis
import FrictionCore

/// `mixed-file-dtypes`: the shards (files) of one model store their floating weights in
/// different dtypes, usually a broken merge or a partial conversion.
struct MixedFileDTypesCheck: CheckKind {
    static let id = "mixed-file-dtypes"
    static let summary = "files of one model storing weights in different floating dtypes"
    static let parameters: [ParamSpec] = []

    init(params: Params, knowledge: Knowledge) throws(ParamError) {}

    func evaluate(_ context: CheckContext) -> [Hit] {
        let byFile = context.facts.floatTypesByFile
        guard byFile.count > 1 else { return [] }
        // The dtype set most files agree on; every file that differs is reported.
        var votes: [Set<DType>: Int] = [:]
        for types in byFile.values { votes[types, default: 0] += 1 }
        guard votes.count > 1, let common = votes.max(by: { ($0.value, $1.key.description) < ($1.value, $0.key.description) })?.key else { return [] }
        return byFile.keys.sorted().compactMap { file in
            guard let types = byFile[file], types != common else { return nil }
            return Hit(location: Location(file: file), values: [
                "file_dtypes": types.map(\.rawValue).sorted().joined(separator: ", "),
                "common_dtypes": common.map(\.rawValue).sorted().joined(separator: ", "),
            ])
        }
    }
}

extension Set where Element == DType {
    var description: String { map(\.rawValue).sorted().joined(separator: ",") }
}
