/// What `/reset`, `/step` and the WebSocket `observation` reply carry:
/// `{"observation": {...}, "reward": number|null, "done": bool}`.
///
/// The envelope rule (PROTOCOL.md §2): an environment's observation is split — `reward` and
/// `done` are lifted to the top level, `metadata` is dropped, every other field stays under
/// `observation`.
public struct ObservationEnvelope: Codable, Sendable, Equatable {
    public var observation: [String: JSONValue]
    public var reward: Double?
    public var done: Bool

    public init(observation: [String: JSONValue], reward: Double?, done: Bool) {
        self.observation = observation
        self.reward = reward
        self.done = done
    }

    /// Applies the envelope rule to an observation's full field set.
    public init(splitting fields: [String: JSONValue]) {
        var observation = fields
        let reward = observation.removeValue(forKey: "reward")
        let done = observation.removeValue(forKey: "done")
        observation.removeValue(forKey: "metadata")
        self.init(observation: observation, reward: reward?.numberValue, done: done?.boolValue ?? false)
    }

    public init(_ observation: some EnvironmentObservation) {
        self.init(splitting: observation.fields)
    }

    enum CodingKeys: String, CodingKey { case observation, reward, done }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(observation, forKey: .observation)
        // `reward: null` is part of the contract; synthesized Codable would omit the key.
        try container.encode(reward, forKey: .reward)
        try container.encode(done, forKey: .done)
    }
}
