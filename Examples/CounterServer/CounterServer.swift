import ArgumentParser
import EnvProtocol
import EnvServer

/// An OpenEnv environment of your own, served with `EnvServer`: a counter that adds each
/// action's `increment` (0…10) and is done at 10. `ServerOptions` brings every server flag.
struct Counter: Environment {
    var count = 0
    var steps = 0

    mutating func reset(options: ResetOptions) async throws -> CounterObservation {
        (count, steps) = (0, 0)
        return CounterObservation(count: 0)
    }

    mutating func step(_ action: CounterAction) async throws -> CounterObservation {
        (count, steps) = (count + action.increment, steps + 1)
        return CounterObservation(count: count)
    }

    var state: CounterState { CounterState(fields: ["episode_id": nil, "step_count": .integer(steps)]) }
}

struct CounterAction: EnvironmentAction {
    var increment: Int
    init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
        var reader = FieldReader(fields)
        reader.allowOnly(["increment"])
        _ = reader.required("increment")
        increment = reader.integer("increment", atLeast: 0) ?? 0
        if increment > 10 { reader.record("less_than_equal", "increment", "Input should be less than or equal to 10", fields["increment"] ?? nil) }
        try reader.finish()
    }
    static let jsonSchema: JSONValue = [
        "type": "object", "additionalProperties": false, "required": ["increment"],
        "properties": ["increment": ["type": "integer", "minimum": 0, "maximum": 10]],
    ]
}

struct CounterObservation: EnvironmentObservation {
    var count: Int
    var fields: [String: JSONValue] { ["count": .integer(count), "done": .bool(count >= 10), "reward": .number(Double(count))] }
    static let jsonSchema: JSONValue = ["type": "object", "properties": ["count": ["type": "integer"]], "required": ["count"]]
}

struct CounterState: EnvironmentState {
    var fields: [String: JSONValue]
    static let jsonSchema: JSONValue = ["type": "object", "properties": ["step_count": ["type": "integer"]]]
}

@main
struct CounterServer: AsyncParsableCommand {
    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await server.serve(HostedEnvironment(metadata: .init(name: "counter", description: "Counts to 10."), make: { _ in Counter() }))
    }
}
