import FrictionCore
import Testing

@Suite struct JSONWriterTests {
    @Test func keysAreSortedAndOutputIsCompact() {
        let value = JSONValue.object([("b", .int(-1)), ("a", .array([.bool(true), .null, .uint(UInt64.max)])), ("B", .string("x"))])
        #expect(value.serialized() == #"{"B":"x","a":[true,null,18446744073709551615],"b":-1}"#)
    }

    @Test func prettyPrintingIndents() {
        let value = JSONValue.object([("k", .array([.int(1)])), ("e", .object([JSONMember]())), ("z", .array([]))])
        #expect(value.serialized(indent: 2) == "{\n  \"e\": {},\n  \"k\": [\n    1\n  ],\n  \"z\": []\n}")
    }

    @Test func stringsAreEscaped() {
        #expect(JSONValue.string("a\"b\\c\n\u{0}\u{1F}é").serialized() == #""a\"b\\c\n\u0000\u001fé""#)
    }

    @Test func doublesRoundTripAndNonFiniteBecomeStrings() {
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(1e-5).serialized() == "1e-05")
        #expect(JSONValue.double(.nan).serialized() == #""NaN""#)
        #expect(JSONValue.double(-.infinity).serialized() == #""-Infinity""#)
    }

    @Test func parseThenWriteIsStable() throws {
        let text = #"{"z":[1,2.5,"s"],"a":{"y":null,"x":false}}"#
        let once = try JSONParser.parse(Array(text.utf8)).value.serialized()
        let twice = try JSONParser.parse(Array(once.utf8)).value.serialized()
        #expect(once == twice)
        #expect(once == #"{"a":{"x":false,"y":null},"z":[1,2.5,"s"]}"#)
    }
}
