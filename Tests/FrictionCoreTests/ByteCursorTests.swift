import FrictionCore
import Testing

@Suite struct ByteCursorTests {
    @Test func readsLittleAndBigEndian() {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        bytes.withUnsafeBytes { raw in
            var le = ByteCursor(raw)
            let a = le.u32(), b = le.u16()
            #expect(a == 0x0403_0201)
            #expect(b == 0x0605)
            var be = ByteCursor(raw, bigEndian: true)
            let c = be.u64()
            #expect(c == 0x0102_0304_0506_0708)
            #expect(be.remaining == 0)
        }
    }

    @Test func readsPastTheEndReturnNilAndDoNotMove() {
        let bytes: [UInt8] = [1, 2, 3]
        bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            let word = cursor.u32()
            #expect(word == nil)
            #expect(cursor.position == 0)
            let huge = cursor.read(UInt64.max)
            #expect(huge == nil)
            let skippedTooFar = cursor.skip(4)
            #expect(!skippedTooFar)
            let skipped = cursor.skip(3)
            #expect(skipped)
            let byte = cursor.u8()
            #expect(byte == nil)
            let seekPast = cursor.seek(to: 4), seekNegative = cursor.seek(to: -1)
            #expect(!seekPast && !seekNegative)
        }
    }

    @Test func floatsAreReadByBitPattern() {
        let bytes: [UInt8] = [0x00, 0x00, 0xC0, 0x7F]
        bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            let value = cursor.f32()
            #expect(value?.bitPattern == 0x7FC0_0000)
        }
    }
}
