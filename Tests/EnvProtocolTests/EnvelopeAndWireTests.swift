import EnvProtocol
import Testing

@Suite("Envelope rule and wire encoding")
struct EnvelopeAndWireTests {
    @Test("reward and done are lifted, metadata dropped, other fields kept")
    func envelopeRule() {
        let envelope = ObservationEnvelope(splitting: [
            "reward": 1.5, "done": true, "metadata": ["k": "v"], "board": "x", "step_count": 2,
        ])
        #expect(envelope == ObservationEnvelope(observation: ["board": "x", "step_count": 2], reward: 1.5, done: true))
    }

    @Test("a null reward is written as null, not omitted")
    func nullRewardIsWritten() {
        let text = JSONCoding.encodeString(ObservationEnvelope(observation: [:], reward: nil, done: false))
        #expect(text == #"{"done":false,"observation":{},"reward":null}"#)
    }

    @Test("server messages carry type and data")
    func serverMessages() {
        #expect(ServerMessage.state(["step_count": 1]).text == #"{"data":{"step_count":1},"type":"state"}"#)
        let full = ServerMessage.error(.capacityReached(active: 2, max: 2)).text
        #expect(full.contains(#""code":"CAPACITY_REACHED""#))
        #expect(full.contains(#""active_sessions":2"#) && full.contains(#""max_sessions":2"#))
    }

    @Test("JSON values keep integers apart from other numbers and round-trip")
    func jsonRoundTrip() throws {
        let text = #"{"a":[1,2.5,"s",true,null,{"b":-3}]}"#
        let value = try JSONCoding.parse(text)
        #expect(value["a"]?.arrayValue?.first == .integer(1))
        #expect(value["a"]?.arrayValue?[1] == .number(2.5))
        #expect(JSONCoding.encodeString(value) == text)
    }

    @Test("only the four session-keeping codes keep the session")
    func keepsSession() {
        #expect([ErrorCode.invalidJSON, .unknownType, .validationError, .executionError].allSatisfy { $0.keepsSession })
        #expect(![ErrorCode.capacityReached, .factoryError, .sessionError].contains { $0.keepsSession })
    }
}

@Suite("Duplicate keys")
struct DuplicateKeyTests {
    @Test("an object that repeats a key is not accepted, however the key is spelled", arguments: [
        #"{"a":1,"a":2}"#, #"{"type":"state","t\u0079pe":"reset"}"#, #"[{"x":{"a":1,"b":[1,{"c":1,"c":2}]}}]"#,
        #"{"a":"},{","a":1}"#,
    ])
    func rejected(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONCoding.parse(text) }
    }

    @Test("the same key in different objects, and keys equal to values, are fine", arguments: [
        #"[{"a":1},{"a":2}]"#, #"{"a":{"a":{"a":1}}}"#, #"{"a":"a","b":"a"}"#, #"{"a":{"b":1},"b":2}"#,
        #"{"\"a":1,"a":2}"#,
    ])
    func accepted(text: String) throws {
        _ = try JSONCoding.parse(text)
    }
}

@Suite("Nesting limit")
struct NestingLimitTests {
    @Test("128 levels parse; 129 do not, so every echo of an input stays encodable")
    func limit() throws {
        let nested = { (depth: Int) in String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        _ = try JSONCoding.parse(nested(128))
        #expect(throws: JSONSyntaxError.self) { try JSONCoding.parse(nested(129)) }
        // What used to trap: a decodable 510-level value echoed inside a validation error.
        #expect(throws: JSONSyntaxError.self) { try JSONCoding.parse(nested(510)) }
    }
}
