import EnvClient
import EnvProtocol
import EnvSchema
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 76–77: the served action schema and the server's behaviour, held
/// against each other in the direction case 69 does not cover: what the schema allows must be
/// accepted. (69: what it forbids is refused; 70: what the server sends conforms.) They run for
/// every environment, the benchmark included.
@Suite("Schema and behaviour agree", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct SchemaAgreementTests {
    @Test(
        "76 · actions the served schema allows are accepted: each optional field at its schema default, and an extra field where additionalProperties is not false"
    )
    func allowedActionsAccepted() async throws {
        let environment = await EnvironmentUnderTest.current()
        guard let (schema, action) = try Self.objectSchemaAndAction(environment) else { return }
        var allowed: [(why: String, action: JSONValue)] = []
        var withDefaults = action
        for (name, property) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where withDefaults[name] == nil {
            if let value = property["default"] { withDefaults[name] = value }
        }
        if withDefaults != action { allowed.append(("every optional field at its schema default", .object(withDefaults))) }
        if schema["additionalProperties"] != false {
            var extra = action
            extra["openenvkit_extra"] = "allowed"
            let setting = schema["additionalProperties"].map { "is \(JSONCoding.encodeString($0))" } ?? "is absent"
            allowed.append(("additionalProperties \(setting), so an extra field is allowed", .object(extra)))
        }
        let compiled = try JSONSchema(.object(schema))
        try await ServerUnderTest.withServer { endpoint in
            for (why, value) in allowed {
                // Only what our own validator also accepts is held against the server.
                guard compiled.accepts(value) else {
                    print("case 76: skipped \(JSONCoding.encodeString(value)): our schema validator rejects it")
                    continue
                }
                try await expectAccepted(value, why: why, on: endpoint)
            }
        }
    }

    @Test("77 · the fields the server requires are the ones the schema requires: the action with only the schema's required fields is accepted")
    func requiredFieldsAgree() async throws {
        let environment = await EnvironmentUnderTest.current()
        guard let (schema, action) = try Self.objectSchemaAndAction(environment) else { return }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let minimal = action.filter { required.contains($0.key) }
        try await ServerUnderTest.withServer { endpoint in
            try await expectAccepted(.object(minimal), why: "it has every field the schema requires (\(required.sorted()))", on: endpoint)
        }
    }

    /// The served action schema when it describes one object (not `anyOf` of several), with the
    /// environment's valid action; `nil` otherwise, said.
    private static func objectSchemaAndAction(_ environment: EnvironmentUnderTest) throws -> ([String: JSONValue], [String: JSONValue])? {
        guard let schema = environment.schemas["action"]?.objectValue, schema["properties"]?.objectValue != nil,
            let action = try environment.action.get().objectValue
        else {
            print("the action schema is not one object with properties: nothing to vary")
            return nil
        }
        return (schema, action)
    }
}

/// Steps `action` on a fresh session after a reset; a refusal fails naming both sides: what the
/// schema allows and what the server answered, with the fields a validation error calls missing.
private func expectAccepted(_ action: JSONValue, why: String, on endpoint: ServerEndpoint) async throws {
    let required = await EnvironmentUnderTest.current().schemas["action"]?["required"] ?? []
    try await withSession(endpoint) { session in
        _ = try await session.reset()
        let message = JSONCoding.encodeString(JSONValue.object(["type": "step", "data": action]))
        let reply = try await session.request(message)
        guard reply["type"] != "observation" else { return }
        let missing = (reply["data"]?["errors"]?.arrayValue ?? [])
            .filter { $0["type"] == "missing" }
            .compactMap { $0["loc"]?.arrayValue?.last.map { JSONCoding.encodeString($0) } }
        let answer = "\(reply.errorCode ?? "a non-observation") \(Exchange.excerpt(JSONCoding.encodeString(reply)))"
        if missing.isEmpty {
            Issue.record("schema allows \(JSONCoding.encodeString(action)) (\(why)); server answered \(answer)")
        } else {
            Issue.record(
                "server requires \(missing.joined(separator: ", ")), which the schema does not require (schema required: \(JSONCoding.encodeString(required))); schema allows \(JSONCoding.encodeString(action)); server answered \(answer)"
            )
        }
    }
}
