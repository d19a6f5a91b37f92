import FrictionCore
import Testing

@Suite struct ShapeTests {
    @Test func elementCountIsCheckedForOverflow() {
        #expect(Shape(fixed: []).elementCount == 1)
        #expect(Shape(fixed: [2, 3, 4]).elementCount == 24)
        #expect(Shape(fixed: [1 << 32, 1 << 32]).elementCount == nil)
        #expect(Shape(fixed: [0, 1 << 40]).elementCount == 0)
        // Empty, but its extent (zeros counted as one) overflows: no index into it is safe.
        #expect(Shape(fixed: [0, 1 << 40, 1 << 40]).elementCount == nil)
        #expect(Shape(fixed: [0, 1 << 63]).elementCount == nil)
        #expect(Shape(fixed: [UInt64(Int64.max), 0]).elementCount == 0)
        #expect(Shape(fixed: [UInt64(Int64.max)]).elementCount == UInt64(Int64.max))
        #expect(Shape(fixed: [1 << 62, 2]).elementCount == nil, "2^63 is past Int64.max")
        #expect(Shape([.symbolic("batch"), .fixed(4)]).elementCount == nil)
        #expect(Shape([.symbolic("batch"), .fixed(4)]).description == "[batch, 4]")
    }

    @Test func byteCountsFollowTheStorageWidth() {
        #expect(ElementType.dtype(.float4_e2m1fn).byteCount(elements: 6) == 3)
        #expect(ElementType.dtype(.float4_e2m1fn).byteCount(elements: 5) == nil)
        #expect(ElementType.dtype(.float6_e2m3fn).byteCount(elements: 4) == 3)
        #expect(ElementType.dtype(.bfloat16).byteCount(elements: UInt64.max / 8) == nil)
        #expect(ElementType.dtype(.string).byteCount(elements: 1) == nil)
        let q4k = GGMLType.named("Q4_K")!
        #expect(ElementType.ggml(q4k).byteCount(elements: 512) == 288)
        #expect(ElementType.ggml(q4k).byteCount(elements: 100) == nil)
    }
}
