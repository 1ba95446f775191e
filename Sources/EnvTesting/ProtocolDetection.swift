public import EnvClient
public import EnvProtocol

/// Which OpenEnv release's protocol a remote server speaks, found from what it serves:
/// `reset_observation` in `/schema` (≥ 0.8), the task routes in `/openapi.json` (≥ 0.4.1),
/// `metadata` in a reset's observation (≥ 0.4.0); none of them: 0.3.
public enum ProtocolDetection {
    /// The detected profile and the evidence, e.g. `openenv-0.10 (/schema has reset_observation)`.
    public static func detect(_ endpoint: ServerEndpoint) async throws -> (profile: ProtocolProfile, evidence: String) {
        let schema = try await Exchange.http(endpoint, .GET, "/schema").json
        if schema?["reset_observation"] != nil { return (.openenv010, "/schema has reset_observation") }
        let paths = try await Exchange.http(endpoint, .GET, "/openapi.json").json?["paths"]?.objectValue ?? [:]
        if paths.keys.contains("/list_environments") {
            return (ProtocolProfile(release: "0.4.1")!, "/openapi.json lists the task API but /schema has no reset_observation")
        }
        let reset = try await Exchange.http(endpoint, .POST, "/reset", body: "{}").json
        if reset?["observation"]?["metadata"] != nil {
            return (ProtocolProfile(release: "0.4.0")!, "a reset's observation carries metadata")
        }
        return (.openenv03, "no reset_observation, no task API, no metadata in a reset")
    }
}

/// The profile of the server under test, settled once per test process (the first caller
/// detects it; every other waits for that answer).
enum ProfileOfServerUnderTest {
    static let settled = Task { await settle() }

    static func profile() async -> ProtocolProfile { await settled.value }

    private static func settle() async -> ProtocolProfile {
        let settings = TestSettings.current
        if let named = settings.protocolProfile {
            print("OpenEnv protocol expected: \(named) (OPENENV_PROTOCOL)")
            return named
        }
        guard let url = settings.remoteURL else {
            print("OpenEnv protocol: \(ProtocolProfile.current) (the in-process server's default; OPENENV_PROTOCOL=openenv-0.3 for the other)")
            return .current
        }
        do {
            let (detected, evidence) = try await ProtocolDetection.detect(try ServerEndpoint(parsing: url))
            print("OpenEnv protocol detected: \(detected) — \(evidence); set OPENENV_PROTOCOL to override")
            return detected
        } catch {
            print("OpenEnv protocol: could not detect (\(error)); expecting \(ProtocolProfile.current)")
            return .current
        }
    }
}
