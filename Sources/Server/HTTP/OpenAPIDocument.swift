import EnvProtocol

/// The `GET /openapi.json` document: the endpoints of PROTOCOL.md §2 with the environment's
/// schemas, so OpenAPI tooling (and `openenv validate`) can read what this server accepts.
enum OpenAPIDocument {
    static func make(for environment: HostedEnvironment, configuration: ServerConfiguration) -> JSONValue {
        let profile = configuration.protocolProfile
        let action = environment.schema["action"] ?? [:]
        var envelopeProperties: [String: JSONValue] = [
            "observation": environment.schema["observation"] ?? [:],
            "reward": ["type": ["number", "null"]],
            "done": ["type": "boolean"],
        ]
        if profile.metadataEnvelope { envelopeProperties["metadata"] = ["type": ["object", "null"]] }
        let envelope: JSONValue = [
            "type": "object", "properties": .object(envelopeProperties), "required": ["observation", "reward", "done"],
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
            "paths": .object(paths(environment, configuration, action: action, resetBody: resetBody, stepBody: stepBody, envelope: envelope)),
        ]
    }

    /// The routes this server serves: the simulation routes only outside production mode, the
    /// task API only for profiles that have it.
    private static func paths(
        _ environment: HostedEnvironment,
        _ configuration: ServerConfiguration,
        action: JSONValue,
        resetBody: JSONValue,
        stepBody: JSONValue,
        envelope: JSONValue
    ) -> [String: JSONValue] {
        var paths: [String: JSONValue] = [
            "/health": get("Health check", ["type": "object", "properties": ["status": ["type": "string"]]]),
            "/metadata": get("Environment metadata", ["type": "object"]),
            "/schema": get("JSON Schemas of action, observation and state", ["type": "object"]),
            "/mcp": post("JSON-RPC 2.0 (MCP)", body: ["type": "object"], required: false, ["type": "object"]),
        ]
        if configuration.mode == .simulation {
            paths["/state"] = get("State of a fresh environment", environment.schema["state"] ?? [:])
            paths["/reset"] = post("Reset a fresh environment (stateless)", body: resetBody, required: false, envelope)
            paths["/step"] = post("Step a fresh environment (stateless)", body: stepBody, required: true, envelope)
        }
        if configuration.protocolProfile.taskAPI {
            let split: JSONValue = ["split": ["type": "string"]]
            func body(_ extra: [String: JSONValue] = [:], required: [JSONValue] = ["split"]) -> JSONValue {
                [
                    "type": "object", "properties": .object(split.objectValue!.merging(extra) { $1 }),
                    "required": .array(required), "additionalProperties": false,
                ]
            }
            paths["/list_environments"] = get("Environments this server hosts", ["type": "array", "items": ["type": "string"]])
            paths["/{env_name}/splits"] = get("Task splits (501 when the environment has none)", ["type": "array"])
            paths["/{env_name}/tasks"] = post("Tasks of a split", body: body(), required: true, ["type": "object"])
            paths["/{env_name}/num_tasks"] = post("Number of tasks in a split", body: body(), required: true, ["type": "integer"])
            paths["/{env_name}/task"] = post(
                "One task",
                body: body(["index": ["type": "integer"]], required: ["split", "index"]),
                required: true,
                ["type": "object"]
            )
            paths["/{env_name}/task_range"] = post(
                "A range of tasks",
                body: body(["start": ["type": ["integer", "null"]], "stop": ["type": ["integer", "null"]]]),
                required: true,
                ["type": "object"]
            )
        }
        return paths
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
