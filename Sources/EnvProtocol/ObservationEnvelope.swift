/// What `/reset`, `/step` and the WebSocket `observation` reply carry:
/// `{"observation": {...}, "reward": number|null, "done": bool}`, plus `metadata` where the
/// protocol profile keeps it.
///
/// The envelope rule (PROTOCOL.md §2): an environment's observation is split — `reward` and
/// `done` are lifted to the top level, every other field stays under `observation`. What
/// happens to `metadata` depends on the release (PROTOCOL-0.10.md §1 row 1): openenv-core
/// 0.3.0 drops it; openenv ≥ 0.4 keeps it under `observation` (`{}` when empty) and copies it
/// to a top-level `metadata` — on HTTP always (`null` when empty), on WS only when non-empty.
public struct ObservationEnvelope: Sendable, Equatable {
    /// The observation's fields without `reward`, `done` and `metadata`.
    public var observation: [String: JSONValue]
    public var reward: Double?
    public var done: Bool
    /// The observation's `metadata` (empty when it had none).
    public var metadata: [String: JSONValue]

    public init(observation: [String: JSONValue], reward: Double?, done: Bool, metadata: [String: JSONValue] = [:]) {
        self.observation = observation
        self.reward = reward
        self.done = done
        self.metadata = metadata
    }

    /// Applies the envelope rule to an observation's full field set.
    public init(splitting fields: [String: JSONValue]) {
        var observation = fields
        let reward = observation.removeValue(forKey: "reward")
        let done = observation.removeValue(forKey: "done")
        let metadata = observation.removeValue(forKey: "metadata")?.objectValue ?? [:]
        self.init(observation: observation, reward: reward?.numberValue, done: done?.boolValue ?? false, metadata: metadata)
    }

    public init(_ observation: some EnvironmentObservation) {
        self.init(splitting: observation.fields)
    }

    /// Where an envelope is sent: the two transports write `metadata` differently.
    public enum Transport: Sendable {
        case http, webSocket
    }

    /// The envelope as `profile` writes it on `transport`.
    public func json(_ profile: ProtocolProfile, _ transport: Transport) -> JSONValue {
        var envelope: [String: JSONValue] = [
            "observation": .object(observation), "reward": reward.map(JSONValue.number) ?? .null, "done": .bool(done),
        ]
        guard profile.metadataEnvelope else { return .object(envelope) }
        var observation = observation
        observation["metadata"] = .object(metadata)
        envelope["observation"] = .object(observation)
        switch (transport, metadata.isEmpty) {
        case (.http, true): envelope["metadata"] = .null
        case (_, false): envelope["metadata"] = .object(metadata)
        case (.webSocket, true): break
        }
        return .object(envelope)
    }

    /// Appends ``json(_:_:)``'s bytes to `sink`, writing the envelope's own keys as constant
    /// text instead of building and sorting an object per reply.
    ///
    /// - Throws: ``JSONEncodingError`` when the observation holds a value JSON cannot carry
    ///   (an environment's NaN or infinity); servers answer it as an execution error.
    public func write(
        _ profile: ProtocolProfile,
        _ transport: Transport,
        into sink: inout some JSONByteSink
    ) throws(JSONEncodingError) {
        try write(profile, transport, depth: 0, into: &sink)
    }

    /// - Parameter depth: the envelope's nesting in the document being written, so the
    ///   writer's depth limit and error paths match encoding ``json(_:_:)`` there.
    func write(
        _ profile: ProtocolProfile,
        _ transport: Transport,
        depth: Int,
        into sink: inout some JSONByteSink
    ) throws(JSONEncodingError) {
        // Keys in byte order: "done" < "metadata" < "observation" < "reward".
        JSONWriter.append(done ? #"{"done":true"# : #"{"done":false"#, to: &sink)
        var observation = observation
        if profile.metadataEnvelope {
            switch (transport, metadata.isEmpty) {
            case (.http, true): JSONWriter.append(#","metadata":null"#, to: &sink)
            case (_, false):
                JSONWriter.append(#","metadata":"#, to: &sink)
                try Self.member("metadata", .object(metadata), depth: depth, into: &sink)
            case (.webSocket, true): break
            }
            observation["metadata"] = .object(metadata)
        }
        JSONWriter.append(#","observation":"#, to: &sink)
        try Self.member("observation", .object(observation), depth: depth, into: &sink)
        JSONWriter.append(#","reward":"#, to: &sink)
        try Self.member("reward", reward.map(JSONValue.number) ?? .null, depth: depth, into: &sink)
        sink.append(UInt8(ascii: "}"))
    }

    private static func member(
        _ key: String,
        _ value: JSONValue,
        depth: Int,
        into sink: inout some JSONByteSink
    ) throws(JSONEncodingError) {
        do {
            try JSONWriter.write(value, depth: depth + 1, into: &sink)
        } catch {
            throw error.inside(key: key)
        }
    }
}
