/// A JSON-RPC 2.0 request as `POST /mcp` and `{"type":"mcp"}` carry it (PROTOCOL-0.10.md §2).
public struct JSONRPCRequest: Sendable, Equatable {
    /// A string, an integer or `null`; echoed in the response.
    public var id: JSONValue
    public var method: String
    public var params: [String: JSONValue]

    public init(id: JSONValue = .null, method: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// Validates a parsed body the way the reference does: anything that is not a JSON object
    /// (no body, bad JSON, a batch array) is a parse error; an object without `"jsonrpc":"2.0"`
    /// and a string `method`, or with other keys, is an invalid request. Both answer `id: null`.
    ///
    /// - Parameter body: the parsed body, `nil` when it was not JSON.
    public static func parse(_ body: JSONValue?) -> Result<JSONRPCRequest, JSONRPCError> {
        guard let object = body?.objectValue else { return .failure(.parseError) }
        var problems: [String] = []
        if object["jsonrpc"] == nil {
            problems.append("jsonrpc: Field required")
        } else if object["jsonrpc"] != "2.0" {
            problems.append("jsonrpc: Input should be '2.0'")
        }
        let method = object["method"]?.stringValue
        if method == nil { problems.append(object["method"] == nil ? "method: Field required" : "method: Input should be a valid string") }
        var params: [String: JSONValue] = [:]
        switch object["params"] {
        case nil, .null?: break
        case .object(let value)?: params = value
        default: problems.append("params: Input should be a valid dictionary")
        }
        let id: JSONValue
        switch object["id"] {
        case nil: id = .null
        case .string?, .integer?, .null?: id = object["id"] ?? .null
        // pydantic's lax integer: the reference echoes `true` as 1.
        case .bool(let flag)?: id = .integer(flag ? 1 : 0)
        default:
            id = .null
            problems.append("id: Input should be a valid string or integer")
        }
        for key in object.keys.sorted() where !["jsonrpc", "method", "params", "id"].contains(key) {
            problems.append("\(key): Extra inputs are not permitted")
        }
        guard problems.isEmpty, let method else {
            return .failure(JSONRPCError(code: -32600, message: "Invalid request: " + problems.joined(separator: "; ")))
        }
        return .success(JSONRPCRequest(id: id, method: method, params: params))
    }
}

/// A JSON-RPC error object: `{"code", "message", "data"}`.
public struct JSONRPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue

    public init(code: Int, message: String, data: JSONValue = .null) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseError = JSONRPCError(code: -32700, message: "Parse error")

    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: -32601, message: "Method not found: \(method)")
    }

    public static func invalidParams(_ message: String) -> JSONRPCError {
        JSONRPCError(code: -32602, message: message)
    }

    public static func unknownSession(_ id: String) -> JSONRPCError {
        invalidParams("Unknown session_id: \(id)")
    }

    /// The reference's answer for an environment without tools.
    public static let noMCP = JSONRPCError(code: -32603, message: "Environment does not support MCP")

    public static func capacityReached(active: Int, max: Int) -> JSONRPCError {
        JSONRPCError(
            code: -32000,
            message: "Server at capacity: \(active)/\(max) sessions active. Cannot accept new connections.",
            data: ["active_sessions": .integer(active), "max_sessions": .integer(max)]
        )
    }
}

/// JSON-RPC 2.0 response objects, keys as the reference writes them.
public enum JSONRPCResponse {
    public static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    public static func error(id: JSONValue, _ error: JSONRPCError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .integer(error.code), "message": .string(error.message), "data": error.data]]
    }
}
