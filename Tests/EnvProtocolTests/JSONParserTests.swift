import EnvProtocol
import Foundation
import Testing

/// One JSON text and the value it must parse to.
struct ParseCase: Sendable, CustomTestStringConvertible {
    let text: String
    let value: JSONValue
    var testDescription: String { text.count > 60 ? "\(text.prefix(60))… (\(text.utf8.count) bytes)" : text }

    init(_ text: String, _ value: JSONValue) {
        self.text = text
        self.value = value
    }
}

/// Bytes that must be refused, and why.
struct RefusedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    var testDescription: String { name }

    init(_ name: String, _ text: String) {
        self.name = name
        bytes = Array(text.utf8)
    }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// ``JSONParser``: strict RFC 8259 JSON, numbers, depth and duplicate keys in one pass, and
/// agreement with the Foundation decoder it replaced. Run with `swift test --filter JSONParserTests`.
@Suite("JSON parser")
struct JSONParserTests {
    static let numbers: [ParseCase] = [
        ParseCase("0", .integer(0)),
        ParseCase("-0", .integer(0)),
        ParseCase("-0.0", .integer(0)),
        ParseCase("0.000", .integer(0)),
        ParseCase("0e-5", .integer(0)),
        ParseCase("42", .integer(42)),
        ParseCase("-17", .integer(-17)),
        ParseCase("1.0", .integer(1)),
        ParseCase("1e2", .integer(100)),
        ParseCase("1E+2", .integer(100)),
        ParseCase("4.2e1", .integer(42)),
        ParseCase("100e-2", .integer(1)),
        ParseCase("123456789012345678", .integer(123_456_789_012_345_678)),
        ParseCase("9007199254740993", .integer(9_007_199_254_740_993)),
        ParseCase("9007199254740993.0", .integer(9_007_199_254_740_993)),
        ParseCase("1234567890123456789.0", .integer(1_234_567_890_123_456_789)),
        ParseCase("9223372036854775807", .integer(.max)),
        ParseCase("9223372036854775807e0", .integer(.max)),
        ParseCase("-9223372036854775808", .integer(.min)),
        ParseCase("-92233720368547758.08e2", .integer(.min)),
        ParseCase("1e18", .integer(1_000_000_000_000_000_000)),
        ParseCase("9223372036854775808", .number(9_223_372_036_854_775_808.0)),
        ParseCase("-9223372036854775809", .number(-9_223_372_036_854_775_809.0)),
        ParseCase("1e19", .number(1e19)),
        ParseCase("1234567890123456789012345678901234567890", .number(1.2345678901234568e39)),
        // Foundation read this as the integer 72012698853971924, dropping the fraction.
        ParseCase("72012698853971924.05", .number(72_012_698_853_971_928)),
        ParseCase("1.5", .number(1.5)),
        ParseCase("-2.25", .number(-2.25)),
        ParseCase("0.1", .number(0.1)),
        ParseCase("5e-1", .number(0.5)),
        ParseCase("12e-1", .number(1.2)),
        ParseCase("1.00000000000000000001", .number(1.0)),
        ParseCase("0.12345678901234567", .number(0.12345678901234567)),
        ParseCase("1e-400", .number(0)),
        ParseCase("-1e-400", .number(-0.0)),
        ParseCase("2.4e-324", .number(0)),
        ParseCase("4.9e-324", .number(.leastNonzeroMagnitude)),
        ParseCase("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
        ParseCase("1" + String(repeating: "0", count: 300), .number(1e300)),
        ParseCase("0." + String(repeating: "3", count: 1000), .number(1.0 / 3.0)),
        ParseCase("1e" + String(repeating: "0", count: 1000) + "1", .integer(10)),
        // Exactly halfway between 1 and the next Double rounds to even (1.0); anything above it,
        // even 1,000 digits later (past the 800 digits kept), rounds up.
        ParseCase("1.00000000000000011102230246251565404236316680908203125", .number(1)),
        ParseCase(
            "1.00000000000000011102230246251565404236316680908203125" + String(repeating: "0", count: 1000) + "1",
            .number(1.0000000000000002)
        ),
    ]

    @Test("numbers: whole values that fit an Int are exact integers, all others correctly rounded Doubles", arguments: numbers)
    func number(_ input: ParseCase) throws {
        let value = try JSONParser.parse(input.text)
        #expect(value == input.value)
        if case .number(let expected) = input.value, case .number(let parsed) = value {
            #expect(parsed.sign == expected.sign && parsed.bitPattern == expected.bitPattern)
        }
    }

    static let values: [ParseCase] = [
        ParseCase("null", .null),
        ParseCase("true", .bool(true)),
        ParseCase("false", .bool(false)),
        ParseCase(#""""#, ""),
        ParseCase(#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{C}\n\r\t"),
        ParseCase(#""\u0000\u001f\u00e9\u00E9\u4e2d""#, "\u{0}\u{1F}éé中"),
        ParseCase(#""\ud83d\ude00 \uD83D\uDE00""#, "😀 😀"),
        ParseCase(#""\udbff\udfff""#, "\u{10FFFF}"),
        ParseCase("\"é中😀\u{7F}\u{2028}\"", "é中😀\u{7F}\u{2028}"),
        ParseCase(" \t\r\n[ 1 ,\n2 ] \r\n", [1, 2]),
        ParseCase("[]", []),
        ParseCase("{}", [:]),
        ParseCase("[ ]", []),
        ParseCase("{ }", [:]),
        ParseCase(#"{"a" : 1 , "b" :[true,null,{"c":"d"}]}"#, ["a": 1, "b": [true, nil, ["c": "d"]]]),
        ParseCase(#"{"":0}"#, ["": 0]),
        ParseCase(#"{"a":1,"A":2,"\u0061\u0062":3}"#, ["a": 1, "A": 2, "ab": 3]),
    ]

    @Test("literals, strings, escapes, whitespace and containers", arguments: values)
    func value(_ input: ParseCase) throws {
        #expect(try JSONParser.parse(input.text) == input.value)
    }

    static let refused: [RefusedCase] = [
        RefusedCase("empty", ""),
        RefusedCase("whitespace only", " \n\t "),
        RefusedCase("NaN", "NaN"),
        RefusedCase("NaN in an object", #"{"wait_seconds":NaN}"#),
        RefusedCase("Infinity", "Infinity"),
        RefusedCase("-Infinity", "-Infinity"),
        RefusedCase("nan lower case", "nan"),
        RefusedCase("1e400 overflows a Double", "1e400"),
        RefusedCase("-1e400", "-1e400"),
        RefusedCase("1.8e308", "1.8e308"),
        RefusedCase("a 400-digit integer", "1" + String(repeating: "0", count: 400)),
        RefusedCase("trailing garbage", #"{"type":"state"} x"#),
        RefusedCase("two values", "true false"),
        RefusedCase("two objects", "{} {}"),
        RefusedCase("NUL after a value", "1\u{0}"),
        RefusedCase("NUL", "\u{0}"),
        RefusedCase("line comment", "[1] // one"),
        RefusedCase("block comment", "[1 /* one */]"),
        RefusedCase("leading zero", "01"),
        RefusedCase("leading zero, negative", "-01"),
        RefusedCase("leading zero in an array", "[00]"),
        RefusedCase("plus sign", "+1"),
        RefusedCase("lone minus", "-"),
        RefusedCase("minus in an array", "[-]"),
        RefusedCase("double minus", "--1"),
        RefusedCase("leading dot", ".5"),
        RefusedCase("trailing dot", "1."),
        RefusedCase("dot before exponent", "1.e5"),
        RefusedCase("empty exponent", "1e"),
        RefusedCase("signed empty exponent", "1e+"),
        RefusedCase("fractional exponent", "1e5.5"),
        RefusedCase("hex", "0x10"),
        RefusedCase("digit separator", "1_000"),
        RefusedCase("trailing comma in an array", "[1,]"),
        RefusedCase("trailing comma in an object", #"{"a":1,}"#),
        RefusedCase("leading comma", "[,1]"),
        RefusedCase("lone comma in an object", "{,}"),
        RefusedCase("missing comma", "[1 2]"),
        RefusedCase("missing colon", #"{"a" 1}"#),
        RefusedCase("missing value", #"{"a":}"#),
        RefusedCase("unquoted key", "{a:1}"),
        RefusedCase("number key", "{1:2}"),
        RefusedCase("single quotes", "['a']"),
        RefusedCase("truncated object", #"{"type":"reset""#),
        RefusedCase("truncated array", "[1,2"),
        RefusedCase("unterminated string", #""abc"#),
        RefusedCase("truncated literal", "tru"),
        RefusedCase("truncated null", "nul"),
        RefusedCase("literal with a tail", "truex"),
        RefusedCase("capitalised literal", "True"),
        RefusedCase("unescaped tab in a string", "\"\t\""),
        RefusedCase("unescaped newline in a string", "\"a\nb\""),
        RefusedCase("unescaped NUL in a string", "\"\u{0}\""),
        RefusedCase("unescaped U+001F in a key", "{\"\u{1F}\":1}"),
        RefusedCase("lone high surrogate", #""\ud800""#),
        RefusedCase("lone high surrogate as a key", #"{"\ud800":1}"#),
        RefusedCase("lone low surrogate", #""\udc00""#),
        RefusedCase("reversed surrogates", #""\udc00\ud800""#),
        RefusedCase("high surrogate then a letter", #""\ud83dx""#),
        RefusedCase("high surrogate then a BMP escape", #""\ud800\u0041""#),
        RefusedCase("high surrogate at the end", #""\ud800"#),
        RefusedCase("unknown escape", #""\x""#),
        RefusedCase("upper-case U escape", #""\U0041""#),
        RefusedCase("short \\u escape", #""\u12""#),
        RefusedCase("non-hex \\u escape", #""\u12G4""#),
        RefusedCase("escape at the end", #""\"#),
        RefusedCase("vertical tab as whitespace", "\u{B}1"),
        RefusedCase("form feed as whitespace", "\u{C}1"),
        RefusedCase("non-breaking space as whitespace", "\u{A0}1"),
        RefusedCase("byte-order mark", bytes: [0xEF, 0xBB, 0xBF, 0x31]),
        RefusedCase("UTF-16 LE", bytes: [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00]),
        RefusedCase("UTF-16 BOM", bytes: [0xFF, 0xFE, 0x31, 0x00]),
        RefusedCase("invalid byte 0xFF in a string", bytes: [0x22, 0xFF, 0x22]),
        RefusedCase("invalid bytes outside a string", bytes: [0x7B, 0xFF, 0xFE, 0x7D]),
        RefusedCase("overlong NUL", bytes: [0x22, 0xC0, 0x80, 0x22]),
        RefusedCase("UTF-8-encoded surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]),
        RefusedCase("beyond U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
        RefusedCase("truncated sequence", bytes: [0x22, 0xE2, 0x82, 0x22]),
        RefusedCase("continuation byte alone", bytes: [0x22, 0x80, 0x22]),
        RefusedCase("invalid UTF-8 in a string with escapes", bytes: [0x22, 0x5C, 0x6E, 0xFF, 0x22]),
        RefusedCase("invalid UTF-8 in a key", bytes: [0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D]),
    ]

    @Test("everything that is not strict RFC 8259 JSON is refused", arguments: refused)
    func refusedInput(_ input: RefusedCase) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input.bytes) }
    }

    @Test("the Foundation decoder accepted these; the strict parser does not (Python's json refuses them too)")
    func strictWhereFoundationWasLax() {
        let lax: [[UInt8]] = [
            Array("[1,]".utf8), Array(#"{"a":1,}"#.utf8), [0xEF, 0xBB, 0xBF, 0x31], [0x31, 0x00],
            [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00],
        ]
        for bytes in lax {
            #expect(FoundationOracle.decode(bytes) != nil, "\(bytes)")
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test("errors say what and where")
    func reasons() {
        func reason(_ text: String) -> String {
            do {
                _ = try JSONParser.parse(text)
                return "accepted"
            } catch {
                return error.reason
            }
        }
        #expect(reason(#"{"a":x}"#) == "Unexpected character 'x' where a value should start at line 1, column 6 (byte 5)")
        #expect(reason("[1,\n 2,\n 3 x]").hasSuffix("at line 3, column 4 (byte 11)"))
        #expect(reason("[1,2").hasPrefix("Unexpected end of input"))
        #expect(reason("01").hasPrefix("Number with a leading zero"))
        #expect(reason(#""\ud800""#).hasPrefix("Unpaired high surrogate '\\ud800'"))
        #expect(reason("1e400").hasPrefix("Number 1e400 is out of the range of a Double"))
        #expect(reason("\"\t\"").hasPrefix("Unescaped control character U+0009"))
        #expect(reason("") == "The document is empty")
        #expect(reason(#"{"a":1,"a":2}"#) == #"Duplicate key "a" in an object"#)
        #expect(reason(nestedArrays(129)) == "Nesting deeper than 128 levels")
    }

    @Test("duplicate keys are found whatever their spelling, in any object, at any depth")
    func duplicates() throws {
        for text in [
            #"{"a":1,"a":2}"#, #"{"type":"state","t\u0079pe":"reset"}"#, #"{"\u0061":1,"a":2}"#,
            #"[{"x":{"a":1,"b":[1,{"c":1,"c":2}]}}]"#, #"{"a":"},{","a":1}"#, #"{"😀":1,"\ud83d\ude00":2}"#,
            // Canonically equivalent spellings are one Swift string, so one key.
            "{\"é\":1,\"e\u{301}\":2}",
        ] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONParser.parse(text) }
        }
        for text in [#"[{"a":1},{"a":2}]"#, #"{"a":{"a":{"a":1}}}"#, #"{"a":"a","b":"a"}"#, #"{"\"a":1,"a":2}"#, #"{"a":1,"A":2}"#] {
            _ = try JSONParser.parse(text)
        }
        // 80,000 distinct keys parse (the shape that cost the former pre-pass 32 CPU-seconds);
        // one repeat at the very end is still found.
        let keys = (0..<80_000).map { #""k\#($0)":\#($0)"# }
        let many = try JSONParser.parse("{" + keys.joined(separator: ",") + "}")
        #expect(many.objectValue?.count == 80_000 && many["k79999"] == .integer(79_999))
        let repeated = #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse("{" + keys.joined(separator: ",") + #","k0":1}"#)
        }
        #expect(repeated?.reason == #"Duplicate key "k0" in an object"#)
    }

    @Test("128 levels parse, 129 do not, and 100,000 levels are refused without exhausting the stack")
    func depth() throws {
        _ = try JSONParser.parse(nestedArrays(128))
        _ = try JSONParser.parse(String(repeating: #"{"a":"#, count: 127) + "[0]" + String(repeating: "}", count: 127))
        for text in [
            nestedArrays(129), String(repeating: #"{"a":"#, count: 129) + "0" + String(repeating: "}", count: 129),
            nestedArrays(100_000), String(repeating: "[", count: 100_000),
        ] {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
            #expect(error?.reason == "Nesting deeper than 128 levels")
        }
        // Depth is nesting, not the number of containers: siblings at level 128 are fine.
        _ = try JSONParser.parse("[" + Array(repeating: nestedArrays(127), count: 100).joined(separator: ",") + "]")
    }

    @Test("every entry point reads the same bytes the same way")
    func entryPoints() throws {
        let text = #"{"a":[1,2.5,"é😀",true,null,{"b":-3}]}"#
        let expected: JSONValue = ["a": [1, 2.5, "é😀", true, nil, ["b": -3]]]
        let bytes = Array(text.utf8)
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(Data(bytes)) == expected)
        #expect(try JSONParser.parse(bytes[...]) == expected)
        #expect(try bytes.withUnsafeBytes { try JSONParser.parse($0) } == expected)
        #expect(try JSONParser.parse(Substring(text).description) == expected)
        #expect(try JSONCoding.parse(text) == expected)
        #expect(try JSONCoding.parse(Data(bytes)) == expected)
        #expect(try JSONCoding.parse(bytes) == expected)
        // A slice that is not the whole buffer: only its bytes are read.
        let padded = Array("xx\(text)yy".utf8)
        #expect(try padded.withUnsafeBytes { try JSONParser.parse(UnsafeRawBufferPointer(rebasing: $0[2..<(padded.count - 2)])) } == expected)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Data()) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([UInt8]()) }
    }

    @Test("random valid documents parse to their value and to what the Foundation decoder read")
    func agreesWithFoundation() throws {
        var random = RandomJSON(seed: 0x15_2026)
        var disagreements: [String] = []
        for _ in 0..<3_000 {
            let value = random.value()
            let text = random.spell(value)
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(text)
            } catch {
                disagreements.append("refused \(text.debugDescription): \(error)")
                continue
            }
            if !sameValue(parsed, value) { disagreements.append("\(text.debugDescription) → \(parsed), expected \(value)") }
            guard let foundation = FoundationOracle.decode(Array(text.utf8)) else {
                disagreements.append("Foundation refused \(text.debugDescription)")
                continue
            }
            if !sameValue(parsed, foundation) { disagreements.append("\(text.debugDescription) → \(parsed), Foundation \(foundation)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
    }

    @Test("random number spellings: refused or read to the same value as by the Foundation decoder")
    func numbersAgreeWithFoundation() throws {
        var generator = SeededGenerator(seed: 0x4E55_4D42)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
        }
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            var text = Bool.random(using: &generator) ? "-" : ""
            let integerDigits = Int.random(in: 1...25, using: &generator)
            let integer = digits(integerDigits).drop { $0 == "0" }
            text += integer.isEmpty ? "0" : String(integer)
            if Bool.random(using: &generator) { text += "." + digits(Int.random(in: 1...25, using: &generator)) }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                text += ["e", "E", "e+", "e-"].randomElement(using: &generator)! + digits(Int.random(in: 1...3, using: &generator))
            }
            let foundation = FoundationOracle.decode(Array(text.utf8))
            let ours = try? JSONParser.parse(text)
            switch (ours, foundation) {
            case (nil, nil):
                continue
            case (let ours?, let foundation?):
                // Foundation made an integer of a large number whose Double is whole by dropping
                // its fraction (72012698853971924.05 → 72012698853971924); the parser rounds
                // the exact value instead, so the two may be one Double apart there.
                if case .integer(let truncated) = foundation, case .number(let rounded) = ours,
                    abs(Double(truncated) - rounded) <= rounded.ulp
                {
                    continue
                }
                if !sameValue(ours, foundation) { disagreements.append("\(text): \(ours) vs \(foundation)") }
            default:
                disagreements.append("\(text): ours \(String(describing: ours)), Foundation \(String(describing: foundation))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
    }
}
