import FrictionCore

/// `onnx-protobuf-size`: an ONNX file without external data near or past protobuf's 2 GiB limit.
struct ProtobufSizeCheck: CheckKind {
    static let id = "onnx-protobuf-size"
    static let summary = "ONNX model near the 2 GiB protobuf limit without external data"
    static let parameters = [ParamSpec("min_bytes", .int, "report from this file size on (default 1.8 GiB)")]

    static let limit: UInt64 = 2_147_483_648
    let minBytes: UInt64

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        minBytes = UInt64(max(0, params.int("min_bytes") ?? 1_932_735_283))
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let model = context.model
        guard model.format == .onnx, let main = model.sources.first else { return [] }
        let size = main.decodedSize ?? main.size
        guard size >= minBytes else { return [] }
        let external = model.tensors.contains { $0.storage.file != main.path }
        guard !external else { return [] }
        return [Hit(location: Location(file: main.path), values: [
            "bytes": String(size), "gib": String(Double(size * 10 / (1 << 30)) / 10), "state": size >= Self.limit ? "past" : "near",
        ])]
    }
}
