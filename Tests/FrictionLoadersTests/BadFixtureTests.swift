import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Every bad fixture gives its exact error or issue: the code and byte offset the generator
/// recorded where it planted the fault.
@Suite struct BadFixtureTests {
    static let entries = Fixtures.bad()
    static let paths = entries.compactMap { $0["path"]?.stringValue }

    /// Per-fixture options the manifest describes in words: the zstd bomb is decoded with a
    /// 1 MiB output cap (its `why` says so); everything else uses the defaults.
    static func options(for path: String) -> LoadOptions {
        var options = LoadOptions()
        if path.hasSuffix("bomb_64mib_zeros.zst") { options.maxDecompressedBytes = 1 << 20 }
        return options
    }

    static func entry(_ path: String) -> JSONValue { entries.first { $0["path"]?.stringValue == path } ?? .null }

    @Test func thereIsABadFixtureForEveryLoader() {
        let formats = Set(Self.entries.compactMap { $0["format"]?.stringValue })
        #expect(formats.isSuperset(of: ["safetensors", "gguf", "npy", "npz", "zstd", "folder"]))
        #expect(Self.entries.count >= 80)
    }

    @Test(arguments: paths)
    func failsWithTheRecordedCodeAndOffset(path: String) {
        let entry = Self.entry(path)
        let code = entry["code"]?.stringValue ?? "?"
        let offset = entry["offset"]?.int64Value.map(UInt64.init)
        let result = Result { () throws(LoadError) in try ModelLoader.load(Fixtures.path(path), options: Self.options(for: path)) }
        switch (entry["expect"]?.stringValue, result) {
        case ("error", .failure(let error)):
            #expect(error.code == code, "\(path): \(error)")
            if let offset { #expect(error.location.offset == offset, "\(path): \(error)") }
            #expect(error.location.file.contains(path.split(separator: "/").last.map(String.init) ?? path) || code.hasPrefix("index-"),
                    "\(path): error names \(error.location.file)")
        case ("error", .success):
            Issue.record("\(path): loaded, expected \(code)")
        case ("issue", .success(let model)):
            let issue = model.issues.first { $0.code == code }
            #expect(issue != nil, "\(path): issues \(model.issues.map(\.code))")
            if let offset, let issue { #expect(issue.location.offset == offset, "\(path): \(issue)") }
        case ("issue", .failure(let error)):
            Issue.record("\(path): expected issue \(code), failed with \(error)")
        default:
            Issue.record("\(path): manifest entry has no expect")
        }
    }

    @Test func unknownGGMLTypesKeepTheRestOfTheFile() throws {
        let model = try ModelLoader.load(Fixtures.path("bad/gguf/unknown_type_200.gguf"))
        #expect(model.tensors.map(\.name).sorted() == ["a", "b", "c"])
        #expect(model.tensors.first { $0.name == "c" }?.type == .unknown("ggml 200"))
    }
}
