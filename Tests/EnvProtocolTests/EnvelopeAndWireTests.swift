import EnvProtocol
import Testing

@Suite("Envelope rule and wire encoding")
struct EnvelopeAndWireTests {
    @Test("reward and done are lifted, metadata kept apart, other fields kept")
    func envelopeRule() {
        let envelope = ObservationEnvelope(splitting: [
            "reward": 1.5, "done": true, "metadata": ["k": "v"], "board": "x", "step_count": 2,
        ])
        #expect(
            envelope
                == ObservationEnvelope(
                    observation: ["board": "x", "step_count": 2],
                    reward: 1.5,
                    done: true,
                    metadata: ["k": "v"]
                )
        )
    }

    @Test("0.3 drops metadata; 0.10 nests it always and copies it on top: HTTP always (null when empty), WS when non-empty")
    func metadataByProfile() {
        let empty = ObservationEnvelope(observation: ["y": 0], reward: nil, done: false)
        let full = ObservationEnvelope(observation: ["y": 7], reward: 1, done: true, metadata: ["k": 2])
        func text(_ envelope: ObservationEnvelope, _ profile: ProtocolProfile, _ transport: ObservationEnvelope.Transport) -> String {
            JSONCoding.encodeString(envelope.json(profile, transport))
        }
        #expect(text(empty, .openenv03, .http) == #"{"done":false,"observation":{"y":0},"reward":null}"#)
        #expect(text(full, .openenv03, .webSocket) == #"{"done":true,"observation":{"y":7},"reward":1}"#)
        #expect(text(empty, .openenv010, .http) == #"{"done":false,"metadata":null,"observation":{"metadata":{},"y":0},"reward":null}"#)
        #expect(text(empty, .openenv010, .webSocket) == #"{"done":false,"observation":{"metadata":{},"y":0},"reward":null}"#)
        #expect(text(full, .openenv010, .http) == #"{"done":true,"metadata":{"k":2},"observation":{"metadata":{"k":2},"y":7},"reward":1}"#)
        #expect(text(full, .openenv010, .webSocket) == #"{"done":true,"metadata":{"k":2},"observation":{"metadata":{"k":2},"y":7},"reward":1}"#)
    }

    @Test("releases map onto profiles by the release each feature shipped in")
    func profilesByRelease() throws {
        #expect(ProtocolProfile(release: "0.3.1")?.metadataEnvelope == false)
        let r040 = try #require(ProtocolProfile(release: "0.4.0"))
        #expect(r040.metadataEnvelope && !r040.taskAPI && !r040.attach)
        let r050 = try #require(ProtocolProfile(release: "0.5.0"))
        #expect(r050.taskAPI && r050.toolsCallNameFirst && r050.attach && !r050.modeVariable)
        let r080 = try #require(ProtocolProfile(named: "openenv-0.8.0"))
        #expect(r080.resetObservationSchema && r080.modeVariable)
        #expect(ProtocolProfile(named: "openenv-0.10") == .openenv010 && ProtocolProfile(named: "openenv-0.3") == .openenv03)
        #expect(ProtocolProfile(named: "latest") == nil && ProtocolProfile(release: "1") == nil)
    }

    @Test("server messages carry type and data")
    func serverMessages() throws {
        #expect(try ServerMessage.state(["step_count": 1]).text(.openenv010) == #"{"data":{"step_count":1},"type":"state"}"#)
        let full = try ServerMessage.error(.capacityReached(active: 2, max: 2)).text(.openenv010)
        #expect(full.contains(#""code":"CAPACITY_REACHED""#))
        #expect(full.contains(#""active_sessions":2"#) && full.contains(#""max_sessions":2"#))
    }

    @Test("a message written directly has exactly the bytes of its JSON value, in every profile and transport")
    func directWriteMatchesTree() throws {
        let envelopes = [
            ObservationEnvelope(observation: ["text": "a\"b", "n": 3], reward: 0.5, done: true),
            ObservationEnvelope(observation: [:], reward: nil, done: false, metadata: ["k": [1, 2.5]]),
            ObservationEnvelope(observation: ["z": .null], reward: -0.0, done: false, metadata: [:]),
        ]
        let messages: [ServerMessage] =
            envelopes.map(ServerMessage.observation) + [
                .state(["episode_id": "e", "step_count": 2]), .error(.capacityReached(active: 1, max: 1)),
                .mcp(["jsonrpc": "2.0", "id": 1, "result": ["tools": []]]),
            ]
        for profile in [ProtocolProfile.openenv03, .openenv010] {
            for message in messages {
                var direct: [UInt8] = []
                try message.write(profile, into: &direct)
                let tree = try JSONWriter.encode(message.json(profile))
                #expect(direct == tree, "\(message) in \(profile)")
            }
            for envelope in envelopes {
                for transport in [ObservationEnvelope.Transport.http, .webSocket] {
                    var direct: [UInt8] = []
                    try envelope.write(profile, transport, into: &direct)
                    let tree = try JSONWriter.encode(envelope.json(profile, transport))
                    #expect(direct == tree, "\(envelope) on \(transport) in \(profile)")
                }
            }
        }
    }

    @Test("an observation holding a NaN or an infinity throws, naming where it is, instead of trapping")
    func nonFiniteObservation() {
        let nan = ServerMessage.observation(ObservationEnvelope(observation: ["score": .number(.nan)], reward: 1, done: false))
        do {
            _ = try nan.text(.current)
            Issue.record("encoded a NaN")
        } catch {
            #expect(error == .nonFiniteNumber && error.path == "$.data.observation.score")
        }
        var bytes: [UInt8] = []
        do {
            try ObservationEnvelope(observation: [:], reward: .infinity, done: true).write(.current, .http, into: &bytes)
            Issue.record("encoded an infinite reward")
        } catch {
            #expect(error == .nonFiniteNumber && error.path == "$.reward")
        }
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
    @Test(
        "an object that repeats a key is not accepted, however the key is spelled",
        arguments: [
            #"{"a":1,"a":2}"#, #"{"type":"state","t\u0079pe":"reset"}"#, #"[{"x":{"a":1,"b":[1,{"c":1,"c":2}]}}]"#,
            #"{"a":"},{","a":1}"#,
        ]
    )
    func rejected(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONCoding.parse(text) }
    }

    @Test(
        "the same key in different objects, and keys equal to values, are fine",
        arguments: [
            #"[{"a":1},{"a":2}]"#, #"{"a":{"a":{"a":1}}}"#, #"{"a":"a","b":"a"}"#, #"{"a":{"b":1},"b":2}"#,
            #"{"\"a":1,"a":2}"#,
        ]
    )
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
