import EnvProtocol
import EnvSchema
import Foundation
import Testing

/// `SchemaSynthesizer` on hand-written schemas, and on every pydantic fixture: each valid
/// value passes the validator, each invalid variant fails it, and pydantic itself agrees
/// (the `Fixtures/synthesized.json` snapshot, with pydantic's verdicts added by
/// `Fixtures/generate.py --synthesized`).
///
/// Re-record after changing the synthesizer:
/// `RECORD_SNAPSHOTS=1 swift test --filter EnvSchemaTests.SynthesizerTests` (fails while
/// recording), then `.build-venv/openenv-0.10/bin/python Tests/EnvSchemaTests/Fixtures/generate.py --synthesized`.
@Suite("Schema synthesizer")
struct SynthesizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var schema: String
        var expected: String
        var testDescription: String { "\(schema) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(
            schema:
                #"{"type":"object","properties":{"cell":{"type":"integer","minimum":0,"maximum":8}},"required":["cell"]}"#,
            expected: #"{"cell":0}"#
        ),
        Case(schema: #"{"type":"integer","minimum":3}"#, expected: "3"),
        Case(schema: #"{"type":"integer","maximum":-3}"#, expected: "-3"),
        Case(schema: #"{"type":"integer","exclusiveMinimum":0}"#, expected: "1"),
        Case(schema: #"{"type":"integer","exclusiveMinimum":-10,"exclusiveMaximum":10}"#, expected: "0"),
        Case(schema: #"{"type":"integer","minimum":7,"multipleOf":5}"#, expected: "10"),
        Case(schema: #"{"type":"integer","maximum":-7,"multipleOf":5}"#, expected: "-10"),
        Case(schema: #"{"type":"integer","minimum":1,"multipleOf":0.5}"#, expected: "1"),
        Case(schema: #"{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}"#, expected: "0.5"),
        Case(schema: #"{"type":"number","exclusiveMinimum":2.5}"#, expected: "3.5"),
        Case(schema: #"{"type":"number","minimum":0.25,"multipleOf":0.1}"#, expected: "0.3"),
        Case(schema: #"{"type":"number","exclusiveMinimum":0.2,"maximum":1,"multipleOf":0.1}"#, expected: "0.3"),
        Case(schema: #"{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1000}"#, expected: "1"),
        Case(schema: #"{"type":"number","minimum":-7.5,"maximum":-2,"multipleOf":2.5}"#, expected: "-2.5"),
        Case(schema: #"{"type":"string"}"#, expected: #""sample""#),
        Case(schema: #"{"type":"string","minLength":8}"#, expected: #""samplexx""#),
        Case(schema: #"{"type":"string","maxLength":2}"#, expected: #""ss""#),
        Case(schema: #"{"type":"string","pattern":"^[0-9a-f]{12}$"}"#, expected: #""aaaaaaaaaaaa""#),
        Case(schema: #"{"type":"string","pattern":"^[A-Z]{3}-\\d{4}$"}"#, expected: #""AAA-0000""#),
        Case(schema: #"{"type":"string","pattern":"^(foo|bar)_[a-z]+$","minLength":8}"#, expected: #""foo_aaaa""#),
        Case(schema: #"{"type":"string","pattern":"^[^0-9]+$"}"#, expected: #""a""#),
        Case(schema: #"{"type":"string","pattern":"^\\w+@\\w+\\.com$"}"#, expected: #""a@a.com""#),
        Case(schema: #"{"type":"string","pattern":"^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"}"#, expected: #""+00.0""#),
        Case(schema: #"{"type":"string","pattern":"ab"}"#, expected: #""ab""#),
        Case(schema: #"{"type":"string","format":"date-time"}"#, expected: #""2024-01-01T00:00:00Z""#),
        Case(schema: #"{"type":"string","format":"uuid"}"#, expected: #""00000000-0000-4000-8000-000000000000""#),
        Case(schema: #"{"enum":["b","a"]}"#, expected: #""b""#),
        Case(schema: #"{"const":"call_tool","type":"string"}"#, expected: #""call_tool""#),
        Case(schema: #"{"type":"boolean"}"#, expected: "false"),
        Case(schema: #"{"type":["null","integer"]}"#, expected: "0"),
        Case(schema: #"{"anyOf":[{"type":"null"},{"type":"string"}]}"#, expected: #""sample""#),
        Case(schema: #"{"type":"integer","default":5,"maximum":9}"#, expected: "5"),
        Case(schema: #"{"type":"integer","default":50,"maximum":9}"#, expected: "0"),  // a default that fails is skipped
        Case(schema: #"{}"#, expected: "null"),
        Case(schema: #"{"type":"array","items":{"type":"integer"},"minItems":2}"#, expected: "[0,0]"),
        Case(
            schema: #"{"type":"array","items":{"enum":["x","y","z"]},"minItems":3,"uniqueItems":true}"#,
            expected: #"["x","y","z"]"#
        ),
        Case(
            schema: #"{"type":"array","items":{"type":"integer"},"minItems":3,"uniqueItems":true}"#,
            expected: "[0,1,2]"
        ),
        Case(
            schema: #"{"prefixItems":[{"type":"integer"},{"type":"string"}],"minItems":2,"maxItems":2,"type":"array"}"#,
            expected: #"[0,"sample"]"#
        ),
        Case(schema: #"{"type":"array","contains":{"type":"string"}}"#, expected: #"["sample"]"#),
        Case(
            schema: #"{"type":"object","additionalProperties":{"type":"integer"},"minProperties":2}"#,
            expected: #"{"key1":0,"key2":0}"#
        ),
        Case(
            schema: #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"minProperties":1}"#,
            expected: #"{"a":"sample"}"#
        ),
        Case(
            schema: #"{"type":"object","required":["a"],"dependentRequired":{"a":["b"]}}"#,
            expected: #"{"a":null,"b":null}"#
        ),
        Case(
            schema: #"{"properties":{"when":{"type":"string"}},"required":["when"]}"#,
            expected: #"{"when":"sample"}"#
        ),
        Case(
            schema:
                ##"{"$defs":{"Cat":{"type":"object","properties":{"species":{"const":"cat"},"lives":{"type":"integer","minimum":1}},"required":["species","lives"]},"Dog":{"type":"object","properties":{"species":{"const":"dog"}},"required":["species"]}},"type":"object","properties":{"pet":{"oneOf":[{"$ref":"#/$defs/Cat"},{"$ref":"#/$defs/Dog"}]}},"required":["pet"]}"##,
            expected: #"{"pet":{"species":"cat","lives":1}}"#
        ),
        // A recursive required field stops at null instead of nesting 64 levels deep.
        Case(
            schema:
                ##"{"$defs":{"Node":{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#/$defs/Node"},{"type":"null"}]}},"required":["next"]}},"$ref":"#/$defs/Node"}"##,
            expected: #"{"next":null}"#
        ),
        Case(schema: ##"{"type":"object","properties":{"child":{"$ref":"#"}}}"##, expected: "{}"),
        Case(schema: #"{"allOf":[{"type":"integer"},{"minimum":4}]}"#, expected: "4"),
    ]

    @Test(arguments: cases)
    func writesValidValue(_ testCase: Case) throws {
        let compiled = try schema(testCase.schema)
        let value = try SchemaSynthesizer(compiled).validValue()
        #expect(value.canonicalText == (try json(testCase.expected)).canonicalText)
        #expect(compiled.accepts(value))
    }

    @Test(
        "what cannot be written is reported with a location and reason",
        arguments: [
            (#"false"#, "false"),
            (#"{"type":"integer","minimum":5,"maximum":4}"#, "bounds"),
            (#"{"type":"string","pattern":"(?<=a)b"}"#, "pattern"),
            (#"{"pattern":"(?<=a)b"}"#, "not supported by the regex engine"),
            (#"{"type":"string","pattern":"^(a)\\1$"}"#, "beyond the pattern generator"),
            (#"{"type":"string","minLength":3,"maxLength":2}"#, "minLength"),
            (#"{"type":"object","properties":{"a":{"not":{}}},"required":["a"]}"#, "a"),
            (#"{"type":"object","required":["x"],"additionalProperties":false}"#, "not allowed"),
        ]
    )
    func reportsFailure(_ text: String, _ mentions: String) throws {
        let synthesizer = SchemaSynthesizer(try schema(text))
        #expect {
            try synthesizer.validValue()
        } throws: { error in
            "\(error)".contains(mentions)
        }
    }

    @Test("invalid variants of the tic-tac-toe action: unknown field, missing, wrong type, out of range")
    func ticTacToeVariants() throws {
        let action = try schema(
            #"""
            {"additionalProperties":false,"properties":{"metadata":{"additionalProperties":true,"type":"object"},
             "cell":{"maximum":8,"minimum":0,"type":"integer"}},"required":["cell"],"type":"object"}
            """#
        )
        let result = try SchemaSynthesizer(action).invalidVariants()
        #expect(result.base == ["cell": 0])
        #expect(result.variants.map(\.kind) == [.unknownField, .missingRequired, .wrongType, .constraint, .constraint])
        #expect(
            result.variants.map(\.value) == [
                ["cell": 0, "openenvkit_unknown_field": 1], [:], ["cell": "not a valid value"], ["cell": 9],
                ["cell": -1],
            ]
        )
        #expect(result.variants.allSatisfy { $0.loc.count == 1 })
        #expect(result.variants[0].loc == [.key("openenvkit_unknown_field")])
        #expect(result.variants[2].reason.contains("rejected by type at #/properties/cell/type"))
        #expect(result.skipped.isEmpty)
    }

    @Test("a wrong type is never a boolean or a numeric string, which pydantic would coerce")
    func wrongTypesAvoidLaxCoercions() throws {
        let numbers = try schema(
            #"""
            {"type":"object","required":["i","f","b","s","any","union"],"properties":{
             "i":{"type":"integer"},"f":{"type":"number"},"b":{"type":"boolean"},"s":{"type":"string"},"any":{},
             "union":{"anyOf":[{"type":"string"},{"type":"object"},{"type":"array"}]}}}
            """#
        )
        let result = try SchemaSynthesizer(numbers).invalidVariants()
        let wrong = Dictionary(
            result.variants.filter { $0.kind == .wrongType }.map { ($0.loc.dotted, $0.value[$0.loc.dotted]!) },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(wrong["i"] == "not a valid value")
        #expect(wrong["f"] == "not a valid value")
        #expect(wrong["b"] == "not a valid value")
        #expect(wrong["s"] == ["unexpected": "object"])
        #expect(wrong["union"] == .number(0.5))
        #expect(wrong["any"] == nil)
        #expect(result.skipped.map(\.description).contains { $0.hasPrefix("no wrong_type at any") })
        #expect(result.skipped.map(\.description).contains { $0.hasPrefix("no unknown_field") })
    }

    @Test(
        "every fixture schema: the valid value passes and every variant fails",
        arguments: PydanticFixtures.shared.models
    )
    func fixtureSchemas(_ model: PydanticFixtures.Model) throws {
        let compiled = try JSONSchema(model.schema)
        let synthesizer = SchemaSynthesizer(compiled)
        let valid = try synthesizer.validValue()
        #expect(compiled.validate(valid).isValid)
        let variants = try synthesizer.invalidVariants()
        #expect(variants.base == valid)
        for variant in variants.variants {
            #expect(!compiled.validate(variant.value).isValid, "\(variant)")
        }
    }

    // MARK: snapshot checked by pydantic

    static let snapshotFile = PydanticFixtures.directory.appendingPathComponent("synthesized.json")

    /// The synthesizer's output for every fixture schema, in the snapshot's shape.
    static func currentSnapshot() throws -> [String: JSONValue] {
        var models: [String: JSONValue] = [:]
        for model in PydanticFixtures.shared.models {
            let variants = try SchemaSynthesizer(JSONSchema(model.schema)).invalidVariants()
            models[model.name] = [
                "valid": ["value": variants.base],
                "invalid": .array(
                    variants.variants.map {
                        ["kind": .string($0.kind.name), "loc": $0.loc.jsonValue, "value": $0.value]
                    }
                ),
            ]
        }
        return models
    }

    @Test("pydantic accepts every synthesized valid value and rejects every variant (Fixtures/synthesized.json)")
    func pydanticAgrees() throws {
        let current = try Self.currentSnapshot()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            let list: [JSONValue] = current.keys.sorted().map { name in
                var entry = current[name]!.objectValue!
                entry["name"] = .string(name)
                return .object(entry)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(JSONValue.object(["models": .array(list)])).write(to: Self.snapshotFile)
            let hint = ".build-venv/openenv-0.10/bin/python Tests/EnvSchemaTests/Fixtures/generate.py --synthesized"
            Issue.record("recorded \(Self.snapshotFile.path); now add pydantic's verdicts: \(hint)")
            return
        }
        let recorded = try JSONCoding.parse(Data(contentsOf: Self.snapshotFile))
        var seen: Set<String> = []
        for entry in recorded["models"]?.arrayValue ?? [] {
            let name = entry["name"]?.stringValue ?? "?"
            seen.insert(name)
            guard let now = current[name] else {
                Issue.record("snapshot has \(name), which is no longer a fixture")
                continue
            }
            let valid = entry["valid"]
            #expect(valid?["value"] == now["valid"]?["value"], "\(name): synthesized value changed; re-record")
            #expect(
                valid?["pydantic_valid"] == true,
                "\(name): pydantic rejects the synthesized value \(valid?["value"] ?? nil)"
            )
            let invalid = entry["invalid"]?.arrayValue ?? []
            let stripped = invalid.map { variant -> JSONValue in
                var object = variant.objectValue ?? [:]
                object["pydantic_valid"] = nil
                return .object(object)
            }
            #expect(stripped == now["invalid"]?.arrayValue ?? [], "\(name): synthesized variants changed; re-record")
            for variant in invalid {
                #expect(
                    variant["pydantic_valid"] == false,
                    "\(name): pydantic accepts the invalid variant \(variant["kind"] ?? nil) \(variant["value"] ?? nil)"
                )
            }
        }
        #expect(seen == Set(current.keys), "snapshot and fixtures list different models; re-record")
    }
}

extension JSONValue {
    /// Sorted-key JSON text with `1.0` and `1` alike: for comparing values in tests.
    var canonicalText: String { JSONCoding.encodeString(self) }
}
