import FrictionCore

/// The one table from op type (and domain) to shape function.
///
/// Shape functions are opset-aware by reading what the node holds (an `axes` attribute before the
/// opset that made it an input, the input after), so one entry serves every version of an op.
enum OpShapeRegistry {
    /// One registered op.
    struct Entry {
        /// `""` for the default ONNX domain (`ai.onnx` is the same), else e.g. `com.microsoft`.
        let domain: String
        let opType: String
        let function: OpShapeFunction
    }

    /// Every registered op, in one list (a test can check it for duplicates).
    static let entries: [Entry] = onnx.map { Entry(domain: "", opType: $0.0, function: $0.1) }
        + microsoft.map { Entry(domain: "com.microsoft", opType: $0.0, function: $0.1) }

    /// The shape function for `opType` in `domain`, or nil when inference does not know the op.
    static func function(domain: String, opType: String) -> OpShapeFunction? {
        table[Key(domain: domain == "ai.onnx" ? "" : domain, opType: opType)]
    }

    private struct Key: Hashable {
        let domain: String
        let opType: String
    }

    private static let table: [Key: OpShapeFunction] = Dictionary(
        entries.map { (Key(domain: $0.domain, opType: $0.opType), $0.function) }, uniquingKeysWith: { first, _ in first })

    /// The default-domain ops.
    private static let onnx: [(String, OpShapeFunction)] = unary.map { ($0, ElementwiseOps.unary) } + [
        // Elementwise
        ("Identity", ElementwiseOps.identity), ("Dropout", ElementwiseOps.dropout), ("Neg", ElementwiseOps.neg),
        ("IsNaN", ElementwiseOps.predicate), ("IsInf", ElementwiseOps.predicate), ("Not", ElementwiseOps.predicate),
        ("Cast", ElementwiseOps.cast), ("CastLike", ElementwiseOps.castLike),
        ("Add", ElementwiseOps.broadcast), ("Sub", ElementwiseOps.broadcast), ("Mul", ElementwiseOps.broadcast),
        ("Div", ElementwiseOps.broadcast), ("Mod", ElementwiseOps.broadcast), ("Max", ElementwiseOps.broadcast),
        ("Min", ElementwiseOps.broadcast), ("Sum", ElementwiseOps.broadcast), ("Mean", ElementwiseOps.broadcast),
        ("BitwiseAnd", ElementwiseOps.broadcast), ("BitwiseOr", ElementwiseOps.broadcast), ("BitwiseXor", ElementwiseOps.broadcast),
        ("Pow", ElementwiseOps.firstType), ("BitShift", ElementwiseOps.firstType),
        ("And", ElementwiseOps.compare), ("Or", ElementwiseOps.compare), ("Xor", ElementwiseOps.compare),
        ("Equal", ElementwiseOps.compare), ("Less", ElementwiseOps.compare), ("LessOrEqual", ElementwiseOps.compare),
        ("Greater", ElementwiseOps.compare), ("GreaterOrEqual", ElementwiseOps.compare),
        ("Where", ElementwiseOps.select), ("PRelu", ElementwiseOps.prelu),
        // Matrix products
        ("MatMul", MatMulOps.matMul), ("MatMulInteger", MatMulOps.matMulInteger), ("QLinearMatMul", MatMulOps.qLinearMatMul),
        ("Gemm", MatMulOps.gemm), ("Einsum", EinsumOp.einsum),
        // Convolution and pooling
        ("Conv", ConvPoolOps.conv), ("ConvInteger", ConvPoolOps.convInteger), ("QLinearConv", ConvPoolOps.qLinearConv),
        ("ConvTranspose", ConvPoolOps.convTranspose),
        ("MaxPool", ConvPoolOps.pool), ("AveragePool", ConvPoolOps.pool), ("LpPool", ConvPoolOps.pool),
        ("GlobalAveragePool", ConvPoolOps.globalPool), ("GlobalMaxPool", ConvPoolOps.globalPool),
        ("GlobalLpPool", ConvPoolOps.globalPool),
        // Shape tensors and constants
        ("Shape", ShapeOps.shape), ("Size", ShapeOps.size), ("Constant", ShapeOps.constant),
        ("ConstantOfShape", ShapeOps.constantOfShape), ("Range", ShapeOps.range), ("EyeLike", ShapeOps.eyeLike),
        ("RandomNormalLike", ShapeOps.randomLike), ("RandomUniformLike", ShapeOps.randomLike), ("Bernoulli", ShapeOps.randomLike),
        ("RandomNormal", ShapeOps.random), ("RandomUniform", ShapeOps.random),
        // Rearranging dims
        ("Reshape", ReshapeOps.reshape), ("Flatten", ReshapeOps.flatten), ("Transpose", ReshapeOps.transpose),
        ("Unsqueeze", ReshapeOps.unsqueeze), ("Squeeze", ReshapeOps.squeeze), ("Expand", ReshapeOps.expand),
        ("Tile", ReshapeOps.tile), ("DepthToSpace", ReshapeOps.depthToSpace), ("SpaceToDepth", ReshapeOps.spaceToDepth),
        // Selecting, joining, splitting
        ("Slice", IndexOps.slice), ("Gather", IndexOps.gather), ("GatherElements", IndexOps.gatherElements),
        ("GatherND", IndexOps.gatherND), ("Concat", IndexOps.concat), ("Split", IndexOps.split), ("Pad", IndexOps.pad),
        // Reductions
        ("ReduceMean", ReduceOps.reduce), ("ReduceSum", ReduceOps.reduce), ("ReduceMax", ReduceOps.reduce),
        ("ReduceMin", ReduceOps.reduce), ("ReduceProd", ReduceOps.reduce), ("ReduceL1", ReduceOps.reduce),
        ("ReduceL2", ReduceOps.reduce), ("ReduceLogSum", ReduceOps.reduce), ("ReduceLogSumExp", ReduceOps.reduce),
        ("ReduceSumSquare", ReduceOps.reduce),
        ("ArgMax", ReduceOps.argReduce), ("ArgMin", ReduceOps.argReduce), ("TopK", ReduceOps.topK),
        // Normalization and attention
        ("LayerNormalization", NormOps.layerNormalization), ("BatchNormalization", NormOps.batchNormalization),
        ("SimplifiedLayerNormalization", NormOps.simplifiedLayerNormalization), ("Attention", AttentionOps.attention),
        // Quantization
        ("QuantizeLinear", QuantOps.quantizeLinear), ("DequantizeLinear", QuantOps.dequantizeLinear),
        ("DynamicQuantizeLinear", QuantOps.dynamicQuantizeLinear),
        // Control flow
        ("If", ControlFlowOps.ifOp), ("Loop", ControlFlowOps.loop), ("Scan", ControlFlowOps.scan),
        // Other
        ("Resize", MiscOps.resize), ("Upsample", MiscOps.resize), ("NonZero", MiscOps.nonZero), ("Unique", MiscOps.unique),
        ("Compress", MiscOps.compress), ("NonMaxSuppression", MiscOps.nonMaxSuppression), ("OneHot", MiscOps.oneHot),
        ("GridSample", MiscOps.gridSample), ("RoiAlign", MiscOps.roiAlign), ("Det", MiscOps.det),
        ("Multinomial", MiscOps.multinomial), ("RNN", MiscOps.recurrent), ("GRU", MiscOps.recurrent), ("LSTM", MiscOps.recurrent),
    ]

    /// Default-domain ops whose output has input 0's type and shape.
    private static let unary = [
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Erf", "Gelu", "Reciprocal", "Softplus", "Softsign",
        "LeakyRelu", "Elu", "Selu", "Celu", "HardSigmoid", "HardSwish", "Mish", "ThresholdedRelu", "Swish", "Clip",
        "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
        "Atanh", "Shrink", "BitwiseNot", "Softmax", "LogSoftmax", "Hardmax", "CumSum", "LRN", "Trilu", "ReverseSequence",
        "InstanceNormalization", "GroupNormalization", "LpNormalization", "MeanVarianceNormalization", "RMSNormalization",
        "RotaryEmbedding", "ScatterND", "ScatterElements", "Scatter",
    ]

    /// com.microsoft (onnxruntime contrib) ops.
    private static let microsoft: [(String, OpShapeFunction)] = [
        ("MatMulNBits", MatMulOps.matMulNBits), ("FusedMatMul", MatMulOps.fusedMatMul),
        ("Attention", AttentionOps.contribAttention), ("MultiHeadAttention", AttentionOps.multiHeadAttention),
        ("GroupQueryAttention", AttentionOps.groupQueryAttention),
        ("SkipLayerNormalization", NormOps.skipLayerNormalization),
        ("SkipSimplifiedLayerNormalization", NormOps.skipLayerNormalization),
        ("SimplifiedLayerNormalization", NormOps.simplifiedLayerNormalization),
        ("RotaryEmbedding", ElementwiseOps.unary), ("FastGelu", ElementwiseOps.unary), ("Gelu", ElementwiseOps.unary),
        ("QuickGelu", ElementwiseOps.unary), ("BiasGelu", ElementwiseOps.broadcast), ("BiasAdd", ElementwiseOps.broadcast),
        ("QuantizeLinear", QuantOps.quantizeLinear), ("DequantizeLinear", QuantOps.dequantizeLinear),
    ]
}
