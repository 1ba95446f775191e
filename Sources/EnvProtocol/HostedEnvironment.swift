/// An environment type as the server drives it: wire fields in, wire envelopes out.
///
/// It erases the environment's associated types once, so routes and the WebSocket handler
/// need not be generic.
public struct HostedEnvironment: Sendable {
    public let metadata: EnvironmentMetadata
    /// `GET /schema`: `{"action", "observation", "state"}`.
    public let schema: JSONValue
    private let makeSession: @Sendable (ServingProcess) throws -> any EnvironmentSession

    public init<E: Environment>(
        metadata: EnvironmentMetadata,
        make: @escaping @Sendable (ServingProcess) throws -> E
    ) {
        self.metadata = metadata
        self.schema = [
            "action": E.Action.jsonSchema, "observation": E.Observation.jsonSchema, "state": E.State.jsonSchema,
        ]
        self.makeSession = { process in TypedSession(environment: try make(process)) }
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
}
