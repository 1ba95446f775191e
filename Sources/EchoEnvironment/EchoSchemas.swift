import EnvProtocol

/// The JSON Schemas OpenEnv 0.10's MCP models serve (`CallToolAction`, `CallToolObservation`,
/// `Observation`, `State`), as its echo environment's `/schema` shows them.
enum EchoSchemas {
    static let action = parse(
        ##"{"additionalProperties":false,"description":"Call a specific tool via MCP.\n\nThis action triggers MCP's tools/call operation with the\nspecified tool name and arguments.","properties":{"arguments":{"additionalProperties":true,"description":"Arguments to pass to the tool","title":"Arguments","type":"object"},"metadata":{"additionalProperties":true,"description":"Additional metadata for the action","title":"Metadata","type":"object"},"tool_name":{"description":"Name of the tool to call","title":"Tool Name","type":"string"},"type":{"const":"call_tool","default":"call_tool","description":"Action type discriminator","title":"Type","type":"string"}},"required":["tool_name"],"title":"CallToolAction","type":"object"}"##
    )
    static let observation = parse(
        ##"{"$defs":{"ToolError":{"additionalProperties":false,"description":"Structured error for tool execution failures.\n\nThis is used for transport/framework errors, NOT for errors returned\nby the tool itself (those go in the result field).","properties":{"error_type":{"$ref":"#/$defs/ToolErrorType","description":"Category of the error"},"message":{"description":"Human-readable error message","title":"Message","type":"string"}},"required":["error_type","message"],"title":"ToolError","type":"object"},"ToolErrorType":{"description":"Types of errors that can occur during tool execution.","enum":["execution_error","invalid_args","transport_error","tool_not_found","timeout"],"title":"ToolErrorType","type":"string"}},"additionalProperties":false,"description":"Response from tool execution.\n\nContains the tool's result or an error if the call failed.\nTool-specific errors (from the tool itself) are included in the result.\nTransport/framework errors use the error field.","properties":{"done":{"default":false,"description":"Whether the episode has terminated","title":"Done","type":"boolean"},"error":{"anyOf":[{"$ref":"#/$defs/ToolError"},{"type":"null"}],"default":null,"description":"Transport/framework error if call failed"},"metadata":{"additionalProperties":true,"description":"Additional metadata for the observation","title":"Metadata","type":"object"},"result":{"default":null,"description":"Tool-specific result (may include tool errors)","title":"Result"},"reward":{"anyOf":[{"type":"boolean"},{"type":"integer"},{"type":"number"},{"type":"null"}],"default":null,"description":"Reward signal from the last action","title":"Reward"},"tool_name":{"description":"Name of the tool that was called","title":"Tool Name","type":"string"}},"required":["tool_name"],"title":"CallToolObservation","type":"object"}"##
    )
    /// What `reset` returns: a plain `Observation` (the reference serves `CallToolObservation`
    /// here, whose required `tool_name` a reset never has; PROTOCOL-0.10.md §4.3).
    static let resetObservation = parse(
        ##"{"additionalProperties":false,"description":"Base class for all environment observations.","properties":{"done":{"default":false,"description":"Whether the episode has terminated","title":"Done","type":"boolean"},"metadata":{"additionalProperties":true,"description":"Additional metadata for the observation","title":"Metadata","type":"object"},"reward":{"anyOf":[{"type":"boolean"},{"type":"integer"},{"type":"number"},{"type":"null"}],"default":null,"description":"Reward signal from the last action","title":"Reward"}},"title":"Observation","type":"object"}"##
    )
    static let state = parse(
        ##"{"additionalProperties":true,"description":"Base class for environment state.\n\nRepresents internal environment state, separate from observations.","properties":{"episode_id":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"description":"Unique identifier for the current episode","title":"Episode Id"},"step_count":{"default":0,"description":"Number of steps taken in the current episode","minimum":0,"title":"Step Count","type":"integer"}},"title":"State","type":"object"}"##
    )

    private static func parse(_ text: String) -> JSONValue {
        // Checked-in literals: a failure here is a programming error, caught by every test.
        guard let value = try? JSONCoding.parse(text) else { preconditionFailure("invalid schema literal") }
        return value
    }
}
