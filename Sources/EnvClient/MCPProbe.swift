public import EnvProtocol

/// JSON-RPC calls to a server's `POST /mcp`: MCP sessions (`openenv/session/create`,
/// `openenv/session/close`) and tools, as the official `MCPToolClient` makes them.
public enum MCPProbe {
    /// Sends one request and returns the JSON-RPC response object.
    ///
    /// - Throws: ``MCPProbeError`` when the answer is not HTTP 200 with a JSON object.
    public static func call(
        _ endpoint: ServerEndpoint,
        _ method: String,
        params: [String: JSONValue]? = nil,
        id: JSONValue = 1
    ) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "id": id]
        if let params { request["params"] = .object(params) }
        return try await send(endpoint, JSONCoding.encodeString(JSONValue.object(request)))
    }

    /// Sends a raw body (possibly not JSON-RPC at all) and returns the response object.
    public static func send(_ endpoint: ServerEndpoint, _ body: String) async throws -> JSONValue {
        let reply = try await HTTPProbe.post(endpoint, "/mcp", body: body)
        guard reply.status == 200, let json = reply.json, json.objectValue != nil else {
            throw MCPProbeError(status: reply.status, body: String(reply.body.prefix(300)))
        }
        return json
    }

    /// Creates an MCP session and returns its id.
    ///
    /// - Throws: ``MCPProbeError`` when the server answers an error (e.g. -32000 at capacity).
    public static func createSession(_ endpoint: ServerEndpoint) async throws -> String {
        let response = try await call(endpoint, "openenv/session/create", params: [:])
        guard let id = response["result"]?["session_id"]?.stringValue else {
            throw MCPProbeError(status: 200, body: "openenv/session/create answered \(response)")
        }
        return id
    }

    /// Closes an MCP session and returns the response object.
    @discardableResult
    public static func closeSession(_ endpoint: ServerEndpoint, _ id: String) async throws -> JSONValue {
        try await call(endpoint, "openenv/session/close", params: ["session_id": .string(id)])
    }
}

/// A `/mcp` answer that is not a JSON-RPC response.
public struct MCPProbeError: Error, CustomStringConvertible {
    public let status: Int
    public let body: String
    public var description: String { "POST /mcp answered HTTP \(status): \(body)" }
}

extension JSONValue {
    /// The `error.code` of a JSON-RPC response.
    public var rpcErrorCode: Int? { self["error"]?["code"]?.integerValue }
}
