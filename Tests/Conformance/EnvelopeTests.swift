import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 50–51: what changed in the envelope and `/schema` after openenv-core
/// 0.3.0 (PROTOCOL-0.10.md rows 1 and 3). Each case holds its expectation for either profile.
@Suite("Envelope and schema by protocol", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct EnvelopeTests {
    @Test("50 · WS reset and step envelopes carry metadata as the protocol writes it (twin of 6)")
    func webSocketMetadata() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let reset = try await session.request(#"{"type":"reset","data":{}}"#)
                expectMetadataEnvelope(
                    try #require(reset["data"]?.objectValue, "rule: a reset is answered with an observation; sent a reset → \(reset)"),
                    profile,
                    .webSocket
                )
                let message = try await EnvironmentUnderTest.current().stepMessage()
                let step = try await session.request(message)
                expectMetadataEnvelope(
                    try #require(step["data"]?.objectValue, "rule: a step is answered with an observation; sent \(message) → \(step)"),
                    profile,
                    .webSocket
                )
            }
            let action = try await EnvironmentUnderTest.current().action.get()
            guard let http = try await sessionlessHTTP(endpoint, .POST, "/step", body: stepBody(action), case: 50) else { return }
            let body = try #require(
                http.json?.objectValue,
                "rule: POST /step answers a JSON envelope; POST /step \(stepBody(action)) → \(Exchange.describe(http))"
            )
            expectMetadataEnvelope(body, profile, .http)
        }
    }

    @Test("51 · /schema has reset_observation (a JSON Schema object) from openenv 0.8 on, and not before")
    func resetObservationSchema() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            let schema = try #require(try await Exchange.http(endpoint, .GET, "/schema").json?.objectValue)
            if profile.resetObservationSchema {
                #expect(schema["reset_observation"]?.objectValue != nil, "\(profile): reset_observation is a schema")
            } else {
                #expect(schema["reset_observation"] == nil, "\(profile) has no reset_observation")
            }
        }
    }
}

/// docs/PROTOCOL.md case 67: `OPENENV_MODE=production` (openenv ≥ 0.7) removes the simulation
/// routes; sessions still run over `/ws`. In-process only: a remote server's mode is its own.
@Suite("Production mode", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct ProductionModeTests {
    @Test(
        "67 · production mode: /reset, /step, /state → 404 and absent from /openapi.json; /ws, /mcp and /schema serve",
        .enabled(if: !ServerUnderTest.isRemote, "a remote server's mode is its own")
    )
    func productionMode() async throws {
        var configuration = try await ServerUnderTest.speaking(ServerConfiguration())
        configuration.mode = .production
        try await withTestServer(configuration, environment: EnvironmentUnderTest.inProcessEnvironment) { endpoint, _ in
            #expect(try await Exchange.http(endpoint, .POST, "/reset", body: "{}").status == 404)
            #expect(try await Exchange.http(endpoint, .POST, "/step", body: #"{"action":{}}"#).status == 404)
            #expect(try await Exchange.http(endpoint, .GET, "/state").status == 404)
            let paths = try await Exchange.http(endpoint, .GET, "/openapi.json").json?["paths"]?.objectValue ?? [:]
            #expect(paths["/reset"] == nil && paths["/step"] == nil && paths["/state"] == nil && paths["/mcp"] != nil)
            #expect(try await Exchange.http(endpoint, .GET, "/schema").status == 200)
            let state = try await withSession(endpoint) { session in
                _ = try await session.reset()
                _ = try await session.stepValid()
                return try await session.state()
            }
            #expect(state["step_count"] == 1)
            #expect(try await MCPProbe.createSession(endpoint).isEmpty == false)
        }
    }
}
