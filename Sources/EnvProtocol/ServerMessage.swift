/// A message the server sends on `/ws`: `{"type": ..., "data": ...}` (PROTOCOL.md §3).
public enum ServerMessage: Sendable, Equatable {
    case observation(ObservationEnvelope)
    case state([String: JSONValue])
    case error(WireError)
    case mcp(JSONValue)
}

extension ServerMessage {
    /// The frame as `profile` writes it (the observation envelope differs between releases).
    public func json(_ profile: ProtocolProfile) -> JSONValue {
        switch self {
        case .observation(let envelope): ["type": "observation", "data": envelope.json(profile, .webSocket)]
        case .state(let state): ["type": "state", "data": .object(state)]
        case .error(let error): ["type": "error", "data": error.json]
        case .mcp(let response): ["type": "mcp", "data": response]
        }
    }

    /// The frame text.
    public func text(_ profile: ProtocolProfile) -> String { JSONCoding.encodeString(json(profile)) }
}
