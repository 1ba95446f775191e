import EnvClient
import EnvServer

/// The server a suite checks: our own, started in-process per test, or the remote one named by
/// `OPENENV_URL` (see ``TestSettings``).
public enum ServerUnderTest {
    static var settings: TestSettings { .current }

    public static var isRemote: Bool { settings.isRemote }

    /// Whether the server is the Python reference (strict-only cases become warnings).
    public static var isReferenceProfile: Bool { settings.isReferenceProfile }

    /// Capacity of the capacity-case server, when known.
    public static var knownCapacity: Int? { isRemote ? settings.remoteMaxSessions : inProcessCapacity }

    /// Idle timeout of the server under test, when it has one the suite can rely on.
    public static var knownSessionTimeout: Double? {
        isRemote ? settings.remoteSessionTimeout : inProcessSessionTimeout
    }

    /// Largest message the server accepts.
    public static var maxMessageBytes: Int {
        isRemote ? settings.remoteMaxMessageBytes ?? 16 << 20 : ServerConfiguration().maxMessageBytes
    }

    /// The capacity the in-process server uses for the capacity cases.
    public static let inProcessCapacity = 3
    /// The idle timeout the in-process server uses for the idle-timeout case.
    public static let inProcessSessionTimeout = 1.0

    /// Runs `body` against the server under test.
    ///
    /// - Parameter inProcess: configuration of the in-process server, when no `OPENENV_URL`.
    public static func withServer<Result: Sendable>(
        inProcess: ServerConfiguration = ServerConfiguration(),
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL = settings.remoteURL {
            return try await body(ServerEndpoint(parsing: remoteURL))
        }
        return try await withTestServer(inProcess) { endpoint, _ in try await body(endpoint) }
    }

    /// Runs `body` against a server with known capacity ``knownCapacity``.
    public static func withCapacityServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL = settings.remoteURL {
            return try await body(ServerEndpoint(parsing: settings.capacityURL ?? remoteURL))
        }
        return try await withTestServer(ServerConfiguration(maxConcurrentEnvs: inProcessCapacity)) { endpoint, _ in
            try await body(endpoint)
        }
    }

    /// Runs `body` against a server that reaps idle sessions after ``knownSessionTimeout``.
    public static func withIdleTimeoutServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL = settings.remoteURL {
            return try await body(ServerEndpoint(parsing: remoteURL))
        }
        let configuration = ServerConfiguration(
            maxConcurrentEnvs: 1, sessionTimeout: .seconds(inProcessSessionTimeout))
        return try await withTestServer(configuration) { endpoint, _ in try await body(endpoint) }
    }
}
