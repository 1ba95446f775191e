import EnvProtocol

/// JSON-RPC answers for `POST /mcp` and `{"type":"mcp"}` (PROTOCOL.md §6).
///
/// The benchmark environment exposes no tools, so every request gets a JSON-RPC error, which
/// is what `openenv validate` checks for (`jsonrpc: "2.0"`).
enum MCPResponse {
    static func noTools(answering request: JSONValue) -> JSONValue {
        let id = request["id"] ?? .null
        guard request["jsonrpc"] == "2.0", request["method"]?.stringValue != nil else {
            return error(id: id, code: -32600, message: "Invalid request: expected a JSON-RPC 2.0 request object")
        }
        // The reference's code and message for an environment without MCP support.
        return error(id: id, code: -32603, message: "Environment does not support MCP")
    }

    private static func error(id: JSONValue, code: Int, message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .integer(code), "message": .string(message), "data": nil]]
    }
}
