import FrictionAnalysis
import FrictionCore
import FrictionLoaders

/// Tensor values for analysis, read from the files by ``TensorReader``.
struct ReaderValues: TensorValues {
    let reader: TensorReader
    func int64s(_ tensor: TensorInfo) -> [Int64]? { reader.int64s(tensor) }
    func doubles(_ tensor: TensorInfo) -> [Double]? { reader.doubles(tensor) }
}
