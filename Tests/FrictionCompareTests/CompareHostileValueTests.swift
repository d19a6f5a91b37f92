@testable import FrictionCompare
import FrictionCore
import Testing

/// Values a candidate file can carry that used to trap the comparison: huge magnitudes in the
/// formatted numbers, shapes that do not match their values, head counts from a config.
@Suite struct CompareHostileValueTests {
    @Test func numbersPastInt64AreFormattedNotTrapped() {
        #expect(ModelComparison.fixed(1e20, 4) == "1e+20")
        #expect(ModelComparison.fixed(-3e30, 1) == "-3e+30")
        #expect(ModelComparison.fixed(12.345678, 4) == "12.3457")
        #expect(ModelComparison.fixed(-0.5, 2) == "-0.50")
        #expect(ModelComparison.fixed(.nan, 2) == "nan")
    }

    @Test func transformsRefuseShapesTheirValuesDoNotFill() {
        // [2^63, 0] claims no element but a row count past Int; [4, 4] over 3 values.
        #expect(PairTransform.transpose.apply([], shape: [1 << 63, 0], heads: nil) == nil)
        #expect(PairTransform.transpose.apply([1, 2, 3], shape: [4, 4], heads: nil) == nil)
        #expect(PairTransform.transpose.apply([1, 2, 3, 4, 5, 6], shape: [2, 3], heads: nil)?.values == [1, 4, 2, 5, 3, 6])
        // A head count from config.json of Int.max, and more heads than rows.
        #expect(PairTransform.permuteQ.apply([1, 2, 3, 4], shape: [4, 1], heads: Int.max) == nil)
        #expect(PairTransform.permuteQ.apply([1, 2, 3, 4], shape: [4, 1], heads: 4) == nil)
        #expect(PairTransform.permuteQ.apply([1, 2, 3, 4], shape: [4, 1], heads: 1)?.values == [1, 3, 2, 4])
    }
}
