import FrictionCore
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONNode { try JSONParser.parse(Array(text.utf8)) }

    @Test func membersKeepTheirOffsets() throws {
        let node = try parse(#"{"a": [1, 2], "b": {"c": "x"}}"#)
        let members = try #require(node.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members.map(\.keyOffset) == [1, 14])
        #expect(node["a"]?.offset == 6)
        #expect(node["b"]?["c"]?.offset == 25)
        #expect(node["b"]?["c"]?.string == "x")
    }

    @Test func duplicateKeysAreRejectedAtTheSecondKey() {
        #expect(throws: JSONParseError(offset: 9, reason: .duplicateKey("k"))) { try parse(#"{"k": 1, "k": 2}"#) }
    }

    @Test func integersStayExact() throws {
        let node = try parse("[18446744073709551615, -9223372036854775808, 1.5e3]")
        let items = try #require(node.items)
        #expect(items[0].uint64 == UInt64.max)
        #expect(items[1].int64 == Int64.min)
        #expect(items[2].uint64 == nil)
        #expect(items[2].value == .double(1500))
    }

    @Test func escapesAndSurrogatePairsDecode() throws {
        let node = try parse(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#)
        #expect(node.string == "a\"\\/\u{08}\u{0C}\n\r\té😀")
    }

    @Test(arguments: [
        "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "\"\\ud800\"", "{'a':1}", "[1] 2", "tru", "",
        "{\"a\" 1}", "[\"unterminated", "NaN",
    ])
    func malformedInputIsRejected(text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test func nestingIsCapped() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError(offset: 65, reason: .tooDeep)) { try parse(deep) }
        #expect((try? JSONParser.parse(Array(deep.utf8), maxDepth: 200)) != nil)
    }
}
