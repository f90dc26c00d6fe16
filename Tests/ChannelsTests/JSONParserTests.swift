import Testing
@testable import Channels

@Suite("The RFC 8259 parser behind the webhook")
struct JSONParserTests {
    private func parse(_ text: String) -> JSONValue? { try? JSONParser.parse(Array(text.utf8)) }

    @Test func scalars() {
        #expect(parse("true") == .bool(true))
        #expect(parse(" false ") == .bool(false))
        #expect(parse("null") == .null)
        #expect(parse("-0.5e+10") == .number("-0.5e+10"))
        #expect(parse("123456789012345678901234567890") == .number("123456789012345678901234567890"))
        #expect(parse(#""a\u0041\n""#) == .string("aA\n"))
    }

    @Test(arguments: ["01", "-", "1.", "1e", "+1", ".5", "tru", "nul", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
                      "[1 2]", "'x'", "\"\\x\"", "\"\\u12\"", "\"\\udc00\"", "1 2", "\u{FEFF}{}"])
    func rejects(_ text: String) {
        #expect(parse(text) == nil, "\(text) should be rejected")
    }

    @Test func failureNamesTheOffset() {
        do {
            _ = try JSONParser.parse(Array("[1, 2, x]".utf8))
            Issue.record("expected a failure")
        } catch {
            #expect(error.offset == 7)
            #expect(error.reason == "unexpected character")
        }
    }

    @Test func objectsKeepOrderAndFirstDuplicateWins() throws {
        let value = try #require(parse(#"{"b":1,"a":2,"b":3}"#))
        #expect(value["b"] == .number("1"))
        #expect(value.serialized == #"{"b":1,"a":2,"b":3}"#)
    }

    @Test func numericAccessors() {
        #expect(JSONValue.number("42").intValue == 42)
        #expect(JSONValue.string("42").intValue == 42)
        #expect(JSONValue.number("1e2").intValue == nil)
        #expect(JSONValue.number("99999999999999999999").intValue == nil)
        #expect(JSONValue.number("1e999").doubleValue == nil)
        #expect(JSONValue.string("-23.5").doubleValue == -23.5)
        #expect(JSONValue.bool(true).textValue == nil)
    }

    @Test func serializationRoundTrips() throws {
        let text = #"{"s":"q\"b\\n\n\u0001😀","a":[1,-2.5e3,true,false,null,{}],"o":{"k":[]}}"#
        let value = try #require(parse(text))
        #expect(parse(value.serialized) == value)
        #expect(value.serialized == #"{"s":"q\"b\\n\n\u0001😀","a":[1,-2.5e3,true,false,null,{}],"o":{"k":[]}}"#)
    }
}
