/// Every check kind, by id. Adding a kind is one file in Checks/ and one line here; a test
/// proves the list complete (every kind used by a rule, every rule's kind listed).
public enum CheckRegistry {
    public static let kinds: [any CheckKind.Type] = [
        TensorSelectorCheck.self,
        MetadataPredicateCheck.self,
        OpSelectorCheck.self,
        LoadProblemCheck.self,
        ConfigDTypeMismatchCheck.self,
        MixedFileDTypesCheck.self,
        TargetFormatSupportCheck.self,
        QuantScalesCheck.self,
        GGUFTypeSupportCheck.self,
        TiedEmbeddingsCheck.self,
        ConfigTensorConsistencyCheck.self,
        TargetMemoryFitCheck.self,
        ONNXVersionSupportCheck.self,
        GraphDeadCodeCheck.self,
        DynamicDimsCheck.self,
        ProtobufSizeCheck.self,
        ConstantRangeCheck.self,
        DecomposedLayerNormCheck.self,
        QDQParamsCheck.self,
        ONNXOpSupportCheck.self,
        WeightStatisticsCheck.self,
        PickleGlobalCheck.self,
        WeightsOnlyCheck.self,
        DeclaredPrecisionCheck.self,
        KVCacheFitCheck.self,
        KerasLayerCheck.self,
    ]

    /// The kind with this id.
    public static func kind(_ id: String) -> (any CheckKind.Type)? { kinds.first { $0.id == id } }
}
