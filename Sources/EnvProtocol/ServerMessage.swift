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

    /// Appends the frame as `profile` writes it to `sink`: the bytes of ``json(_:)`` encoded by
    /// ``JSONWriter``, without building the outer object (its two keys are constant text), so the
    /// server encodes a reply straight into the buffer it sends.
    ///
    /// - Throws: ``JSONEncodingError`` when a value from the environment has no JSON spelling
    ///   (a NaN, an infinity, nesting too deep); the server answers `EXECUTION_ERROR` instead.
    ///   The sink then holds a partial frame, which the caller discards.
    public func write(_ profile: ProtocolProfile, into sink: inout some JSONByteSink) throws(JSONEncodingError) {
        // Keys in byte order: "data" < "type".
        JSONWriter.append(#"{"data":"#, to: &sink)
        do {
            switch self {
            case .observation(let envelope): try envelope.write(profile, .webSocket, depth: 1, into: &sink)
            case .state(let state): try JSONWriter.write(.object(state), depth: 1, into: &sink)
            case .error(let error): try JSONWriter.write(error.json, depth: 1, into: &sink)
            case .mcp(let response): try JSONWriter.write(response, depth: 1, into: &sink)
            }
        } catch {
            throw error.inside(key: "data")
        }
        switch self {
        case .observation: JSONWriter.append(#","type":"observation"}"#, to: &sink)
        case .state: JSONWriter.append(#","type":"state"}"#, to: &sink)
        case .error: JSONWriter.append(#","type":"error"}"#, to: &sink)
        case .mcp: JSONWriter.append(#","type":"mcp"}"#, to: &sink)
        }
    }

    /// The frame text (see ``write(_:into:)``).
    ///
    /// - Throws: ``JSONEncodingError`` for a value JSON cannot carry.
    public func text(_ profile: ProtocolProfile) throws(JSONEncodingError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        try write(profile, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
