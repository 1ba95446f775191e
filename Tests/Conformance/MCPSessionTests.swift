import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 55–57: JSON-RPC on `POST /mcp` and `{"type":"mcp"}` — MCP sessions
/// and the reference's error answers (PROTOCOL-0.10.md §2, rows 6–7).
@Suite("MCP sessions and JSON-RPC", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct MCPSessionTests {
    @Test("55 · openenv/session/create → a session id; session/close → closed; again, or unknown, or no id → -32602")
    func sessionLifecycle() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let created = try await MCPProbe.call(endpoint, "openenv/session/create", params: [:], id: "s-1")
            #expect(created["id"] == "s-1" && created["jsonrpc"] == "2.0", "\(created)")
            let id = try #require(created["result"]?["session_id"]?.stringValue, "\(created)")
            let closed = try await MCPProbe.closeSession(endpoint, id)
            #expect(closed["result"]?["closed"] == true && closed["result"]?["session_id"] == .string(id), "\(closed)")
            let again = try await MCPProbe.closeSession(endpoint, id)
            #expect(again.rpcErrorCode == -32602, "\(again)")
            #expect(again["error"]?["message"]?.stringValue == "Unknown session_id: \(id)", "\(again)")
            let missing = try await MCPProbe.call(endpoint, "openenv/session/close", params: [:])
            #expect(missing.rpcErrorCode == -32602, "\(missing)")
        }
    }

    @Test("56 · malformed JSON-RPC → -32700 / -32600 with id null; unknown method → -32601; tools/call without a name")
    func errorAnswers() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            for body in ["xx", "", #"[{"jsonrpc":"2.0","method":"tools/list","id":1}]"#, #""x""#] {
                let reply = try await MCPProbe.send(endpoint, body)
                #expect(reply.rpcErrorCode == -32700 && reply["id"] == .null, "\(body) → \(reply)")
            }
            for body in [
                "{}", #"{"method":"tools/list","id":10}"#, #"{"jsonrpc":"1.0","method":"tools/list","id":11}"#,
                #"{"jsonrpc":"2.0","method":"tools/list","params":[1],"id":13}"#,
                #"{"jsonrpc":"2.0","method":"tools/list","id":14,"extra":1}"#,
            ] {
                let reply = try await MCPProbe.send(endpoint, body)
                #expect(reply.rpcErrorCode == -32600 && reply["id"] == .null, "\(body) → \(reply)")
                #expect(reply["error"]?["message"]?.stringValue?.hasPrefix("Invalid request") == true, "\(reply)")
            }
            let unknown = try await MCPProbe.call(endpoint, "foo", id: 8)
            #expect(unknown.rpcErrorCode == -32601 && unknown["id"] == 8, "\(unknown)")
            #expect(unknown["error"]?["message"] == "Method not found: foo", "\(unknown)")
            let nameless = try await MCPProbe.call(endpoint, "tools/call", params: [:], id: 5)
            if profile.toolsCallNameFirst {
                #expect(nameless.rpcErrorCode == -32602 && nameless["error"]?["message"] == "Missing 'name' in params", "\(nameless)")
            } else {
                // openenv-core 0.3 checks MCP support first: -32603 for an environment without tools.
                #expect([-32602, -32603].contains(nameless.rpcErrorCode ?? 0), "\(nameless)")
            }
            let unknownSession = try await MCPProbe.call(endpoint, "tools/list", params: ["session_id": "does-not-exist"])
            #expect(unknownSession.rpcErrorCode == -32602, "\(unknownSession)")
        }
    }

    @Test("57 · WS mcp: session/create answers the socket's own id; closing it over the socket is refused")
    func webSocketMCP() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let first = try await session.request(
                    #"{"type":"mcp","data":{"jsonrpc":"2.0","method":"openenv/session/create","id":1}}"#
                )
                #expect(first["type"] == "mcp", "\(first)")
                let id = try #require(first["data"]?["result"]?["session_id"]?.stringValue, "\(first)")
                let second = try await session.request(
                    #"{"type":"mcp","data":{"jsonrpc":"2.0","method":"openenv/session/create","id":2}}"#
                )
                #expect(second["data"]?["result"]?["session_id"] == .string(id), "the same, own session: \(second)")
                if profile.attach {
                    let close = try await session.request(
                        #"{"type":"mcp","data":{"jsonrpc":"2.0","method":"openenv/session/close","params":{"session_id":"\#(id)"},"id":3}}"#
                    )
                    #expect(close["data"]?.rpcErrorCode == -32600, "\(close)")
                }
                if profile.toolsCallNameFirst {
                    let nameless = try await session.request(
                        #"{"type":"mcp","data":{"jsonrpc":"2.0","method":"tools/call","params":{},"id":"five"}}"#
                    )
                    #expect(nameless["data"]?.rpcErrorCode == -32602 && nameless["data"]?["id"] == "five", "\(nameless)")
                }
                let notAnObject = try await session.request(#"{"type":"mcp","data":"x"}"#)
                expectError(notAnObject, .validationError)
                _ = try await session.reset()
            }
        }
    }
}
