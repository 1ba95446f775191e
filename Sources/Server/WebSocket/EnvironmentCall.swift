import EnvProtocol

/// One message's environment work (`reset`, `step`, `state`, `mcp`), carried from its
/// ``WebSocketSession`` to wherever the environment's code runs, and back.
///
/// The session's own environment moves into the call and the session holds a placeholder
/// meanwhile, so the call can run off the connection's event loop without sharing the
/// environment: ``WebSocketSession/finish(_:)`` takes it back.
struct EnvironmentCall: @unchecked Sendable {
    // @unchecked: `any EnvironmentSession` is not Sendable. The environment in `served` is used
    // by one party at a time: the session hands it over before the call's task starts and takes
    // it back only once the task has ended.
    let message: ClientMessage
    private(set) var served: WebSocketSession.Served
    /// The socket's session id for an `mcp` message (made on the loop; `nil` for other messages).
    private let sessionID: String?
    private let mcp: MCPEndpoint
    private let metrics: ServerMetrics
    /// Once ``run()`` returned: the reply (`nil`: the client's `close`).
    private(set) var reply: ServerMessage?

    init(
        message: ClientMessage,
        served: WebSocketSession.Served,
        sessionID: String?,
        mcp: MCPEndpoint,
        metrics: ServerMetrics
    ) {
        self.message = message
        self.served = served
        self.sessionID = sessionID
        self.mcp = mcp
        self.metrics = metrics
    }

    /// Runs the environment's code for the message; on whatever executor the caller's task uses.
    mutating func run() async {
        let (message, mcp, metrics) = (message, mcp, metrics)
        // Only `mcp` messages reach the `mcp` closures, and they carry the id.
        let ownID = sessionID ?? ""
        switch served {
        case .own(var environment):
            // The only reference while it runs, so a mutation does not copy it.
            served = .own(NoEnvironment())
            reply = await MessageDispatcher.answer(
                message,
                session: &environment,
                mcp: { request, session in await mcp.answer(webSocketRequest: request, ownID: ownID, session: &session) },
                stepTook: metrics.stepTook
            )
            served = .own(environment)
        case .attached(_, let shared):
            reply = await shared.use { session in
                await MessageDispatcher.answer(
                    message,
                    session: &session,
                    mcp: { request, session in await mcp.answer(webSocketRequest: request, ownID: ownID, session: &session) },
                    stepTook: metrics.stepTook
                )
            }
        }
    }
}

/// Holds the place of a session's environment while a message is answered with it; never called.
struct NoEnvironment: EnvironmentSession {
    func reset(_ options: ResetOptions) async throws -> ObservationEnvelope { throw CancellationError() }
    func step(_ action: [String: JSONValue]) async throws -> ObservationEnvelope { throw CancellationError() }
    func state() -> [String: JSONValue] { [:] }
    func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue { throw CancellationError() }
}
