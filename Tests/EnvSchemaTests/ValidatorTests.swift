import EnvProtocol
import EnvSchema
import Testing

/// The validator on hand-written schemas, keyword by keyword. The pydantic-generated
/// fixtures are checked in `PydanticFixtureTests`.
@Suite("JSON Schema validator")
struct ValidatorTests {
    /// One schema, one instance, and the keyword of the first violation (nil: valid).
    struct Case: CustomTestStringConvertible, Sendable {
        var schema: String
        var instance: String
        var keyword: String?
        var testDescription: String { "\(schema) ∋ \(instance) → \(keyword ?? "valid")" }
    }

    static let cases: [Case] = [
        // type; integer is "a number without a fractional part" (JSON Schema and pydantic lax).
        Case(schema: #"{"type":"integer"}"#, instance: "3", keyword: nil),
        Case(schema: #"{"type":"integer"}"#, instance: "3.0", keyword: nil),
        Case(schema: #"{"type":"integer"}"#, instance: "3.5", keyword: "type"),
        Case(schema: #"{"type":"integer"}"#, instance: "true", keyword: "type"),
        Case(schema: #"{"type":"integer"}"#, instance: #""3""#, keyword: "type"),
        Case(schema: #"{"type":"number"}"#, instance: "3", keyword: nil),
        Case(schema: #"{"type":"number"}"#, instance: "-0.5e-3", keyword: nil),
        Case(schema: #"{"type":"number"}"#, instance: "null", keyword: "type"),
        Case(schema: #"{"type":"boolean"}"#, instance: "0", keyword: "type"),
        Case(schema: #"{"type":"null"}"#, instance: "null", keyword: nil),
        Case(schema: #"{"type":["string","null"]}"#, instance: "null", keyword: nil),
        Case(schema: #"{"type":["string","null"]}"#, instance: #""x""#, keyword: nil),
        Case(schema: #"{"type":["string","null"]}"#, instance: "1", keyword: "type"),
        Case(schema: #"{"type":"string","nullable":true}"#, instance: "null", keyword: nil),
        Case(schema: #"{"type":"array"}"#, instance: "{}", keyword: "type"),
        Case(schema: #"{"type":"object"}"#, instance: "[]", keyword: "type"),
        Case(schema: "true", instance: #"{"a":[1,null]}"#, keyword: nil),
        Case(schema: "false", instance: "null", keyword: "false"),
        Case(schema: "{}", instance: "12", keyword: nil),
        // enum / const use JSON equality: 1 == 1.0, true != 1, key order irrelevant.
        Case(schema: #"{"enum":["a","b",1,null]}"#, instance: #""b""#, keyword: nil),
        Case(schema: #"{"enum":["a","b",1,null]}"#, instance: "1.0", keyword: nil),
        Case(schema: #"{"enum":["a","b",1,null]}"#, instance: "true", keyword: "enum"),
        Case(schema: #"{"enum":["a","b",1,null]}"#, instance: "null", keyword: nil),
        Case(schema: #"{"const":"call_tool","type":"string"}"#, instance: #""list_tools""#, keyword: "const"),
        Case(schema: #"{"const":{"a":1,"b":[2]}}"#, instance: #"{"b":[2.0],"a":1}"#, keyword: nil),
        Case(schema: #"{"const":null}"#, instance: "0", keyword: "const"),
        // numbers
        Case(schema: #"{"type":"integer","minimum":0,"maximum":8}"#, instance: "0", keyword: nil),
        Case(schema: #"{"type":"integer","minimum":0,"maximum":8}"#, instance: "8", keyword: nil),
        Case(schema: #"{"type":"integer","minimum":0,"maximum":8}"#, instance: "-1", keyword: "minimum"),
        Case(schema: #"{"type":"integer","minimum":0,"maximum":8}"#, instance: "9", keyword: "maximum"),
        Case(schema: #"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, instance: "0", keyword: "exclusiveMinimum"),
        Case(schema: #"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, instance: "1", keyword: "exclusiveMaximum"),
        Case(schema: #"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, instance: "0.5", keyword: nil),
        Case(schema: #"{"minimum":0,"exclusiveMinimum":true}"#, instance: "0", keyword: "exclusiveMinimum"),
        Case(schema: #"{"maximum":5,"exclusiveMaximum":false}"#, instance: "5", keyword: nil),
        Case(schema: #"{"minimum":0}"#, instance: #""-1""#, keyword: nil),  // numeric keywords ignore strings
        Case(schema: #"{"type":"integer","multipleOf":3}"#, instance: "9", keyword: nil),
        Case(schema: #"{"type":"integer","multipleOf":3}"#, instance: "10", keyword: "multipleOf"),
        Case(schema: #"{"multipleOf":0.1}"#, instance: "0.3", keyword: nil),
        Case(schema: #"{"multipleOf":0.1}"#, instance: "0.7", keyword: nil),
        Case(schema: #"{"multipleOf":0.1}"#, instance: "0.35", keyword: "multipleOf"),
        Case(schema: #"{"multipleOf":2.5}"#, instance: "-7.5", keyword: nil),
        // strings: lengths in code points, as Python's len
        Case(schema: #"{"type":"string","minLength":2,"maxLength":3}"#, instance: #""ab""#, keyword: nil),
        Case(schema: #"{"type":"string","minLength":2,"maxLength":3}"#, instance: #""a""#, keyword: "minLength"),
        Case(schema: #"{"type":"string","minLength":2,"maxLength":3}"#, instance: #""abcd""#, keyword: "maxLength"),
        Case(schema: #"{"maxLength":1}"#, instance: #""\u00e9""#, keyword: nil),
        Case(schema: #"{"maxLength":1}"#, instance: #""e\u0301""#, keyword: "maxLength"),
        Case(schema: #"{"minLength":2}"#, instance: #""😀""#, keyword: "minLength"),
        // pattern: a search, `$` only at the very end, `.` one code point
        Case(schema: #"{"pattern":"^[0-9a-f]{12}$"}"#, instance: #""0123456789ab""#, keyword: nil),
        Case(schema: #"{"pattern":"^[0-9a-f]{12}$"}"#, instance: #""0123456789AB""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"^[0-9a-f]{12}$"}"#, instance: #""0123456789ab\n""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"^[0-9a-f]{12}$"}"#, instance: #""0123456789abc""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"b+"}"#, instance: #""abba""#, keyword: nil),
        Case(schema: #"{"pattern":"^a.c$"}"#, instance: #""a\u00e9c""#, keyword: nil),
        Case(schema: #"{"pattern":"^a.c$"}"#, instance: #""ae\u0301c""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"^\\d{3}-\\d{4}$"}"#, instance: #""555-1234""#, keyword: nil),
        Case(schema: #"{"pattern":"^[a-z_][a-z0-9_]*$"}"#, instance: #""9lives""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"}"#, instance: #""-1.50""#, keyword: nil),
        Case(schema: #"{"pattern":"^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"}"#, instance: #""+.""#, keyword: "pattern"),
        Case(schema: #"{"pattern":"(?<=a)b"}"#, instance: #""zzz""#, keyword: nil),  // look-behind: unchecked
        Case(schema: #"{"pattern":"^x$"}"#, instance: "5", keyword: nil),
        // arrays
        Case(schema: #"{"type":"array","items":{"type":"integer"}}"#, instance: "[1,2,3]", keyword: nil),
        Case(schema: #"{"type":"array","items":{"type":"integer"}}"#, instance: #"[1,"2"]"#, keyword: "type"),
        Case(schema: #"{"minItems":2,"maxItems":3}"#, instance: "[1]", keyword: "minItems"),
        Case(schema: #"{"minItems":2,"maxItems":3}"#, instance: "[1,2,3,4]", keyword: "maxItems"),
        Case(schema: #"{"uniqueItems":true}"#, instance: #"[1,"1",true,null]"#, keyword: nil),
        Case(schema: #"{"uniqueItems":true}"#, instance: "[1,2,1.0]", keyword: "uniqueItems"),
        Case(schema: #"{"uniqueItems":true}"#, instance: #"[{"a":1,"b":2},{"b":2,"a":1}]"#, keyword: "uniqueItems"),
        Case(
            schema: #"{"prefixItems":[{"type":"integer"},{"type":"string"}],"minItems":2,"maxItems":2}"#,
            instance: #"[1,"a"]"#,
            keyword: nil
        ),
        Case(
            schema: #"{"prefixItems":[{"type":"integer"},{"type":"string"}],"minItems":2,"maxItems":2}"#,
            instance: #"["a",1]"#,
            keyword: "type"
        ),
        Case(schema: #"{"prefixItems":[{"type":"integer"}],"items":false}"#, instance: "[1,2]", keyword: "items"),
        Case(
            schema: #"{"prefixItems":[{"type":"integer"}],"items":{"type":"string"}}"#,
            instance: #"[1,"x","y"]"#,
            keyword: nil
        ),
        Case(schema: #"{"items":[{"type":"integer"}],"additionalItems":false}"#, instance: "[1,2]", keyword: "items"),
        Case(schema: #"{"items":[{"type":"integer"}]}"#, instance: #"[1,"free"]"#, keyword: nil),
        Case(schema: #"{"contains":{"type":"string"}}"#, instance: #"[1,"x"]"#, keyword: nil),
        Case(schema: #"{"contains":{"type":"string"}}"#, instance: "[1,2]", keyword: "contains"),
        Case(
            schema: #"{"contains":{"type":"string"},"maxContains":1}"#,
            instance: #"["a","b"]"#,
            keyword: "maxContains"
        ),
        Case(schema: #"{"contains":{"type":"string"},"minContains":0}"#, instance: "[]", keyword: nil),
        // objects
        Case(schema: #"{"required":["a"]}"#, instance: #"{"b":1}"#, keyword: "required"),
        Case(schema: #"{"required":["a"]}"#, instance: "[]", keyword: nil),  // object keywords ignore arrays
        Case(
            schema: #"{"properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
            instance: #"{"a":"x"}"#,
            keyword: nil
        ),
        Case(
            schema: #"{"properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
            instance: #"{"a":"x","b":1}"#,
            keyword: "additionalProperties"
        ),
        Case(schema: #"{"additionalProperties":{"type":"integer"}}"#, instance: #"{"x":1,"y":2}"#, keyword: nil),
        Case(schema: #"{"additionalProperties":{"type":"integer"}}"#, instance: #"{"x":1,"y":"2"}"#, keyword: "type"),
        Case(
            schema: #"{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}"#,
            instance: #"{"n_a":1.5}"#,
            keyword: nil
        ),
        Case(
            schema: #"{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}"#,
            instance: #"{"s_a":1.5}"#,
            keyword: "additionalProperties"
        ),
        Case(schema: #"{"propertyNames":{"maxLength":2}}"#, instance: #"{"abc":1}"#, keyword: "maxLength"),
        Case(schema: #"{"minProperties":1}"#, instance: "{}", keyword: "minProperties"),
        Case(schema: #"{"maxProperties":1}"#, instance: #"{"a":1,"b":2}"#, keyword: "maxProperties"),
        Case(schema: #"{"dependentRequired":{"a":["b"]}}"#, instance: #"{"a":1}"#, keyword: "dependentRequired"),
        // applicators
        Case(schema: #"{"anyOf":[{"type":"integer"},{"type":"null"}]}"#, instance: "null", keyword: nil),
        Case(schema: #"{"anyOf":[{"type":"integer"},{"type":"null"}]}"#, instance: #""x""#, keyword: "anyOf"),
        Case(schema: #"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, instance: "1.5", keyword: nil),
        Case(schema: #"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, instance: "1", keyword: "oneOf"),
        Case(schema: #"{"allOf":[{"minimum":1},{"maximum":2}]}"#, instance: "3", keyword: "maximum"),
        Case(schema: #"{"not":{"type":"string"}}"#, instance: #""x""#, keyword: "not"),
        Case(schema: #"{"not":{"type":"string"}}"#, instance: "1", keyword: nil),
        Case(
            schema: #"{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}"#,
            instance: #"{"k":"a","y":1}"#,
            keyword: "required"
        ),
        Case(
            schema: #"{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}"#,
            instance: #"{"k":"b","y":1}"#,
            keyword: nil
        ),
        // $ref: $defs, definitions, "#", escapes, siblings
        Case(
            schema: ##"{"$defs":{"C":{"type":"integer","maximum":8}},"$ref":"#/$defs/C"}"##,
            instance: "9",
            keyword: "maximum"
        ),
        Case(
            schema: ##"{"definitions":{"C":{"type":"string"}},"items":{"$ref":"#/definitions/C"}}"##,
            instance: "[1]",
            keyword: "type"
        ),
        Case(schema: ##"{"$defs":{"a/b":{"type":"string"}},"$ref":"#/$defs/a~1b"}"##, instance: "1", keyword: "type"),
        Case(
            schema: ##"{"$defs":{"a b":{"type":"string"}},"$ref":"#/%24defs/a%20b"}"##,
            instance: "1",
            keyword: "type"
        ),
        Case(
            schema: ##"{"$defs":{"E":{"enum":["x"]}},"$ref":"#/$defs/E","description":"sibling"}"##,
            instance: #""x""#,
            keyword: nil
        ),
        Case(
            schema: ##"{"$defs":{"P":{"type":"integer"}},"$ref":"#/$defs/P","minimum":5}"##,
            instance: "4",
            keyword: "minimum"
        ),
        Case(
            schema: ##"{"$defs":{"P":{"type":"integer"}},"allOf":[{"$ref":"#/$defs/P"}]}"##,
            instance: "4.5",
            keyword: "type"
        ),
        Case(
            schema: ##"{"type":"array","items":{"anyOf":[{"type":"integer"},{"$ref":"#"}]}}"##,
            instance: "[1,[2,[3,[]]]]",
            keyword: nil
        ),
        Case(
            schema: ##"{"type":"array","items":{"anyOf":[{"type":"integer"},{"$ref":"#"}]}}"##,
            instance: #"[1,[2,["x"]]]"#,
            keyword: "anyOf"
        ),
        Case(schema: #"{"$ref":"https://example.com/remote.json"}"#, instance: "1", keyword: nil),  // unchecked
        Case(schema: ##"{"$ref":"#/$defs/Missing"}"##, instance: "1", keyword: nil),  // unchecked
        // annotations and unchecked keywords never fail a value
        Case(
            schema:
                #"{"type":"string","format":"date-time","title":"T","description":"d","examples":["x"],"default":1,"x-vendor":{}}"#,
            instance: #""not a date""#,
            keyword: nil
        ),
        Case(schema: #"{"unevaluatedProperties":false,"frobnicate":3}"#, instance: #"{"a":1}"#, keyword: nil),
    ]

    @Test(arguments: cases)
    func keyword(_ testCase: Case) throws {
        let compiled = try schema(testCase.schema)
        let result = compiled.validate(try json(testCase.instance))
        #expect(result.violations.first?.keyword == testCase.keyword, "\(result.violations)")
        #expect(result.isValid == (testCase.keyword == nil))
        #expect(compiled.accepts(try json(testCase.instance)) == (testCase.keyword == nil))
    }

    @Test("a JSONValue built in code: number(3.0) is an integer, number(3.5) is not")
    func integerFromDouble() throws {
        let integer = try schema(#"{"type":"integer","minimum":3,"multipleOf":3}"#)
        #expect(integer.accepts(.number(3.0)))
        #expect(!integer.accepts(.number(3.5)))
        #expect(!integer.accepts(.number(.infinity)))
        #expect(
            integer.validate(.number(3.5)).violations.map(\.message) == [
                "Input should be a valid integer, got a number with a fractional part"
            ]
        )
    }

    @Test("violations carry a pydantic-style loc, the keyword, a pydantic-worded message and the schema path")
    func violationShape() throws {
        let observation = try schema(
            #"""
            {"type":"object","additionalProperties":false,"required":["step_count","session_hash"],
             "properties":{"step_count":{"type":"integer","minimum":0},
                           "session_hash":{"type":"string","pattern":"^[0-9a-f]{12}$"},
                           "board":{"type":"array","items":{"type":"array","items":{"enum":["X","O",""]}}}}}
            """#
        )
        let value = try json(#"{"step_count":-1,"board":[["X",""],["O","Z"]],"bogus":true}"#)
        let result = observation.validate(value, at: [.key("observation")])
        #expect(
            result.violations == [
                SchemaViolation(
                    loc: [.key("observation"), .key("session_hash")],
                    keyword: "required",
                    message: "Field required",
                    schemaPath: "#/required"
                ),
                SchemaViolation(
                    loc: [.key("observation"), .key("board"), .index(1), .index(1)],
                    keyword: "enum",
                    message: "Input should be 'X', 'O' or ''",
                    schemaPath: "#/properties/board/items/items/enum"
                ),
                SchemaViolation(
                    loc: [.key("observation"), .key("bogus")],
                    keyword: "additionalProperties",
                    message: "Extra inputs are not permitted",
                    schemaPath: "#/additionalProperties"
                ),
                SchemaViolation(
                    loc: [.key("observation"), .key("step_count")],
                    keyword: "minimum",
                    message: "Input should be greater than or equal to 0",
                    schemaPath: "#/properties/step_count/minimum"
                ),
            ]
        )
        #expect(result.violations[1].loc.dotted == "observation.board.1.1")
        #expect(result.violations[1].loc.jsonValue == ["observation", "board", 1, 1])
        #expect(
            "\(result.violations[3])"
                == "observation.step_count: Input should be greater than or equal to 0 [minimum at #/properties/step_count/minimum]"
        )
    }

    @Test("Optional[Model]: the errors of the model branch, not a summary, as pydantic reports them")
    func nullableModelErrors() throws {
        let optional = try schema(
            #"""
            {"$defs":{"ToolError":{"type":"object","required":["error_type","message"],
              "properties":{"error_type":{"enum":["invalid_args","timeout"]},"message":{"type":"string"}}}},
             "anyOf":[{"$ref":"#/$defs/ToolError"},{"type":"null"}]}
            """#
        )
        let result = optional.validate(try json(#"{"error_type":"nope"}"#))
        #expect(result.violations.map(\.keyword) == ["required", "enum"])
        #expect(result.violations.map(\.loc.dotted) == ["message", "error_type"])
        let wrongType = optional.validate(5)
        #expect(wrongType.violations.count == 1)
        #expect(wrongType.violations[0].keyword == "anyOf")
        #expect(wrongType.violations[0].message.contains("Input should be a valid dictionary"))
        #expect(wrongType.violations[0].message.contains("Input should be None"))
    }

    @Test("tagged union: the branch whose const tag matches explains the failure")
    func taggedUnionErrors() throws {
        let union = try schema(
            #"""
            {"oneOf":[{"type":"object","properties":{"kind":{"const":"cat"},"lives":{"type":"integer"}},"required":["kind","lives"]},
                      {"type":"object","properties":{"kind":{"const":"dog"},"good":{"type":"boolean"}},"required":["kind","good"]}],
             "discriminator":{"propertyName":"kind"}}
            """#
        )
        #expect(union.accepts(try json(#"{"kind":"dog","good":true}"#)))
        let result = union.validate(try json(#"{"kind":"dog","good":"very"}"#))
        #expect(result.violations.map(\.loc.dotted) == ["good"])
        #expect(result.violations.map(\.keyword) == ["type"])
    }

    @Test("unchecked keywords: listed once on the schema, and per validation only where the value went")
    func uncheckedKeywords() throws {
        let compiled = try schema(
            #"""
            {"type":"object","properties":{"when":{"type":"string","format":"date-time"},
             "id":{"type":"string","pattern":"(?<=x)y"},"n":{"type":"integer","frobnicate":1}},
             "unevaluatedProperties":false,"x-internal":true,"title":"T"}
            """#
        )
        #expect(
            compiled.unchecked.map(\.keyword).sorted() == ["format", "frobnicate", "pattern", "unevaluatedProperties"]
        )
        #expect(compiled.unchecked.first { $0.keyword == "format" }?.schemaPath == "#/properties/when")
        #expect(compiled.unchecked.first { $0.keyword == "format" }?.reason == "format 'date-time' is not checked")
        let result = compiled.validate(try json(#"{"when":"yesterday"}"#))
        #expect(result.isValid)
        #expect(result.unchecked.map(\.keyword).sorted() == ["format", "unevaluatedProperties"])
    }

    @Test("$ref cycles that consume no input stop at the depth limit with a violation")
    func refCycles() throws {
        let mutual = try schema(##"{"$defs":{"A":{"$ref":"#/$defs/B"},"B":{"$ref":"#/$defs/A"}},"$ref":"#/$defs/A"}"##)
        let result = mutual.validate(1)
        #expect(result.violations.map(\.keyword) == ["$ref"])
        let selfRef = try schema(##"{"$ref":"#"}"##)
        #expect(!selfRef.accepts(1))
        let viaAnyOf = try schema(##"{"anyOf":[{"$ref":"#"},{"type":"string"}]}"##)
        #expect(!viaAnyOf.accepts(1))
    }

    @Test("recursive models: a tree nested 40 deep validates; nesting past the limit is a violation, not a crash")
    func recursiveDepth() throws {
        let tree = try schema(
            #"""
            {"$defs":{"Node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}},
             "$ref":"#/$defs/Node"}
            """#
        )
        func nested(_ levels: Int) -> JSONValue {
            var value: JSONValue = [:]
            for _ in 0..<levels { value = ["children": [value]] }
            return value
        }
        #expect(tree.accepts(nested(40)))
        let deep = tree.validate(nested(100))
        #expect(deep.violations.map(\.keyword) == ["$ref"] || deep.violations.map(\.keyword) == ["$depth"])
    }

    @Test("the evaluation budget stops an exponential anyOf with a violation")
    func budget() throws {
        // Every level tries both branches of the same subschema: 2^depth evaluations.
        let explosive = try JSONSchema(
            try json(
                #"""
                {"$defs":{"L":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/L"},"minItems":2},
                                        {"type":"array","items":{"$ref":"#/$defs/L"}}]}},"$ref":"#/$defs/L"}
                """#
            ),
            configuration: .init().with(maxEvaluations: 10_000)
        )
        var value: JSONValue = [1]
        for _ in 0..<30 { value = [value] }
        let result = explosive.validate(value)
        #expect(result.violations.contains { $0.keyword == "$budget" })
    }

    @Test("malformed schemas throw; unknown but well-formed ones do not")
    func malformedSchemas() throws {
        #expect(throws: JSONSchemaError.notASchema(at: "#")) { try schema("5") }
        #expect(throws: JSONSchemaError.notASchema(at: "#/properties/a")) { try schema(#"{"properties":{"a":3}}"#) }
        #expect(throws: JSONSchemaError.invalidKeyword(at: "#/type", detail: "")) { try schema(#"{"type":"int"}"#) }
        #expect(throws: JSONSchemaError.invalidKeyword(at: "#/required", detail: "")) {
            try schema(#"{"required":"a"}"#)
        }
        #expect(throws: JSONSchemaError.invalidKeyword(at: "#/minimum", detail: "")) { try schema(#"{"minimum":"0"}"#) }
        #expect(throws: JSONSchemaError.invalidKeyword(at: "#/multipleOf", detail: "")) {
            try schema(#"{"multipleOf":0}"#)
        }
        var deep: JSONValue = ["type": "integer"]
        for _ in 0..<130 { deep = ["items": deep] }
        #expect(throws: JSONSchemaError.self) { try JSONSchema(deep) }
        #expect(throws: Never.self) { try schema(#"{"frobnicate":{"type":5}}"#) }
    }

    @Test("one compiled schema is shared by concurrent validations")
    func concurrentUse() async throws {
        let compiled = try schema(#"{"type":"object","properties":{"h":{"pattern":"^[0-9a-f]{12}$"}}}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    compiled.accepts(["h": .string(index.isMultiple(of: 2) ? "0123456789ab" : "nope")])
                }
            }
            var accepted = 0
            for await ok in group where ok { accepted += 1 }
            return accepted
        }
        #expect(results == 32)
    }
}
