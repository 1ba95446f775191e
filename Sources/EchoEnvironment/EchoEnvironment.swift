public import EnvProtocol
import Foundation

/// OpenEnv's echo environment, an MCP tool environment: tools `echo_message` and
/// `echo_with_length`, wire-compatible with the reference's (`Tests/Fixtures/python/echo_env_server.py`;
/// PROTOCOL-0.10.md and `docs/reference/REFERENCE_TRANSCRIPT-0.10.md`). Tools are called over
/// `POST /mcp` / `{"type":"mcp"}` (not counted as steps) or as a `call_tool` step action; a
/// `list_tools` step lists them. Every step is counted.
public struct EchoEnvironment: ToolEnvironment {
    public private(set) var episodeID = UUID().uuidString.lowercased()
    public private(set) var stepCount = 0

    public init() {}

    public static let tools: [ToolDescription] = [
        ToolDescription(
            name: "echo_message",
            description: "Echo back the provided message.",
            inputSchema: messageSchema,
            outputSchema: ["properties": ["result": ["type": "string"]], "required": ["result"], "type": "object"]
        ),
        ToolDescription(
            name: "echo_with_length",
            description: "Echo back the message with its length.",
            inputSchema: messageSchema,
            outputSchema: ["additionalProperties": true, "type": "object"]
        ),
    ]

    private static let messageSchema: JSONValue = [
        "additionalProperties": false,
        "properties": ["message": ["type": "string", "description": "The message to echo back"]],
        "required": ["message"], "type": "object",
    ]

    public mutating func reset(options: ResetOptions) async throws -> EchoObservation {
        episodeID = options.episodeID ?? UUID().uuidString.lowercased()
        stepCount = 0
        return .ready
    }

    public mutating func step(_ action: EchoAction) async throws -> EchoObservation {
        stepCount += 1
        switch action {
        case .listTools:
            return .tools(Self.tools)
        case .callTool(let name, let arguments):
            do {
                return .toolResult(name: name, result: try await callTool(name, arguments: arguments))
            } catch let failure as EchoToolFailure {
                return .toolError(name: name, type: failure.type, message: failure.message)
            }
        }
    }

    public var state: EchoState { EchoState(episodeID: episodeID, stepCount: stepCount) }

    /// Runs a tool; arguments are checked against its input schema first.
    public mutating func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        guard Self.tools.contains(where: { $0.name == name }) else {
            throw EchoToolFailure(type: "tool_not_found", message: "Unknown tool: '\(name)'")
        }
        var problems = arguments.keys.sorted().filter { $0 != "message" }.map { "\($0): Unexpected keyword argument" }
        let message = arguments["message"]?.stringValue
        switch arguments["message"] {
        case nil: problems.insert("message: Missing required argument", at: 0)
        case .string?: break
        default: problems.insert("message: Input should be a valid string", at: 0)
        }
        guard problems.isEmpty, let message else {
            throw EchoToolFailure(
                type: "invalid_args",
                message: "\(problems.count) validation error\(problems.count == 1 ? "" : "s") for call[\(name)]: "
                    + problems.joined(separator: "; ")
            )
        }
        return name == "echo_message" ? .string(message) : ["message": .string(message), "length": .integer(message.count)]
    }
}

/// A tool call that failed: unknown tool or arguments that violate its schema.
struct EchoToolFailure: Error, CustomStringConvertible {
    /// `tool_not_found` or `invalid_args` (OpenEnv's `ToolErrorType`).
    let type: String
    let message: String
    var description: String { message }
}

/// `CallToolAction` (`{"type":"call_tool","tool_name","arguments"}`; `type` optional) or
/// `ListToolsAction` (`{"type":"list_tools"}`), both also taking `metadata`.
public enum EchoAction: EnvironmentAction, Equatable {
    case callTool(name: String, arguments: [String: JSONValue])
    case listTools

    public init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
        var reader = FieldReader(fields)
        if fields["type"] == "list_tools" {
            reader.allowOnly(["type", "metadata"])
            _ = reader.object("metadata")
            try reader.finish()
            self = .listTools
            return
        }
        reader.allowOnly(["type", "tool_name", "arguments", "metadata"])
        if let type = fields["type"], type != "call_tool" {
            reader.record("literal_error", "type", "Input should be 'call_tool'", type, ctx: ["expected": "'call_tool'"])
        }
        _ = reader.required("tool_name")
        let name = reader.string("tool_name")
        let arguments = reader.object("arguments") ?? [:]
        _ = reader.object("metadata")
        try reader.finish()
        self = .callTool(name: name ?? "", arguments: arguments)
    }

    public static var jsonSchema: JSONValue { EchoSchemas.action }
}

/// What the echo environment observes: ready after a reset, a tool's result or error after a
/// call, the tool list after `list_tools`.
public enum EchoObservation: EnvironmentObservation, Equatable {
    case ready
    case toolResult(name: String, result: JSONValue)
    case toolError(name: String, type: String, message: String)
    case tools([ToolDescription])

    public var fields: [String: JSONValue] {
        switch self {
        case .ready:
            ["metadata": ["status": "ready", "message": "Echo environment ready!"], "reward": 0.0, "done": false]
        case .toolResult(let name, let result):
            ["tool_name": .string(name), "result": ToolResult.json(result), "error": nil, "reward": nil, "done": false]
        case .toolError(let name, let type, let message):
            [
                "tool_name": .string(name), "result": nil,
                "error": ["error_type": .string(type), "message": .string(message)], "reward": nil, "done": false,
            ]
        case .tools(let tools):
            [
                "tools": .array(
                    tools.map { ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.inputSchema] }
                ),
                "reward": nil, "done": false,
            ]
        }
    }

    public static var jsonSchema: JSONValue { EchoSchemas.observation }
}

/// `{"episode_id", "step_count"}`.
public struct EchoState: EnvironmentState, Equatable {
    public var episodeID: String
    public var stepCount: Int

    public var fields: [String: JSONValue] { ["episode_id": .string(episodeID), "step_count": .integer(stepCount)] }

    public static var jsonSchema: JSONValue { EchoSchemas.state }
}
