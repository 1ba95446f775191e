import EnvProtocol
import EnvSchema
import Testing

/// The validator against pydantic itself: every instance in `Fixtures/pydantic-fixtures.json`
/// must get pydantic's verdict, except the disagreements listed here, each with its reason.
///
/// Regenerate the fixtures with
/// `.build-venv/openenv-0.10/bin/python Tests/EnvSchemaTests/Fixtures/generate.py`.
@Suite("Validator agrees with pydantic")
struct PydanticFixtureTests {
    /// Instances where this validator (JSON Schema semantics) and pydantic (its lax mode) part
    /// ways on purpose, keyed by model name and instance text. Three kinds:
    /// - pydantic's lax mode coerces across JSON types the schema keeps apart: numeric
    ///   strings to int/float, booleans to int/float, "yes" to bool. The schema is the
    ///   contract a client can rely on, so the validator holds servers to it; a synthesized
    ///   "wrong type" never uses such a value (see `SchemaSynthesizer`).
    /// - `Set[str]` publishes `uniqueItems: true` but pydantic builds a set, silently
    ///   dropping duplicates.
    /// - pydantic checks what the schema only names: `format` (date-time, uuid) is not
    ///   checked here, and `Decimal` is published as a plain `string` alternative.
    static let disagreements: [String: [String: String]] = [
        "benchmark.BenchmarkAction": [
            #"{"wait_seconds":"0.5"}"#: lax,
            #"{"wait_seconds":true}"#: lax,
        ],
        "benchmark.BenchmarkObservation": [#"{"step_count":"1"}"#: lax],
        "openenv.Observation": [#"{"done":"yes"}"#: lax],
        "openenv.State": [#"{"step_count":"2"}"#: lax],
        "tictactoe.TicTacToeAction": [
            #"{"cell":"4"}"#: lax,
            #"{"cell":true}"#: lax,
        ],
        "tictactoe.TicTacToeObservation": [#"{"legal_moves":[1,"2"]}"#: lax],
        "mcp_tools.add": [
            #"{"a":"1","b":1}"#: lax,
            #"{"a":true,"b":1}"#: lax,
        ],
        "mcp_tools.lookup": [#"{"key":"a","options":{"limit":"2"}}"#: lax],
        "zoo.Zoo": [
            #"{"kind":"zoo","color":"red","maybe_n":null,"level":"1"}"#: lax,
            #"{"kind":"zoo","color":"red","maybe_n":"3"}"#: lax,
            #"{"kind":"zoo","color":"red","maybe_n":true}"#: lax,
            #"{"kind":"zoo","color":"red","maybe_n":null,"tags":["a","a"]}"#:
                "Set[str] is published with uniqueItems, but pydantic builds a set and drops the duplicate",
            #"{"kind":"zoo","color":"red","maybe_n":null,"when":"not a date"}"#: unchecked,
            #"{"kind":"zoo","color":"red","maybe_n":null,"uid":"nope"}"#: unchecked,
            #"{"kind":"zoo","color":"red","maybe_n":null,"amount":"+."}"#: decimal,
            #"{"kind":"zoo","color":"red","maybe_n":null,"amount":"abc"}"#: decimal,
        ],
    ]
    static let lax = "pydantic's lax mode coerces it across JSON types; the schema's type says no"
    static let unchecked = "format is not checked (reported in SchemaValidationResult.unchecked); pydantic parses it"
    static let decimal = "Decimal is published as anyOf number|string with no pattern; pydantic parses the string"

    @Test("every fixture schema compiles", arguments: PydanticFixtures.shared.models)
    func compiles(_ model: PydanticFixtures.Model) throws {
        let schema = try JSONSchema(model.schema)
        // pydantic's keywords are all checked; only `format` may be left unchecked.
        #expect(schema.unchecked.allSatisfy { $0.keyword == "format" }, "\(schema.unchecked)")
    }

    @Test("the fixtures cover every model generate.py writes, valid and invalid")
    func coverage() {
        let models = PydanticFixtures.shared.models
        #expect(models.count >= 19)
        #expect(models.map(\.instances.count).reduce(0, +) >= 200)
        #expect(models.allSatisfy { model in model.instances.contains { $0.valid } || model.name == "none" })
        for (name, entries) in Self.disagreements {
            let model = models.first { $0.name == name }
            #expect(model != nil, "disagreement table names an unknown model \(name)")
            for text in entries.keys {
                #expect(model?.instances.contains { $0.text == text } == true, "\(name): no instance \(text)")
            }
        }
    }

    @Test("verdicts agree with pydantic's", arguments: PydanticFixtures.shared.models)
    func verdicts(_ model: PydanticFixtures.Model) throws {
        let schema = try JSONSchema(model.schema)
        let known = Self.disagreements[model.name] ?? [:]
        for instance in model.instances {
            let result = schema.validate(instance.value)
            if let reason = known[instance.text] {
                #expect(
                    result.isValid != instance.valid,
                    "listed disagreement no longer disagrees (\(reason)): \(instance)"
                )
            } else {
                #expect(
                    result.isValid == instance.valid,
                    "\(model.name) \(instance): pydantic says \(instance.valid ? "valid" : "invalid"), we found \(result.violations)"
                )
            }
        }
    }
}
