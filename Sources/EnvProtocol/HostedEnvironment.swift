/// An environment type as the server drives it: wire fields in, wire envelopes out.
///
/// It erases the environment's associated types once, so routes and the WebSocket handler
/// need not be generic.
public struct HostedEnvironment: Sendable {
    public let metadata: EnvironmentMetadata
    /// The name the task API answers to (`GET /list_environments`; `/{name}/splits`, compared
    /// case-insensitively). The reference uses the environment's class name.
    public let name: String
    /// `GET /schema`: `{"action", "observation", "state"}` (see ``schema(for:)``).
    public let schema: JSONValue
    /// The ORS task API; ``NoTasks`` answers 501 for every method.
    public let tasks: any EnvironmentTasks
    /// The MCP tools, `nil` for an environment that is not a ``ToolEnvironment``.
    public let tools: [ToolDescription]?
    /// The schema of what `reset` returns, when it is not the observation's.
    public let resetObservationSchema: JSONValue?
    /// Whether a server may run this environment's code on its I/O event loop: only when the
    /// environment declared its step a timed wait plus cheap synchronous work
    /// (``TimedStepEnvironment``). Any other environment may burn CPU or block in a step, so a
    /// server runs its code off the loop, where it cannot stall other connections.
    public let runsOnEventLoop: Bool
    private let makeSession: @Sendable (ServingProcess) throws -> any EnvironmentSession

    /// - Parameters:
    ///   - name: the task API's name for it; default the environment type's name.
    ///   - tasks: its task API; default none.
    ///   - resetObservationSchema: what `reset` returns, when it is not an `E.Observation`'s shape.
    public init<E: Environment>(
        metadata: EnvironmentMetadata,
        name: String? = nil,
        tasks: any EnvironmentTasks = NoTasks(),
        resetObservationSchema: JSONValue? = nil,
        make: @escaping @Sendable (ServingProcess) throws -> E
    ) {
        self.metadata = metadata
        self.name = name ?? String(describing: E.self)
        self.schema = [
            "action": E.Action.jsonSchema, "observation": E.Observation.jsonSchema, "state": E.State.jsonSchema,
        ]
        self.tasks = tasks
        self.resetObservationSchema = resetObservationSchema
        self.tools = (E.self as? any ToolEnvironment.Type)?.tools
        self.runsOnEventLoop = E.self is any TimedStepEnvironment.Type
        self.makeSession = { process in typedSession(try make(process)) }
    }

    /// `GET /schema` as `profile` serves it: openenv ≥ 0.8 adds `reset_observation`, the
    /// schema of what `reset` returns (the observation's unless the environment says otherwise;
    /// the reference always serves the observation's, PROTOCOL-0.10.md §4.3).
    public func schema(for profile: ProtocolProfile) -> JSONValue {
        guard profile.resetObservationSchema, var object = schema.objectValue else { return schema }
        object["reset_observation"] = resetObservationSchema ?? object["observation"]
        return .object(object)
    }

    /// A fresh environment instance for one WebSocket session or one HTTP call.
    package func session(for process: ServingProcess) throws -> any EnvironmentSession {
        try makeSession(process)
    }
}

/// Who is serving: lets environments report `host_url` once the port is known.
public struct ServingProcess: Sendable {
    /// `"<hostname>:<port>"`.
    public var hostURL: String

    public init(hostURL: String) {
        self.hostURL = hostURL
    }
}

/// One live environment instance, driven with wire values.
package protocol EnvironmentSession {
    mutating func reset(_ options: ResetOptions) async throws -> ObservationEnvelope
    /// - Throws: ``ValidationFailure`` (action rejected) or the environment's own error.
    mutating func step(_ action: [String: JSONValue]) async throws -> ObservationEnvelope
    func state() -> [String: JSONValue]
    /// Calls an MCP tool.
    ///
    /// - Throws: ``JSONRPCError/noMCP`` when the environment has no tools.
    mutating func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue
    /// Starts a step the environment times by a plan (``TimedStepEnvironment``): validates
    /// it and returns its wait, after which ``finishTimedStep()`` completes it; `nil` when the
    /// environment has no such plan (then use ``step(_:)``).
    mutating func beginTimedStep(_ action: [String: JSONValue]) throws -> Duration?
    /// Completes the step ``beginTimedStep(_:)`` started, once its wait is over.
    mutating func finishTimedStep() throws -> ObservationEnvelope
    /// A reset done at once, with no waiting (``TimedStepEnvironment/resetAtOnce(options:)``);
    /// `nil` when the environment has none (then use ``reset(_:)``).
    mutating func resetAtOnce(_ options: ResetOptions) throws -> ObservationEnvelope?
}

extension EnvironmentSession {
    package mutating func beginTimedStep(_ action: [String: JSONValue]) throws -> Duration? { nil }
    package mutating func finishTimedStep() throws -> ObservationEnvelope {
        preconditionFailure("finishTimedStep without a timed step begun")
    }
    package mutating func resetAtOnce(_ options: ResetOptions) throws -> ObservationEnvelope? { nil }
}

/// The session for `environment`: one that can time its steps by plan when it is a
/// ``TimedStepEnvironment``.
private func typedSession<E: Environment>(_ environment: E) -> any EnvironmentSession {
    guard let timed = environment as? any TimedStepEnvironment else { return TypedSession(environment: environment) }
    return timedSession(timed)
}

private func timedSession<E: TimedStepEnvironment>(_ environment: E) -> any EnvironmentSession {
    TimedTypedSession(base: TypedSession(environment: environment))
}

/// A ``TypedSession`` whose steps can also be run as their wait and their work.
private struct TimedTypedSession<E: TimedStepEnvironment>: EnvironmentSession {
    var base: TypedSession<E>
    /// The action of the step begun, until it is finished.
    var pending: E.Action?

    mutating func reset(_ options: ResetOptions) async throws -> ObservationEnvelope { try await base.reset(options) }
    mutating func step(_ action: [String: JSONValue]) async throws -> ObservationEnvelope { try await base.step(action) }
    func state() -> [String: JSONValue] { base.state() }
    mutating func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        try await base.callTool(name, arguments: arguments)
    }

    mutating func beginTimedStep(_ fields: [String: JSONValue]) throws -> Duration? {
        let action = try E.Action(validating: fields)
        let wait = try base.environment.stepWait(for: action)
        pending = action
        return wait
    }

    mutating func finishTimedStep() throws -> ObservationEnvelope {
        guard let action = pending else { preconditionFailure("finishTimedStep without a timed step begun") }
        pending = nil
        return ObservationEnvelope(try base.environment.finishStep(action))
    }

    mutating func resetAtOnce(_ options: ResetOptions) throws -> ObservationEnvelope? {
        try base.environment.resetAtOnce(options: options).map { ObservationEnvelope($0) }
    }
}

private struct TypedSession<E: Environment>: EnvironmentSession {
    var environment: E

    mutating func reset(_ options: ResetOptions) async throws -> ObservationEnvelope {
        ObservationEnvelope(try await environment.reset(options: options))
    }

    mutating func step(_ fields: [String: JSONValue]) async throws -> ObservationEnvelope {
        let action = try E.Action(validating: fields)
        return ObservationEnvelope(try await environment.step(action))
    }

    func state() -> [String: JSONValue] {
        environment.state.fields
    }

    mutating func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        guard var tools = environment as? any ToolEnvironment else { throw JSONRPCError.noMCP }
        defer {
            // A tool may change the environment; keep what it did.
            if let updated = tools as? E { environment = updated }
        }
        return try await tools.callTool(name, arguments: arguments)
    }
}
