import FrictionAnalysis
import FrictionCore
import FrictionLoaders

/// Tensor values for analysis (shape inference, checks), read by a ``TensorReader``.
public struct ReaderValues: TensorValues {
    public let reader: TensorReader
    public init(reader: TensorReader) { self.reader = reader }
    public func int64s(_ tensor: TensorInfo) -> [Int64]? { reader.int64s(tensor) }
    public func doubles(_ tensor: TensorInfo) -> [Double]? { reader.doubles(tensor) }
}
