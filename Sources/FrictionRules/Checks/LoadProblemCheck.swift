import FrictionCore

/// `load-problem`: surfaces what the loaders reported (issues that let loading continue, and
/// the error that stopped it) as findings, selected by loader code or code prefix.
struct LoadProblemCheck: CheckKind {
    static let id = "load-problem"
    static let summary = "loader issues and errors (by loader code) as findings"
    static let parameters = [
        ParamSpec("codes", .strings, required: true, "loader codes or prefixes (e.g. st-unaligned-header, gguf-, *)"),
        ParamSpec("errors", .bool, "also match the error that stopped loading (default true)"),
        ParamSpec("issues", .bool, "match issues that let loading continue (default true)"),
        ParamSpec("exclude_codes", .strings, "loader codes left to other rules"),
    ]

    let codes: [String]
    let errors: Bool
    let issues: Bool
    let excluded: Set<String>

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        codes = params.strings("codes") ?? []
        errors = params.bool("errors") ?? true
        issues = params.bool("issues") ?? true
        excluded = Set(params.strings("exclude_codes") ?? [])
    }

    func covers(_ code: String) -> Bool {
        !excluded.contains(code) && codes.contains { $0 == "*" || $0 == code || ($0.hasSuffix("-") && code.hasPrefix($0)) }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        var hits: [Hit] = []
        if errors, let e = context.loadError, covers(e.code) {
            hits.append(Hit(location: e.location, values: ["loader_code": e.code, "detail": e.message]))
        }
        if issues {
            for i in context.model.issues where covers(i.code) {
                hits.append(Hit(location: i.location, values: ["loader_code": i.code, "detail": i.message]))
            }
        }
        return hits
    }
}
