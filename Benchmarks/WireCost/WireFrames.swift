import EchoEnvironment
import EnvProtocol

/// The frames the cost gates decode and encode: one of each kind a session exchanges on `/ws`
/// (PROTOCOL.md §3), as a client sends them and as our server answers them. Fixed values, so a
/// gate's count changes only when the code does.
enum WireFrames {
    /// What a client sends, by message kind (kinds name benchmarks and threshold files: no spaces).
    static let client: [(kind: String, text: String)] = [
        ("reset", #"{"type":"reset","data":{}}"#),
        ("step", #"{"type":"step","data":{"wait_seconds":0.0}}"#),
        ("state", #"{"type":"state"}"#),
        ("close", #"{"type":"close"}"#),
        ("mcp-tools-list", #"{"type":"mcp","data":{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}}"#),
        (
            "mcp-tools-call",
            #"{"type":"mcp","data":{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo_message","arguments":{"message":"hello"}}}}"#
        ),
    ]

    /// A benchmark environment's step observation, as the server's envelope holds it.
    static let observation = ObservationEnvelope(splitting: [
        "waited_seconds": 0.0, "pid": 4242, "session_hash": "0123456789ab", "host_url": "127.0.0.1:8000",
        "step_count": 1, "reward": nil, "done": false, "metadata": [:],
    ])

    /// What the server answers, by reply kind.
    static let server: [(kind: String, message: ServerMessage)] = [
        ("observation", .observation(observation)),
        ("state", .state(["episode_id": "6f1c2d3e-0000-4000-8000-00000000abcd", "step_count": 1])),
        ("error-UNKNOWN_TYPE", .error(.unknownType("bogus"))),
        (
            "error-VALIDATION_ERROR",
            .error(
                .validation(
                    ValidationFailure([
                        ValidationIssue(
                            type: "less_than_equal",
                            loc: ["wait_seconds"],
                            msg: "Input should be less than or equal to 600",
                            input: 900.0,
                            ctx: ["le": 600.0]
                        )
                    ])
                )
            )
        ),
        ("mcp-tools-list", .mcp(JSONRPCResponse.result(id: 1, ["tools": .array(EchoEnvironment.tools.map(\.json))]))),
        ("mcp-tools-call", .mcp(JSONRPCResponse.result(id: 2, ToolResult.json("hello")))),
    ]
}
