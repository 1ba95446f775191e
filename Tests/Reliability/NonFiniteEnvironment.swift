import EnvProtocol

/// An environment whose arithmetic goes wrong: `reset` is fine, every `step` observes a NaN
/// score (and, with `infinite_reward`, an infinite reward). JSON has no spelling for either, so
/// the server must answer an error instead of sending invalid JSON or trapping.
struct NonFiniteEnvironment: Environment {
    private var steps = 0

    mutating func reset(options: ResetOptions) async throws -> Observation {
        steps = 0
        return Observation(fields: ["score": 0, "reward": 0, "done": false])
    }

    mutating func step(_ action: Action) async throws -> Observation {
        steps += 1
        return Observation(fields: [
            "score": .number(.nan), "reward": .number(action.infiniteReward ? .infinity : 1), "done": false,
        ])
    }

    var state: State { State(fields: ["episode_id": "non-finite", "step_count": .integer(steps)]) }

    static func hosted() -> HostedEnvironment {
        HostedEnvironment(
            metadata: EnvironmentMetadata(name: "non_finite", description: "Observes NaN on every step."),
            make: { _ in NonFiniteEnvironment() }
        )
    }

    struct Action: EnvironmentAction {
        let infiniteReward: Bool

        init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
            var reader = FieldReader(fields)
            reader.allowOnly(["infinite_reward"])
            try reader.finish()
            infiniteReward = fields["infinite_reward"]?.boolValue ?? false
        }

        static var jsonSchema: JSONValue {
            ["type": "object", "properties": ["infinite_reward": ["type": "boolean"]], "additionalProperties": false]
        }
    }

    struct Observation: EnvironmentObservation {
        let fields: [String: JSONValue]
        static var jsonSchema: JSONValue { ["type": "object"] }
    }

    struct State: EnvironmentState {
        let fields: [String: JSONValue]
        static var jsonSchema: JSONValue { ["type": "object"] }
    }
}
