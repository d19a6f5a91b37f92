import FrictionAnalysis
import FrictionCore

/// Selects tensors by name (glob or regular expression), element type, rank, shape and size.
/// The generic core of `tensor-selector` rules, reusable by other checks.
public struct TensorSelector: @unchecked Sendable {
    var nameGlob: String?
    var nameRegex: Regex<AnyRegexOutput>?
    var excludeRegex: Regex<AnyRegexOutput>?
    var dtypes: Set<String>?
    var rank: Int?
    var minRank: Int?
    var maxRank: Int?
    var notMultipleOf: Int64?
    var dims: [Int]?
    var minDim: UInt64?
    var minBytes: UInt64?
    var maxBytes: UInt64?
    var minParameters: UInt64?
    var includeAuxiliary: Bool

    /// The parameters a selector understands (shared by the checks that embed one).
    public static let specs: [ParamSpec] = [
        ParamSpec("name", .string, "shell glob the tensor name must match, e.g. '*.weight'"),
        ParamSpec("name_regex", .string, "regular expression the tensor name must contain a match of"),
        ParamSpec("exclude_regex", .string, "tensors whose name matches this are skipped"),
        ParamSpec("dtypes", .strings, "element types (friction names such as bfloat16, safetensors names such as BF16, ggml names such as Q4_K)"),
        ParamSpec("rank", .int, "exact number of dimensions"),
        ParamSpec("min_rank", .int, "at least this many dimensions"),
        ParamSpec("max_rank", .int, "at most this many dimensions"),
        ParamSpec("dim_not_multiple_of", .int, "select tensors with a dimension that is not a multiple of N"),
        ParamSpec("dims", .ints, "which dimensions dim_not_multiple_of looks at (negative counts from the end; default all)"),
        ParamSpec("min_dim", .int, "dimensions smaller than this are not checked by dim_not_multiple_of"),
        ParamSpec("min_bytes", .int, "at least this many stored bytes"),
        ParamSpec("max_bytes", .int, "at most this many stored bytes"),
        ParamSpec("min_parameters", .int, "at least this many elements"),
        ParamSpec("include_auxiliary", .bool, "also select scale / zero-point / codebook companions (default false)"),
    ]

    public init(_ p: Params) throws(ParamError) {
        nameGlob = p.string("name")
        nameRegex = try Self.regex(p.string("name_regex"), key: "name_regex")
        excludeRegex = try Self.regex(p.string("exclude_regex"), key: "exclude_regex")
        if let names = p.strings("dtypes") {
            var set = Set<String>()
            for n in names {
                guard let type = ExampleModel.elementType(n) else { throw ParamError("unknown dtype '\(n)'", key: "dtypes") }
                set.insert(type.description)
            }
            dtypes = set
        }
        rank = p.int("rank").map(Int.init)
        minRank = p.int("min_rank").map(Int.init)
        maxRank = p.int("max_rank").map(Int.init)
        notMultipleOf = p.int("dim_not_multiple_of")
        if let n = notMultipleOf, n <= 0 { throw ParamError("dim_not_multiple_of must be positive", key: "dim_not_multiple_of") }
        dims = p.ints("dims")?.map(Int.init)
        minDim = p.int("min_dim").map { UInt64(max(0, $0)) }
        minBytes = p.int("min_bytes").map { UInt64(max(0, $0)) }
        maxBytes = p.int("max_bytes").map { UInt64(max(0, $0)) }
        minParameters = p.int("min_parameters").map { UInt64(max(0, $0)) }
        includeAuxiliary = p.bool("include_auxiliary") ?? false
    }

    static func regex(_ pattern: String?, key: String) throws(ParamError) -> Regex<AnyRegexOutput>? {
        guard let pattern else { return nil }
        do { return try Regex(pattern) } catch { throw ParamError("'\(pattern)' is not a valid regular expression", key: key) }
    }

    /// The dimension (index, size) that breaks `dim_not_multiple_of`, if any.
    public func offendingDim(_ t: TensorInfo) -> (Int, UInt64)? {
        guard let n = notMultipleOf, let fixed = t.shape.fixedDims else { return nil }
        let indices = dims.map { $0.map { $0 < 0 ? fixed.count + $0 : $0 } } ?? Array(fixed.indices)
        for i in indices where i >= 0 && i < fixed.count {
            if let minDim, fixed[i] < minDim { continue }
            if fixed[i] % UInt64(n) != 0 { return (i, fixed[i]) }
        }
        return nil
    }

    public func matches(_ t: TensorInfo) -> Bool {
        if !includeAuxiliary && TensorNames.isAuxiliary(t.name) { return false }
        if let nameGlob, !Glob.matches(nameGlob, t.name) { return false }
        if let nameRegex, (try? nameRegex.firstMatch(in: t.name)) == nil { return false }
        if let excludeRegex, (try? excludeRegex.firstMatch(in: t.name)) != nil { return false }
        if let dtypes, !dtypes.contains(t.type.description) { return false }
        if let rank, t.shape.rank != rank { return false }
        if let minRank, t.shape.rank < minRank { return false }
        if let maxRank, t.shape.rank > maxRank { return false }
        if let minBytes, t.storage.byteCount < minBytes { return false }
        if let maxBytes, t.storage.byteCount > maxBytes { return false }
        if let minParameters, (t.parameterCount ?? 0) < minParameters { return false }
        if notMultipleOf != nil, offendingDim(t) == nil { return false }
        return true
    }
}
