/// An MCP tool an environment offers: what `tools/list` lists.
public struct ToolDescription: Sendable, Equatable {
    public var name: String
    public var description: String
    /// JSON Schema of the tool's arguments object.
    public var inputSchema: JSONValue
    /// JSON Schema of the tool's result, when it has one.
    public var outputSchema: JSONValue?

    public init(name: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
    }

    /// The `tools/list` entry (MCP's `Tool`: camelCase schema keys).
    public var json: JSONValue {
        var tool: [String: JSONValue] = [
            "name": .string(name), "description": .string(description), "inputSchema": inputSchema,
        ]
        if let outputSchema { tool["outputSchema"] = outputSchema }
        return .object(tool)
    }
}

/// An environment that is also an MCP tool environment (`tools/list`, `tools/call` over
/// `POST /mcp` and `{"type":"mcp"}` messages). Environments that are not answer
/// "Environment does not support MCP", as the reference does.
public protocol ToolEnvironment: Environment {
    /// The tools, in the order `tools/list` lists them.
    static var tools: [ToolDescription] { get }
    /// Calls one tool.
    ///
    /// - Returns: the tool's result value.
    /// - Throws: ``ToolCallFailure`` (unknown tool, arguments that violate its schema), or the
    ///   tool's own error; both are answered as JSON-RPC errors.
    mutating func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue
}

/// A tool call that cannot be made.
public struct ToolCallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public static func unknownTool(_ name: String) -> Self { Self("Unknown tool: '\(name)'") }

    public var description: String { message }
}

/// A tool's value as MCP's `CallToolResult`, in the shape FastMCP answers and the reference
/// serves (`tools/call` results, and `result` in a `call_tool` step's observation): text
/// content, structured content, and `data`, which the official `MCPToolClient` returns.
public enum ToolResult {
    public static func json(_ value: JSONValue) -> JSONValue {
        let text: String = if case .string(let string) = value { string } else { JSONCoding.encodeString(value) }
        let isObject = value.objectValue != nil
        return [
            "content": [["type": "text", "text": .string(text), "annotations": nil, "meta": nil]],
            // A value that is not an object is wrapped, and FastMCP says so in `meta`.
            "structured_content": isObject ? value : ["result": value],
            "meta": isObject ? nil : ["fastmcp": ["wrap_result": true]],
            "data": value, "is_error": false,
        ]
    }
}
