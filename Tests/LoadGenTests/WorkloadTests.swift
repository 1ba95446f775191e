import BenchResults
import EchoEnvironment
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import LoadGen
import Testing

@Suite("Workloads for any environment", .timeLimit(.minutes(2)))
struct WorkloadTests {
    @Test("flags: one action, a cycled list, a tool call; bad values name the flag")
    func parsing() throws {
        #expect(try Workload.parse(action: nil, actionFileContents: nil, tool: nil, arguments: nil, steps: 1) == .benchmark)
        let cycled = try Workload.parse(action: #"[{"a":1},{"a":2}]"#, actionFileContents: nil, tool: nil, arguments: nil, steps: 3)
        #expect(cycled.step == .actions([["a": 1], ["a": 2]]) && cycled.steps == 3 && "\(cycled)" == "actions×2, 3 steps")
        let tool = try Workload.parse(action: nil, actionFileContents: nil, tool: "echo", arguments: #"{"m":"x"}"#, steps: 1)
        #expect(tool.step == .tool(name: "echo", arguments: ["m": "x"]) && !tool.readsObservations)
        for (action, tool, arguments, steps, flag) in [
            ("{", nil, nil, 1, "--action"), ("[1]", nil, nil, 1, "--action"), ("{}", "t", nil, 1, "--action/--action-file/--tool"),
            (nil, nil, "{}", 1, "--arguments"), (nil, "t", "[1]", 1, "--arguments"), (nil, nil, nil, 0, "--steps"),
        ] as [(String?, String?, String?, Int, String)] {
            #expect(throws: WorkloadError.self, "\(flag)") {
                try Workload.parse(action: action, actionFileContents: nil, tool: tool, arguments: arguments, steps: steps)
            }
            do {
                _ = try Workload.parse(action: action, actionFileContents: nil, tool: tool, arguments: arguments, steps: steps)
            } catch {
                #expect(error.flag == flag, "\(error)")
            }
        }
    }

    @Test(
        "tool-call and action workloads against the echo environment: one row per session, identity not reported",
        arguments: [
            Workload(step: .tool(name: "echo_message", arguments: ["message": "hi"]), steps: 2),
            Workload(step: .actions([["tool_name": "echo_with_length", "arguments": ["message": "x"]], ["type": "list_tools"]]), steps: 3),
        ]
    )
    func againstEcho(workload: Workload) async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 64), environment: .echo()) { endpoint, _ in
            for mode in LoadMode.allCases {
                let driver = SessionDriver(mode: mode, wait: 0, timeout: .seconds(30), batchSize: 32, hardware: "test", workload: workload)
                let (rows, _) = await Burst(endpoints: [endpoint], sessions: 32, driver: driver).run()
                #expect(rows.count == 32 && rows.allSatisfy(\.success), "\(mode): \(rows.compactMap(\.errorMessage).prefix(2))")
                #expect(rows.allSatisfy { $0.hostURL.isEmpty && $0.pid == 0 }, "the echo environment reports no identity")
            }
        }
    }

    @Test("a tool that errors fails its session as MCPError; an invalid action as the server's VALIDATION_ERROR")
    func failures() async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 8), environment: .echo()) { endpoint, _ in
            let cases: [(Workload, FailureKind)] = [
                (Workload(step: .tool(name: "nope", arguments: [:])), .mcpError),
                (Workload(step: .actions([["bogus": 1]])), FailureKind(server: .validationError)),
            ]
            for (workload, kind) in cases {
                let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(30), batchSize: 2, hardware: "test", workload: workload)
                let (rows, _) = await Burst(endpoints: [endpoint], sessions: 2, driver: driver).run()
                #expect(rows.count == 2 && rows.allSatisfy { $0.errorType == kind }, "\(workload): \(rows.map(\.errorType))")
            }
        }
    }
}
