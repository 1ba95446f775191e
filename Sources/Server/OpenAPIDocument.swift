import EnvProtocol

/// The `GET /openapi.json` document: the endpoints of PROTOCOL.md §2 with the environment's
/// schemas, so OpenAPI tooling (and `openenv validate`) can read what this server accepts.
enum OpenAPIDocument {
    static func make(for environment: HostedEnvironment) -> JSONValue {
        let action = environment.schema["action"] ?? [:]
        let envelope: JSONValue = [
            "type": "object",
            "properties": [
                "observation": environment.schema["observation"] ?? [:],
                "reward": ["type": ["number", "null"]],
                "done": ["type": "boolean"],
            ],
            "required": ["observation", "reward", "done"],
        ]
        let resetBody: JSONValue = [
            "type": "object",
            "properties": [
                "seed": ["type": ["integer", "null"], "minimum": 0],
                "episode_id": ["type": ["string", "null"], "maxLength": 255],
            ],
            "additionalProperties": true,
        ]
        let stepBody: JSONValue = [
            "type": "object",
            "properties": [
                "action": action,
                "timeout_s": ["type": ["number", "null"], "exclusiveMinimum": 0],
                "request_id": ["type": ["string", "null"]],
            ],
            "required": ["action"],
            "additionalProperties": true,
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": .string(environment.metadata.name),
                "description": .string(environment.metadata.description),
                "version": "1.0.0",
            ],
            "paths": [
                "/health": get("Health check", ["type": "object", "properties": ["status": ["type": "string"]]]),
                "/metadata": get("Environment metadata", ["type": "object"]),
                "/schema": get("JSON Schemas of action, observation and state", ["type": "object"]),
                "/state": get("State of a fresh environment", environment.schema["state"] ?? [:]),
                "/reset": post("Reset a fresh environment (stateless)", body: resetBody, required: false, envelope),
                "/step": post("Step a fresh environment (stateless)", body: stepBody, required: true, envelope),
                "/mcp": post("JSON-RPC 2.0 (MCP)", body: ["type": "object"], required: false, ["type": "object"]),
            ],
        ]
    }

    private static func get(_ summary: String, _ response: JSONValue) -> JSONValue {
        ["get": ["summary": .string(summary), "responses": ok(response)]]
    }

    private static func post(_ summary: String, body: JSONValue, required: Bool, _ response: JSONValue) -> JSONValue {
        [
            "post": [
                "summary": .string(summary),
                "requestBody": [
                    "required": .bool(required), "content": ["application/json": ["schema": body]],
                ],
                "responses": ok(response).merging422,
            ]
        ]
    }

    private static func ok(_ schema: JSONValue) -> JSONValue {
        ["200": ["description": "Successful Response", "content": ["application/json": ["schema": schema]]]]
    }
}

extension JSONValue {
    /// Adds the FastAPI-style 422 answer to a `responses` object.
    fileprivate var merging422: JSONValue {
        guard var responses = objectValue else { return self }
        responses["422"] = ["description": "Validation Error"]
        return .object(responses)
    }
}
