import EnvProtocol

/// JSON-RPC 2.0 over `POST /mcp` and `{"type":"mcp"}` messages (PROTOCOL-0.10.md §2): MCP
/// sessions (`openenv/session/create`, `openenv/session/close`) and, for a ``ToolEnvironment``,
/// `tools/list` and `tools/call`. Codes and messages are the reference's.
struct MCPEndpoint: Sendable {
    let environment: HostedEnvironment
    let sessions: MCPSessions
    let profile: ProtocolProfile
    let process: @Sendable () -> ServingProcess

    /// The answer to an HTTP `POST /mcp` body (`nil`: the body was not JSON).
    func answer(httpBody body: JSONValue?) async -> JSONValue {
        let request: JSONRPCRequest
        switch JSONRPCRequest.parse(body) {
        case .failure(let error): return JSONRPCResponse.error(id: .null, error)
        case .success(let parsed): request = parsed
        }
        do {
            return JSONRPCResponse.result(id: request.id, try await httpResult(request))
        } catch {
            return JSONRPCResponse.error(id: request.id, Self.rpcError(error))
        }
    }

    /// The answer to a `{"type":"mcp"}` message on a socket whose session is `ownID` (owned or
    /// attached): session methods refer to that session, tools act on `session`.
    func answer(
        webSocketRequest data: JSONValue,
        ownID: String,
        session: inout any EnvironmentSession
    ) async -> JSONValue {
        let request: JSONRPCRequest
        switch JSONRPCRequest.parse(data) {
        case .failure(let error): return JSONRPCResponse.error(id: .null, error)
        case .success(let parsed): request = parsed
        }
        do {
            let result: JSONValue
            switch request.method {
            case "openenv/session/create":
                // A socket's own session: the reference answers its id instead of creating one.
                result = ["session_id": .string(ownID)]
            case "openenv/session/close":
                let id = try Self.sessionID(request)
                guard id != ownID else {
                    throw JSONRPCError(code: -32600, message: "Cannot close active WebSocket-managed session via MCP method")
                }
                result = try close(id)
            case "tools/list", "tools/call":
                try checkName(request)
                if let named = request.params["session_id"]?.stringValue, !named.isEmpty, named != ownID {
                    // Strict: a socket's messages act on its own session only (no socket drives
                    // another session's environment, nor waits on it).
                    throw JSONRPCError.invalidParams(
                        "session_id \(named) is not this WebSocket's session: mcp messages act on their own session"
                    )
                }
                result = try await tools(request, &session)
            default:
                throw JSONRPCError.methodNotFound(request.method)
            }
            return JSONRPCResponse.result(id: request.id, result)
        } catch {
            return JSONRPCResponse.error(id: request.id, Self.rpcError(error))
        }
    }

    private func httpResult(_ request: JSONRPCRequest) async throws -> JSONValue {
        switch request.method {
        case "openenv/session/create":
            let shared = SharedEnvironment(try environment.session(for: process()))
            switch sessions.create(shared) {
            case .success(let id): return ["session_id": .string(id)]
            case .failure(let full): throw JSONRPCError.capacityReached(active: full.active, max: full.capacity)
            }
        case "openenv/session/close":
            return try close(try Self.sessionID(request))
        case "tools/list", "tools/call":
            try checkName(request)
            if let id = request.params["session_id"]?.stringValue, !id.isEmpty {
                guard let shared = sessions.environment(id) else { throw JSONRPCError.unknownSession(id) }
                return try await shared.use { session in try await tools(request, &session) }
            }
            // No session named: a fresh instance, as stateless HTTP calls use.
            var session = try environment.session(for: process())
            return try await tools(request, &session)
        default:
            throw JSONRPCError.methodNotFound(request.method)
        }
    }

    private func close(_ id: String) throws -> JSONValue {
        switch sessions.close(id) {
        case .unknown: throw JSONRPCError.unknownSession(id)
        case .closed: return ["session_id": .string(id), "closed": true]
        case .closing: return ["session_id": .string(id), "closed": false, "closing": true]
        }
    }

    /// openenv ≥ 0.4.1 checks a `tools/call`'s name before anything else.
    private func checkName(_ request: JSONRPCRequest) throws {
        guard profile.toolsCallNameFirst, request.method == "tools/call" else { return }
        guard let name = request.params["name"]?.stringValue, !name.isEmpty else {
            throw JSONRPCError.invalidParams("Missing 'name' in params")
        }
    }

    private func tools(_ request: JSONRPCRequest, _ session: inout any EnvironmentSession) async throws -> JSONValue {
        guard let tools = environment.tools else { throw JSONRPCError.noMCP }
        if request.method == "tools/list" { return ["tools": .array(tools.map(\.json))] }
        guard let name = request.params["name"]?.stringValue, !name.isEmpty else {
            throw JSONRPCError.invalidParams("Missing 'name' in params")
        }
        let arguments: [String: JSONValue]
        switch request.params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let object)?: arguments = object
        default: throw JSONRPCError.invalidParams("Invalid params - 'arguments' must be an object")
        }
        return ToolResult.json(try await session.callTool(name, arguments: arguments))
    }

    private static func sessionID(_ request: JSONRPCRequest) throws -> String {
        guard let id = request.params["session_id"]?.stringValue, !id.isEmpty else {
            throw JSONRPCError.invalidParams("Invalid params - 'session_id' is required")
        }
        return id
    }

    /// Any failure as the JSON-RPC error the reference answers (-32603 for an environment's own).
    private static func rpcError(_ error: any Error) -> JSONRPCError {
        switch error {
        case let rpc as JSONRPCError: rpc
        case let tool as ToolCallFailure: JSONRPCError(code: -32603, message: tool.message)
        default: JSONRPCError(code: -32603, message: "\(error)")
        }
    }
}
