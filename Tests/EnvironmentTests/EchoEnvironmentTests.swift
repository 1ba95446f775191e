import EchoEnvironment
import EnvProtocol
import Testing

@Suite("Echo environment")
struct EchoEnvironmentTests {
    @Test("tools answer as the reference's: a string, an object with the length; bad calls name what is wrong")
    func tools() async throws {
        var environment = EchoEnvironment()
        #expect(try await environment.callTool("echo_message", arguments: ["message": "Hi"]) == "Hi")
        #expect(try await environment.callTool("echo_with_length", arguments: ["message": "Test"]) == ["message": "Test", "length": 4])
        for (name, arguments, text) in [
            ("nope", [:], "Unknown tool: 'nope'"), ("echo_message", [:], "message: Missing required argument"),
            ("echo_message", ["message": 1], "message: Input should be a valid string"),
            ("echo_message", ["message": "a", "extra": 1], "extra: Unexpected keyword argument"),
        ] as [(String, [String: JSONValue], String)] {
            await #expect(throws: (any Error).self, "\(name) \(arguments)") {
                _ = try await environment.callTool(name, arguments: arguments)
            }
            do {
                _ = try await environment.callTool(name, arguments: arguments)
            } catch {
                #expect("\(error)".contains(text), "\(error)")
            }
        }
        #expect(environment.stepCount == 0, "tool calls over MCP are not steps")
    }

    @Test("step actions: call_tool (with or without type) and list_tools; tool errors go into the observation; every step counts")
    func steps() async throws {
        var environment = EchoEnvironment()
        let ready = try await environment.reset(options: ResetOptions())
        #expect(ObservationEnvelope(ready).metadata == ["status": "ready", "message": "Echo environment ready!"])
        let call = try await environment.step(try EchoAction(validating: ["tool_name": "echo_message", "arguments": ["message": "Hi"]]))
        #expect(ObservationEnvelope(call).observation["result"]?["data"] == "Hi")
        let listed = try await environment.step(try EchoAction(validating: ["type": "list_tools"]))
        #expect(ObservationEnvelope(listed).observation["tools"]?.arrayValue?.count == 2)
        let unknown = try await environment.step(try EchoAction(validating: ["type": "call_tool", "tool_name": "nope"]))
        #expect(ObservationEnvelope(unknown).observation["error"]?["error_type"] == "tool_not_found")
        #expect(environment.state.stepCount == 3)
        #expect(throws: ValidationFailure.self) { try EchoAction(validating: ["arguments": [:]]) }
        #expect(throws: ValidationFailure.self) { try EchoAction(validating: ["tool_name": "x", "bogus": 1]) }
        #expect(throws: ValidationFailure.self) { try EchoAction(validating: ["type": "teleport", "tool_name": "x"]) }
    }

    @Test("served as echo_env with its tools and a reset schema of its own")
    func hosted() {
        let hosted = HostedEnvironment.echo()
        #expect(hosted.name == "echo_env" && hosted.tools?.map(\.name) == ["echo_message", "echo_with_length"])
        #expect(hosted.schema(for: .openenv010)["reset_observation"]?["title"] == "Observation")
        #expect(hosted.schema(for: .openenv010)["observation"]?["title"] == "CallToolObservation")
    }
}
