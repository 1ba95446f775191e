public import EnvProtocol
import EnvSchema
public import Testing

extension EnvironmentUnderTest {
    /// Checks an observation envelope (a WS observation's `data`, or an HTTP reset/step body)
    /// against the schema the server serves for it: the observation's fields with `done` and
    /// `reward` put back where the envelope lifted them.
    ///
    /// A violation fails the case, except where the cause is a known framework rule of the
    /// reference under `OPENENV_PROFILE=reference`: openenv 0.10 always serves
    /// `reset_observation` as the step observation's schema, even when `reset` returns another
    /// model (PROTOCOL-0.10.md §4.3) — then it is a warning that says so.
    public func expectConforms(envelope: JSONValue, isReset: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        guard Self.checksReplies, let schema = isReset ? resetObservationSchema : observationSchema,
            var model = envelope["observation"]?.objectValue
        else { return }
        model["done"] = envelope["done"]
        model["reward"] = envelope["reward"]
        let result = schema.validate(.object(model), at: [.key("observation")])
        guard !result.isValid else { return }
        let violations = result.violations.map(\.description).joined(separator: "; ")
        if isReset && resetSchemaIsMissing {
            Issue.record(
                "reset observation does not match the step observation's schema, and the server serves no reset_observation (before openenv 0.8; warning): \(violations)",
                severity: .warning,
                sourceLocation: sourceLocation
            )
        } else if isReset && resetSchemaIsObservations && ServerUnderTest.isReferenceProfile {
            Issue.record(
                "reset observation does not match reset_observation, which openenv 0.10 always serves as the step observation's schema (PROTOCOL-0.10.md §4.3; warning): \(violations)",
                severity: .warning,
                sourceLocation: sourceLocation
            )
        } else {
            Issue.record(
                "\(isReset ? "reset" : "step") observation violates the schema the server serves: \(violations)",
                sourceLocation: sourceLocation
            )
        }
    }

    /// Checks a state (`GET /state`, a WS state reply's `data`) against the served state schema.
    public func expectConforms(state: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        guard Self.checksReplies, let stateSchema else { return }
        let result = stateSchema.validate(state, at: [.key("state")])
        if !result.isValid {
            Issue.record(
                "state violates the schema the server serves: \(result.violations.map(\.description).joined(separator: "; "))",
                sourceLocation: sourceLocation
            )
        }
    }
}
