import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 58–63: `/ws?session_id=<id>` attaches a socket to an MCP session
/// created over HTTP (openenv ≥ 0.5, PROTOCOL-0.10.md rows 5–6). Before 0.5 the query string is
/// ignored and every socket gets a session of its own, which each case checks instead.
@Suite("Attach to MCP sessions", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct AttachTests {
    /// Expects the refusal an attach gets: one SESSION_ERROR naming why, then close 1000.
    private func expectRefused(
        _ endpoint: ServerEndpoint,
        containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withSession(endpoint) { session in
            let reply = try await session.nextJSON(sourceLocation: sourceLocation)
            expectError(reply, .sessionError, sourceLocation: sourceLocation)
            #expect(
                reply["data"]?["message"]?.stringValue?.contains(text) == true,
                "\(reply)",
                sourceLocation: sourceLocation
            )
            #expect(try await session.closeCode() == 1000, sourceLocation: sourceLocation)
        }
    }

    /// Runs `body` with a fresh MCP session, closed afterwards (also when `body` throws).
    private func withMCPSession(_ endpoint: ServerEndpoint, _ body: (String) async throws -> Void) async throws {
        let id = try await MCPProbe.createSession(endpoint)
        do {
            try await body(id)
        } catch {
            _ = try? await MCPProbe.closeSession(endpoint, id)
            throw error
        }
        _ = try? await MCPProbe.closeSession(endpoint, id)
    }

    /// Attaches a socket to `id` and runs `body` with it and its first `state` reply. A socket
    /// that detached a moment ago may not be gone yet on the server (detaching is asynchronous
    /// there, as on the reference), so "already attached" is retried for a few seconds.
    private func withAttached<Result>(
        _ endpoint: ServerEndpoint,
        _ id: String,
        _ body: (inout WebSocketConnection, JSONValue) async throws -> Result
    ) async throws -> Result {
        let end = ContinuousClock.now + .seconds(15)
        while true {
            let outcome: Result? = try await withSession(endpoint.attaching(to: id)) { session in
                let state = try await session.request(#"{"type":"state"}"#)
                let busy = state["data"]?["message"]?.stringValue?.contains("already has an attached WebSocket") == true
                if busy && ContinuousClock.now < end { return nil }
                return try await body(&session, state)
            }
            if let outcome { return outcome }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test("58 · an unknown session_id → SESSION_ERROR 'Unknown session_id', then close 1000 (0.3: a session of its own)")
    func unknownSession() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            let unknown = endpoint.attaching(to: "does-not-exist")
            if profile.attach {
                try await expectRefused(unknown, containing: "Unknown session_id: does-not-exist")
            } else {
                let state = try await withSession(unknown) { session in
                    _ = try await session.reset()
                    return try await session.state()
                }
                #expect(state["step_count"] == 0, "\(state)")
            }
        }
    }

    @Test("59 · an attached socket drives the session's environment, which outlives it: re-attach sees the steps")
    func attachAndReattach() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        guard profile.attach else { return }
        try await ServerUnderTest.withServer { endpoint in
            try await withMCPSession(endpoint) { id in
                let episode = try await withSession(endpoint.attaching(to: id)) { session in
                    _ = try await session.reset()
                    _ = try await session.stepValid()
                    let state = try await session.state()
                    #expect(state["step_count"] == 1, "\(state)")
                    return state["episode_id"]
                }
                try await withAttached(endpoint, id) { session, state in
                    #expect(state["data"]?["step_count"] == 1, "the session kept its step: \(state)")
                    try await session.send(text: #"{"type":"close"}"#)
                    #expect(try await session.closeCode() == 1000, "close on an attached socket ends only the socket")
                }
                try await withAttached(endpoint, id) { _, state in
                    #expect(
                        state["data"]?["step_count"] == 1 && state["data"]?["episode_id"] == episode,
                        "the same episode after a close message: \(state)"
                    )
                }
            }
        }
    }

    @Test("60 · a second socket cannot attach while one is attached")
    func secondAttachRefused() async throws {
        guard await ServerUnderTest.protocolProfile().attach else { return }
        try await ServerUnderTest.withServer { endpoint in
            try await withMCPSession(endpoint) { id in
                try await withSession(endpoint.attaching(to: id)) { first in
                    _ = try await first.reset()
                    try await expectRefused(endpoint.attaching(to: id), containing: "already has an attached WebSocket")
                    let state = try await first.request(#"{"type":"state"}"#)
                    #expect(state["type"] == "state", "the first socket keeps its session: \(state)")
                }
            }
        }
    }

    @Test("61 · session/close while attached → closing; the socket keeps answering; the session ends when it detaches")
    func closeWhileAttached() async throws {
        guard await ServerUnderTest.protocolProfile().attach else { return }
        try await ServerUnderTest.withServer { endpoint in
            let id = try await MCPProbe.createSession(endpoint)
            try await withSession(endpoint.attaching(to: id)) { session in
                _ = try await session.reset()
                let closing = try await MCPProbe.closeSession(endpoint, id)
                #expect(closing["result"]?["closed"] == false && closing["result"]?["closing"] == true, "\(closing)")
                _ = try await session.stepValid()
                let state = try await session.state()
                #expect(state["step_count"] == 1, "an attached socket keeps working after session/close: \(state)")
            }
            try await waitUntilUnknown(endpoint, id)
        }
    }

    /// The session ends once its socket has detached, which the server learns asynchronously.
    private func waitUntilUnknown(_ endpoint: ServerEndpoint, _ id: String) async throws {
        var last: JSONValue = .null
        for _ in 0..<150 {
            last = try await MCPProbe.closeSession(endpoint, id)
            if last.rpcErrorCode == -32602 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the session outlived its socket after session/close: \(last)")
    }

    @Test("62 · other query keys, and an empty session_id, give a session of its own")
    func otherQueries() async throws {
        try await ServerUnderTest.withServer { endpoint in
            for query in [[("foo", "bar")], [("session_id", "")]] {
                let state = try await withSession(endpoint.withWebSocketQuery(query)) { session in
                    _ = try await session.reset()
                    return try await session.state()
                }
                #expect(state["step_count"] == 0, "\(query): \(state)")
            }
        }
    }

    @Test("63 · strict: no socket attaches to a session another WebSocket owns (reference: it does, PROTOCOL-0.10 §4.1)")
    func ownedSessionNotAttachable() async throws {
        guard await ServerUnderTest.protocolProfile().attach else { return }
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { owner in
                _ = try await owner.reset()
                let created = try await owner.request(
                    #"{"type":"mcp","data":{"jsonrpc":"2.0","method":"openenv/session/create","id":1}}"#
                )
                let id = try #require(created["data"]?["result"]?["session_id"]?.stringValue, "\(created)")
                // The intruder steps at once: a strict server has already refused it (SESSION_ERROR,
                // then close); the reference attaches it and answers the step on the owner's environment.
                let intruderReply = try await withSession(endpoint.attaching(to: id)) { intruder -> JSONValue? in
                    // A refused socket may be closed before the step goes out; its refusal is still read.
                    try? await intruder.send(text: try await EnvironmentUnderTest.current().stepMessage())
                    guard case .text(let text)? = try? await intruder.receive() else { return nil }
                    return try? JSONCoding.parse(text)
                }
                expectStrict(
                    intruderReply?.errorCode == ErrorCode.sessionError.rawValue,
                    "a second socket attached to a WebSocket-owned session: \(intruderReply.map { "\($0)" } ?? "no reply")"
                )
                let state = try await owner.state()
                expectStrict(state["step_count"] == 0, "the owner's environment was stepped by another socket: \(state)")
            }
        }
    }
}
