import EnvClient
import EnvProtocol
import EnvTesting
import NIOWebSocket
import Testing

/// PROTOCOL.md §5, cases 29–41 and the strict wait rules: error replies on `/ws`.
///
/// Each error must leave the session usable, checked by a reset that follows. Cases 38–41 and
/// the negative wait are strict-only: against `OPENENV_PROFILE=reference` they warn.
@Suite("Errors", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct ErrorTests {
    /// Sends `text`, expects error `code`, then checks the session survived.
    private func expectErrorKeepsSession(_ text: String, _ code: ErrorCode) async throws -> JSONValue {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let reply = try await session.request(text)
                expectError(reply, code)
                _ = try await session.reset()
                #expect(try await session.state()["step_count"] == 0, "session still usable after \(code)")
                return reply
            }
        }
    }

    @Test("29 · non-JSON text → INVALID_JSON")
    func invalidJSON() async throws {
        _ = try await expectErrorKeepsSession("this is not json", .invalidJSON)
    }

    @Test("30 · unknown type → UNKNOWN_TYPE naming the type")
    func unknownType() async throws {
        let reply = try await expectErrorKeepsSession(#"{"type":"teleport"}"#, .unknownType)
        #expect(reply["data"]?["message"]?.stringValue?.contains("teleport") == true)
    }

    @Test("31 · no type → UNKNOWN_TYPE")
    func missingType() async throws {
        _ = try await expectErrorKeepsSession(#"{"data":{}}"#, .unknownType)
    }

    @Test("32 · step without data → VALIDATION_ERROR with an errors list")
    func stepWithoutData() async throws {
        let reply = try await expectErrorKeepsSession(#"{"type":"step"}"#, .validationError)
        #expect(reply["data"]?["errors"]?.arrayValue?.isEmpty == false)
    }

    @Test("33 · step with an unknown action field → VALIDATION_ERROR", .benchmarkOnly)
    func stepUnknownField() async throws {
        _ = try await expectErrorKeepsSession(#"{"type":"step","data":{"bogus_field":1}}"#, .validationError)
    }

    @Test("34 · step with a wrong field type → VALIDATION_ERROR", .benchmarkOnly)
    func stepWrongType() async throws {
        _ = try await expectErrorKeepsSession(#"{"type":"step","data":{"wait_seconds":"abc"}}"#, .validationError)
    }

    @Test("35 · extra top-level key → VALIDATION_ERROR")
    func extraTopLevelKey() async throws {
        _ = try await expectErrorKeepsSession(#"{"type":"reset","data":{},"extra":1}"#, .validationError)
    }

    @Test("36 · state or close carrying data → VALIDATION_ERROR", arguments: ["state", "close"])
    func controlMessageWithData(type: String) async throws {
        _ = try await expectErrorKeepsSession(#"{"type":"\#(type)","data":{}}"#, .validationError)
    }

    @Test("37 · step wrapped as {action: …} → VALIDATION_ERROR", .benchmarkOnly)
    func wrappedAction() async throws {
        _ = try await expectErrorKeepsSession(
            #"{"type":"step","data":{"action":{"wait_seconds":0}}}"#,
            .validationError
        )
    }

    @Test("38 · JSON that is not an object → error reply, session kept (strict)", arguments: ["[1]", #""x""#, "null"])
    func nonObjectJSON(text: String) async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                try await session.send(text: text)
                let event = try await session.receive()
                let reply = (event.text).flatMap { try? JSONCoding.parse($0) }
                let code = reply?.errorCode
                expectStrict(
                    code == ErrorCode.invalidJSON.rawValue || code == ErrorCode.validationError.rawValue,
                    "\(text) answered INVALID_JSON or VALIDATION_ERROR (got \(event))"
                )
                let after = await session.probe(#"{"type":"reset"}"#)
                expectStrict(after?["type"] == "observation", "session kept after \(text)")
            }
        }
    }

    @Test("39 · binary frame → error reply with session kept, or close 1003 (strict)")
    func binaryFrame() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                try await session.send(frame(.binary, Array(#"{"type":"reset"}"#.utf8)))
                let event = try await session.receive()
                if case .close(let code, _) = event {
                    expectStrict(code == 1003, "binary frame closed with 1003 (got \(code.map(String.init) ?? "none"))")
                    return
                }
                let reply = event.text.flatMap { try? JSONCoding.parse($0) }
                let code = reply?.errorCode
                expectStrict(
                    code != nil && code != ErrorCode.sessionError.rawValue,
                    "binary frame answered with a session-keeping error (got \(event))"
                )
                let after = await session.probe(#"{"type":"reset"}"#)
                expectStrict(after?["type"] == "observation", "session kept after a binary frame")
            }
        }
    }

    @Test("40 · oversized frame → close 1009, others keep being served (strict)")
    func oversizedFrame() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { bystander in
                _ = try await bystander.reset()
                let size = ServerUnderTest.maxMessageBytes + 1
                let event = try await withSession(endpoint) { session -> WebSocketEvent? in
                    let padding = String(repeating: " ", count: size - 16)
                    try? await session.send(text: #"{"type":"state"}"# + padding)
                    return try? await session.receive()
                }
                var closeCode: UInt16?
                if case .close(let code, _)? = event { closeCode = code }
                expectStrict(closeCode == 1009, "a \(size)-byte frame closed with 1009 (got \(String(describing: event)))")
                _ = try await bystander.stepValid()
                #expect(try await bystander.state()["step_count"] == 1, "the other session is still served")
            }
        }
    }

    @Test("41 · invalid UTF-8 text frame → close 1007, others keep being served (strict)")
    func invalidUTF8() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { bystander in
                _ = try await bystander.reset()
                let event = try await withSession(endpoint) { session -> WebSocketEvent? in
                    try await session.send(frame(.text, [0x7B, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D]))
                    return try? await session.receive()
                }
                var closeCode: UInt16?
                if case .close(let code, _)? = event { closeCode = code }
                expectStrict(closeCode == 1007, "invalid UTF-8 closed with 1007 (got \(String(describing: event)))")
                _ = try await bystander.stepValid()
                #expect(try await bystander.state()["step_count"] == 1, "the other session is still served")
            }
        }
    }

    @Test("§4 · negative wait_seconds → VALIDATION_ERROR, session kept (strict)", .benchmarkOnly)
    func negativeWait() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                let reply = try await session.request(#"{"type":"step","data":{"wait_seconds":-1}}"#)
                expectStrict(
                    reply.errorCode == ErrorCode.validationError.rawValue,
                    "negative wait rejected with VALIDATION_ERROR (got \(reply))"
                )
                let after = try await session.reset()
                #expect(after["step_count"]?.numberValue == 0)
            }
        }
    }

    @Test(
        "§4 · NaN literal and a wait above the server's maximum → rejected (strict)",
        .benchmarkOnly,
        .enabled(if: !ServerUnderTest.isRemote, "the remote server's maximum wait is not known")
    )
    func nonFiniteAndTooLongWait() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let nan = try await session.request(#"{"type":"step","data":{"wait_seconds":NaN}}"#)
                expectError(nan, .invalidJSON)
                let tooLong = try await session.request(#"{"type":"step","data":{"wait_seconds":1e9}}"#)
                expectError(tooLong, .validationError)
                #expect(tooLong["data"]?["errors"]?.arrayValue?.first?["type"] == "less_than_equal")
            }
        }
    }
}

extension WebSocketEvent {
    /// The text of a text message.
    var text: String? {
        if case .text(let text) = self { text } else { nil }
    }
}
