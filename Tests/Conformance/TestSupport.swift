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
            Comment(rawValue: ServerUnderTest.parallelRefusal ?? "the server holds the suites' sessions"))
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
    _ envelope: [String: JSONValue], _ profile: ProtocolProfile, _ transport: ObservationEnvelope.Transport,
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
        #expect(envelope.keys.contains("metadata") && envelope["metadata"] == .null,
            "HTTP: top-level metadata is null when empty: \(envelope)", sourceLocation: sourceLocation)
    case (.webSocket, true):
        #expect(envelope["metadata"] == nil, "WS: no top-level metadata when empty: \(envelope)", sourceLocation: sourceLocation)
    case (_, false):
        #expect(envelope["metadata"] == nested, "non-empty metadata is copied to the top level: \(envelope)",
            sourceLocation: sourceLocation)
    }
}
