import EnvClient
import EnvProtocol
import EnvSchema
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 68–70: protocol cases for any environment, driven by its own
/// `/schema` — a valid action synthesized from the action schema (or `OPENENV_ACTION`), invalid
/// ones derived from it, and every observation and state checked against the served schemas.
@Suite("Any environment", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct AnyEnvironmentTests {
    @Test("68 · a valid action (from the action schema, OPENENV_ACTION, or the benchmark's) is accepted over HTTP and /ws")
    func validAction() async throws {
        let environment = await EnvironmentUnderTest.current()
        let action = try environment.action.get()
        try await ServerUnderTest.withServer { endpoint in
            if let http = try await sessionlessHTTP(endpoint, .POST, "/step", body: stepBody(action), case: 68) {
                #expect(http.status == 200, "rule: a valid action is accepted; POST /step \(stepBody(action)) → \(Exchange.describe(http))")
                if let body = http.json { environment.expectConforms(envelope: body, isReset: false) }
            }
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                _ = try await session.stepValid()
                #expect(try await session.state()["step_count"] == 1)
            }
        }
    }

    @Test("69 · every action the schema rejects (unknown field, wrong type, missing field, out of bounds) → 422 and VALIDATION_ERROR")
    func invalidActions() async throws {
        let environment = await EnvironmentUnderTest.current()
        try await ServerUnderTest.withServer { endpoint in
            for variant in environment.invalidActions {
                let body = stepBody(variant.value)
                let http = try await Exchange.http(endpoint, .POST, "/step", body: body)
                #expect(http.status == 422, "schema forbids \(variant); server answered POST /step \(body) → \(Exchange.describe(http)), not 422")
                try await withSession(endpoint) { session in
                    _ = try await session.reset()
                    let message = JSONCoding.encodeString(JSONValue.object(["type": "step", "data": variant.value]))
                    let reply = try await session.request(message)
                    #expect(
                        reply.errorCode == ErrorCode.validationError.rawValue,
                        "schema forbids \(variant); server answered \(message) → \(Exchange.excerpt("\(reply)")), not VALIDATION_ERROR"
                    )
                }
            }
        }
    }

    @Test("70 · reset, step, state and GET /state conform to the schemas the server serves")
    func schemasHold() async throws {
        let environment = await EnvironmentUnderTest.current()
        try await ServerUnderTest.withServer { endpoint in
            let reset = try await Exchange.http(endpoint, .POST, "/reset", body: "{}")
            if let body = reset.json { environment.expectConforms(envelope: body, isReset: true) }
            if let state = try await sessionlessHTTP(endpoint, .GET, "/state", case: 70)?.json { environment.expectConforms(state: state) }
            try await withSession(endpoint) { session in
                _ = try await session.reset()  // each of these checks its reply against the schema
                _ = try await session.stepValid()
                _ = try await session.state()
            }
        }
    }
}

/// docs/PROTOCOL.md cases 71–73: MCP tool environments (`tools/list` lists tools).
@Suite("MCP tools", .serverHoldsTheSuites, .toolEnvironment, .timeLimit(.minutes(2)))
struct MCPToolTests {
    @Test("71 · tools/list: every tool has a name and an object inputSchema")
    func listShape() async throws {
        for tool in await EnvironmentUnderTest.current().tools {
            #expect(tool["name"]?.stringValue?.isEmpty == false, "\(tool)")
            #expect(tool["inputSchema"]?.objectValue != nil, "\(tool)")
        }
    }

    @Test("72 · each tool, called with arguments from its inputSchema, answers over POST /mcp, a WS mcp message and a call_tool step")
    func callEachTool() async throws {
        let environment = await EnvironmentUnderTest.current()
        let stepsCallTools = environment.schemas["action"]?["properties"]?["tool_name"] != nil
        try await ServerUnderTest.withServer { endpoint in
            for tool in environment.tools {
                let name = try #require(tool["name"]?.stringValue)
                let arguments = try Self.arguments(for: tool)
                let params: [String: JSONValue] = ["name": .string(name), "arguments": arguments]
                let http = try await MCPProbe.call(endpoint, "tools/call", params: params)
                #expect(http["result"] != nil && http["error"] == nil, "POST /mcp \(name) \(arguments): \(http)")
                try await withSession(endpoint) { session in
                    let request: JSONValue = ["jsonrpc": "2.0", "method": "tools/call", "id": 7, "params": .object(params)]
                    let reply = try await session.request(JSONCoding.encodeString(JSONValue.object(["type": "mcp", "data": request])))
                    #expect(reply["type"] == "mcp" && reply["data"]?["result"] != nil, "WS mcp \(name): \(reply)")
                    guard stepsCallTools else { return }
                    let step = try await session.request(
                        JSONCoding.encodeString(JSONValue.object(["type": "step", "data": ["tool_name": .string(name), "arguments": arguments]]))
                    )
                    #expect(step["type"] == "observation" && step["data"]?["observation"]?["error"] == .null, "call_tool \(name): \(step)")
                }
            }
        }
    }

    @Test("73 · an unknown tool and arguments that violate a tool's inputSchema → JSON-RPC errors")
    func badCalls() async throws {
        let environment = await EnvironmentUnderTest.current()
        try await ServerUnderTest.withServer { endpoint in
            let unknown = try await MCPProbe.call(endpoint, "tools/call", params: ["name": "no-such-tool", "arguments": [:]])
            #expect(unknown["error"] != nil && unknown["result"] == nil, "\(unknown)")
            for tool in environment.tools {
                let name = try #require(tool["name"]?.stringValue)
                guard let schema = tool["inputSchema"].flatMap({ try? JSONSchema($0) }),
                    let variant = (try? SchemaSynthesizer(schema).invalidVariants())?.variants.first
                else { continue }
                let reply = try await MCPProbe.call(endpoint, "tools/call", params: ["name": .string(name), "arguments": variant.value])
                #expect(reply["error"] != nil && reply["result"] == nil, "\(name) with \(variant): \(reply)")
            }
        }
    }

    /// Arguments a tool must accept: synthesized from its `inputSchema`.
    private static func arguments(for tool: JSONValue) throws -> JSONValue {
        let schema = try JSONSchema(tool["inputSchema"] ?? ["type": "object"])
        return try SchemaSynthesizer(schema).validValue()
    }
}
