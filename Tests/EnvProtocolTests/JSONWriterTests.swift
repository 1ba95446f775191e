import EnvProtocol
import Foundation
import Testing

/// A sink that is not an array, counting how often it is called.
private struct CountingSink: JSONByteSink {
    var bytes: [UInt8] = []
    var calls = 0

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
        calls += 1
    }

    mutating func append(contentsOf run: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: run)
        calls += 1
    }
}

/// ``JSONWriter``: byte for byte what Foundation's `JSONEncoder` (sorted keys, unescaped
/// slashes) printed, for every value, and a thrown error, never a trap, for what JSON cannot
/// carry. Run with `swift test --filter JSONWriterTests`.
@Suite("JSON writer")
struct JSONWriterTests {
    static let corpus: [JSONValue] = [
        nil, true, false, 0, 1, -1, .integer(.max), .integer(.min), 1_234_567_890,
        .number(0), .number(-0.0), .number(1), .number(0.1), .number(1.5), .number(-2.25), .number(100),
        .number(1e15), .number(1e16), .number(1e-4), .number(1e-5), .number(1e-7), .number(123_456_789.125),
        .number(.leastNonzeroMagnitude), .number(.greatestFiniteMagnitude), .number(-.greatestFiniteMagnitude),
        .number(2.0 / 3.0), .number(9_007_199_254_740_992), .number(1e21), .number(Double(Int.max)),
        "", "plain", "a\"b\\c/d", "\u{8}\u{C}\n\r\t", "\u{0}\u{1}\u{1F}\u{7F}\u{80}", "é e\u{301} 中 😀 \u{2028}\u{2029} \u{FEFF}",
        "\u{FFFF}\u{10FFFF}", "</script>", .string(String(repeating: "x", count: 10_000)),
        [], [:], [[]], [[:]], [1, "a", nil, [true]],
        ["b": 1, "a": 2, "B": 3, "_": 4, "a10": 5, "a9": 6, "aB": 7, "ab": 8, "": 9],
        // Sorted by UTF-8 bytes, not by Swift's `<` (which would put "éa" before "e\u{301}x").
        ["e\u{301}x": 1, "éa": 2, "e": 3, "f": 4, "ａ": 5, "😀": 6, "\u{FFFF}": 7, "\u{7F}": 8, "\u{0}": 9],
        ["done": false, "observation": [:], "reward": nil],
        ["type": "error", "data": ["message": "Invalid JSON: \"x\"\n", "code": "INVALID_JSON"]],
        ["k\"ey": ["nested\\": ["deeper/": [1.5, -0.0, "\u{1}"]]]],
    ]

    @Test("the corpus prints exactly as JSONEncoder printed it")
    func corpusMatchesFoundation() throws {
        for value in Self.corpus {
            let expected = try #require(FoundationOracle.encode(value))
            let written = try JSONWriter.encode(value)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test("every control character and ASCII byte is escaped as JSONEncoder escapes it")
    func everyASCIICharacter() throws {
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) {
            let value = JSONValue.string("<\(scalar)>")
            #expect(try JSONWriter.encode(value) == FoundationOracle.encode(value), "U+\(String(scalar.value, radix: 16))")
        }
        #expect(try JSONWriter.encode("\u{1}\u{1f}\u{8}") == Array(#""\u0001\u001f\b""#.utf8))
    }

    @Test("20,000 random finite Doubles print as JSONEncoder printed them")
    func randomDoubles() throws {
        var random = RandomJSON(seed: 0xD0_0B1E)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let value = JSONValue.number(random.double())
            let written = try JSONWriter.encode(value)
            if written != FoundationOracle.encode(value) { mismatches.append("\(value)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test("3,000 random trees print as JSONEncoder printed them, and parse back")
    func randomTrees() throws {
        var random = RandomJSON(seed: 0x7E_E5)
        var mismatches: [String] = []
        for _ in 0..<3_000 {
            let value = random.value()
            let written = try JSONWriter.encode(value)
            if written != FoundationOracle.encode(value) { mismatches.append(String(decoding: written, as: UTF8.self)) }
            let parsed = try JSONParser.parse(written)
            if !sameValue(parsed, value) { mismatches.append("round trip \(value) → \(parsed)") }
            // After one round trip the text is stable (before it, `.number(1e16)` prints
            // `1e+16`, which reads back as the integer 10000000000000000).
            let again = try JSONWriter.encode(parsed)
            if try JSONWriter.encode(JSONParser.parse(again)) != again { mismatches.append("not stable: \(value)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    @Test("NaN and infinities throw, naming where they are, instead of trapping", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ number: Double) {
        #expect(throws: JSONEncodingError.nonFiniteNumber) { try JSONWriter.encode(.number(number)) }
        #expect(throws: JSONEncodingError.nonFiniteNumber) { try JSONCoding.encodeBytes(["reward": .number(number)]) }
        let value: JSONValue = ["data": ["observation": ["scores": [1, .number(number)]]], "type": "observation"]
        do {
            _ = try JSONWriter.encode(value)
            Issue.record("encoded a non-finite number")
        } catch {
            #expect(error == .nonFiniteNumber)
            #expect(error.path == "$.data.observation.scores[1]")
            #expect(error.description == "The number \(number) at $.data.observation.scores[1] cannot be encoded in JSON")
        }
        do {
            _ = try JSONWriter.encode(["a b": ["\"q\"": .number(number)]])
        } catch {
            #expect(error.path == #"$["a b"]["\"q\""]"#)
        }
    }

    @Test("511 levels encode, as with JSONEncoder; 512 throw, where JSONEncoder failed too")
    func depthLimit() throws {
        let deepest = nestedArrayValue(511)
        #expect(try JSONWriter.encode(deepest) == FoundationOracle.encode(deepest))
        let tooDeep = nestedArrayValue(512)
        #expect(FoundationOracle.encode(tooDeep) == nil)
        #expect(throws: JSONEncodingError.nestingTooDeep) { try JSONWriter.encode(tooDeep) }
        var object: JSONValue = [:]
        for _ in 1..<512 { object = ["a": object] }
        #expect(throws: JSONEncodingError.nestingTooDeep) { try JSONWriter.encode(object) }
    }

    @Test("any sink gets the same bytes, in runs; an array sink keeps what it held")
    func sinks() throws {
        let value: JSONValue = ["text": "a long string with \"one\" escape", "list": [1, 2.5, nil], "flag": true]
        let expected = try JSONWriter.encode(value)
        var sink = CountingSink()
        try JSONWriter.write(value, into: &sink)
        #expect(sink.bytes == expected)
        #expect(sink.calls < expected.count / 2, "\(sink.calls) calls for \(expected.count) bytes")
        var prefixed = Array("data: ".utf8)
        try JSONWriter.write(value, into: &prefixed)
        #expect(prefixed == Array("data: ".utf8) + expected)
    }

    @Test("JSONCoding prints wire values through the writer and other Encodables through Foundation, alike")
    func coding() throws {
        struct Report: Encodable {
            let name: String
            let value: JSONValue
        }
        let value: JSONValue = ["z": 1.0, "a": ["x/y": "é\n"]]
        let bytes = try JSONWriter.encode(value)
        #expect(Array(JSONCoding.encode(value)) == bytes)
        #expect(JSONCoding.encodeString(value) == String(decoding: bytes, as: UTF8.self))
        #expect(try JSONCoding.encodeBytes(value) == bytes)
        // Through the generic entry point a JSONValue still takes the writer.
        func generic(_ encodable: some Encodable) -> Data { JSONCoding.encode(encodable) }
        #expect(Array(generic(value)) == bytes)
        #expect(
            JSONCoding.encodeString(Report(name: "r", value: value))
                == #"{"name":"r","value":"# + String(decoding: bytes, as: UTF8.self) + "}"
        )
    }
}
