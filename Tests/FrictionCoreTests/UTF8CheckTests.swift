import FrictionCore
import Testing

@Suite struct UTF8CheckTests {
    func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes(UTF8Check.firstInvalidOffset) }

    @Test func wellFormedTextPasses() {
        #expect(check(Array("plain ascii, é, 中文, 😀".utf8)) == nil)
        #expect(check([]) == nil)
    }

    /// Cases from the Unicode standard's table of well-formed byte sequences (Table 3-7).
    @Test(arguments: [
        ([0x61, 0x80], 1),               // lone continuation byte
        ([0xC0, 0xAF], 0),               // overlong '/'
        ([0xE0, 0x80, 0xAF], 0),         // overlong three-byte form
        ([0xED, 0xA0, 0x80], 0),         // UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], 0),   // above U+10FFFF
        ([0x41, 0xE2, 0x82], 1),         // truncated sequence
        ([0xFF], 0),
        ([0x41, 0x42, 0xC3, 0x28], 2),   // bad continuation
    ])
    func malformedSequencesAreLocated(bytes: [UInt8], offset: Int) {
        #expect(check(bytes) == offset)
    }
}
