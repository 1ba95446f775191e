import EnvClient
import EnvProtocol
import EnvTesting
import Testing

extension Trait where Self == ConditionTrait {
    /// A case of the benchmark environment (PROTOCOL.md §4: waits, pid, session hash, host):
    /// skipped, with the reason, for any other environment.
    static var benchmarkOnly: Self {
        .enabled("benchmark environment only (waits, pid, session_hash, host_url); set OPENENV_ENVIRONMENT=benchmark if detection is wrong") {
            await EnvironmentUnderTest.current().isBenchmark
        }
    }

    /// A case of MCP tool environments: skipped when `tools/list` lists no tools.
    static var toolEnvironment: Self {
        .enabled("the environment lists no MCP tools") { !(await EnvironmentUnderTest.current().tools.isEmpty) }
    }

    /// Every Conformance suite: skipped, with the reason, when the server under test is too
    /// small for the suites' parallel sessions (``HarnessTests`` then fails once, saying so).
    static var serverHoldsTheSuites: Self {
        .enabled(
            if: ServerUnderTest.parallelRefusal == nil,
            Comment(rawValue: ServerUnderTest.parallelRefusal ?? "the server holds the suites' sessions")
        )
    }
}

/// A session of 12 lowercase hex characters.
func isSessionHash(_ value: JSONValue?) -> Bool {
    guard let text = value?.stringValue, text.count == 12 else { return false }
    return text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

/// Checks an observation envelope's `metadata` against the protocol (PROTOCOL-0.10.md row 1):
/// openenv-core 0.3 drops it; openenv ≥ 0.4 keeps it as an object under `observation` and
/// copies it to the top level — on HTTP always (`null` when empty), on WS only when non-empty.
func expectMetadataEnvelope(
    _ envelope: [String: JSONValue],
    _ profile: ProtocolProfile,
    _ transport: ObservationEnvelope.Transport,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let nested = envelope["observation"]?["metadata"]
    guard profile.metadataEnvelope else {
        #expect(nested == nil, "\(profile) drops observation.metadata: \(envelope)", sourceLocation: sourceLocation)
        #expect(envelope["metadata"] == nil, "\(profile) has no top-level metadata: \(envelope)", sourceLocation: sourceLocation)
        return
    }
    guard let metadata = nested?.objectValue else {
        Issue.record("\(profile) keeps observation.metadata as an object: \(envelope)", sourceLocation: sourceLocation)
        return
    }
    switch (transport, metadata.isEmpty) {
    case (.http, true):
        #expect(
            envelope.keys.contains("metadata") && envelope["metadata"] == .null,
            "HTTP: top-level metadata is null when empty: \(envelope)",
            sourceLocation: sourceLocation
        )
    case (.webSocket, true):
        #expect(envelope["metadata"] == nil, "WS: no top-level metadata when empty: \(envelope)", sourceLocation: sourceLocation)
    case (_, false):
        #expect(
            envelope["metadata"] == nested,
            "non-empty metadata is copied to the top level: \(envelope)",
            sourceLocation: sourceLocation
        )
    }
}

/// A session-less HTTP exchange (`POST /step`, `GET /state` with no reset before it): the reply,
/// or `nil` when the server answered with a server error. Whether a 5xx there is right is case
/// 75's verdict alone (an environment that needs a reset first raises there), so the cases that
/// use these routes for something else say so and leave it to 75 instead of failing twice.
func sessionlessHTTP(
    _ endpoint: ServerEndpoint,
    _ method: Exchange.HTTPMethodName,
    _ path: String,
    body: String? = nil,
    case number: Int
) async throws -> HTTPReply? {
    let reply = try await Exchange.http(endpoint, method, path, body: body)
    guard reply.status >= 500 else { return reply }
    print("case \(number): \(method.rawValue) \(path) without a session → \(Exchange.describe(reply)); judged by case 75 (session-less HTTP routes)")
    return nil
}

/// The body of `POST /step` with `action`.
func stepBody(_ action: JSONValue) -> String {
    JSONCoding.encodeString(JSONValue.object(["action": action]))
}

/// A reset's `done`. The benchmark never ends an episode at reset, so there it must be false;
/// any other environment may report a reset that is already over (a sandbox that could not
/// start, a game dealt lost): that is said, as information, and is no failure.
func expectResetDone(
    _ envelope: [String: JSONValue],
    isBenchmark: Bool,
    sent: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard envelope["done"] == true else { return }
    let reply = Exchange.excerpt(JSONCoding.encodeString(JSONValue.object(envelope)))
    if isBenchmark {
        Issue.record("rule: the benchmark's reset starts an episode, so done is false; sent \(sent) → \(reply)", sourceLocation: sourceLocation)
    } else {
        print(
            "note: sent \(sent) → done: true. An environment may end an episode at reset (a sandbox that failed to start); a trainer then resets again. Not a failure."
        )
    }
}
