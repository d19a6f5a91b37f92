import FrictionCore

/// Facts derived once from a model for the rules: dtype mix, files, layers, quantization.
public struct ModelFacts: Sendable {
    public let model: Model
    /// Parsed config.json summary, when the model is a folder with one.
    public let config: HFConfig?
    /// Bytes of floating-point weight tensors (scales and other companions excluded) by dtype.
    public let floatWeightBytes: [DType: UInt64]
    /// The floating-point dtypes of weights per source file.
    public let floatTypesByFile: [String: Set<DType>]
    /// Number of transformer blocks seen in tensor names (max index + 1), if any are numbered.
    public let layerCount: Int?
    /// Low-precision formats the weights use, with the tensors using each.
    public let weightFormats: [String: [String]]

    public init(_ model: Model) {
        self.model = model
        self.config = model.config.map(HFConfig.init)
        var bytes: [DType: UInt64] = [:]
        var byFile: [String: Set<DType>] = [:]
        var maxLayer: Int?
        for tensor in model.tensors {
            if let layer = TensorNames.layerIndex(of: tensor.name) { maxLayer = max(maxLayer ?? layer, layer) }
            guard !TensorNames.isAuxiliary(tensor.name), let type = tensor.floatType else { continue }
            bytes[type, default: 0] &+= tensor.storage.byteCount
            byFile[tensor.storage.file, default: []].insert(type)
        }
        floatWeightBytes = bytes
        floatTypesByFile = byFile
        layerCount = maxLayer.map { $0 + 1 }
        weightFormats = QuantSchemes.weightFormats(model, config: model.config)
    }

    /// The floating dtype holding most weight bytes.
    public var dominantFloatType: DType? {
        floatWeightBytes.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// Total bytes of all tensors.
    public var totalBytes: UInt64 { model.tensorBytes }

    /// Tensors by name (first wins).
    public var tensorsByName: [String: TensorInfo] {
        Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension TensorInfo {
    /// The plain floating-point element type, for DType tensors and ggml F32/F16/BF16.
    public var floatType: DType? {
        switch type {
        case .dtype(let d) where d.traits.family == .float: d
        case .ggml(let g) where g.element?.traits.family == .float: g.element
        default: nil
        }
    }
}
