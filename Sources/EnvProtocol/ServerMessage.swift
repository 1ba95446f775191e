/// A message the server sends on `/ws`: `{"type": ..., "data": ...}` (PROTOCOL.md §3).
public enum ServerMessage: Sendable, Equatable {
    case observation(ObservationEnvelope)
    case state([String: JSONValue])
    case error(WireError)
    case mcp(JSONValue)
}

extension ServerMessage: Encodable {
    enum CodingKeys: String, CodingKey { case type, data }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .observation(let envelope):
            try container.encode("observation", forKey: .type)
            try container.encode(envelope, forKey: .data)
        case .state(let state):
            try container.encode("state", forKey: .type)
            try container.encode(state, forKey: .data)
        case .error(let error):
            try container.encode("error", forKey: .type)
            try container.encode(error, forKey: .data)
        case .mcp(let response):
            try container.encode("mcp", forKey: .type)
            try container.encode(response, forKey: .data)
        }
    }

    /// The frame text.
    public var text: String { JSONCoding.encodeString(self) }
}
