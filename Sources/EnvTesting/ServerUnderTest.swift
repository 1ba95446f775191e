public import EnvClient
public import EnvProtocol
public import EnvServer

/// The server a suite checks: our own, started in-process per test, or the remote one named by
/// `OPENENV_URL` (see ``TestSettings``).
public enum ServerUnderTest {
    static var settings: TestSettings { .current }

    public static var isRemote: Bool { settings.isRemote }

    /// Whether the server is the Python reference (strict-only cases become warnings).
    public static var isReferenceProfile: Bool { settings.isReferenceProfile }

    /// The protocol the cases expect: `OPENENV_PROTOCOL`, else the remote server's as detected
    /// (printed once), else the current one, which the in-process server then speaks.
    public static func protocolProfile() async -> ProtocolProfile {
        await ProfileOfServerUnderTest.profile()
    }

    /// Capacity of the capacity-case server, when known.
    public static var knownCapacity: Int? { isRemote ? settings.remoteMaxSessions : inProcessCapacity }

    /// Capacity of the in-process idle-timeout server (remotely: ``knownCapacity``).
    public static var idleServerCapacity: Int? { isRemote ? settings.remoteMaxSessions : 1 }

    /// Idle timeout of the server under test, when it has one the suite can rely on.
    public static var knownSessionTimeout: Double? {
        isRemote ? settings.remoteSessionTimeout : inProcessSessionTimeout
    }

    /// Largest message the server accepts.
    public static var maxMessageBytes: Int {
        isRemote ? settings.remoteMaxMessageBytes ?? 16 << 20 : ServerConfiguration().maxMessageBytes
    }

    /// Sessions the suites may open at once against `OPENENV_URL`: they run in parallel (case 43
    /// alone opens 50), so a smaller server would refuse some of them for capacity.
    public static let parallelSessions = 64

    /// Why the suites refuse to run against `OPENENV_URL`, or `nil`: a server known to be small
    /// that also serves as the capacity server would make the parallel suites fight for its
    /// slots and fail for that reason alone (false failures), so it is refused up front.
    public static var parallelRefusal: String? {
        guard isRemote, settings.capacityURL == nil, let capacity = settings.remoteMaxSessions, capacity < parallelSessions
        else { return nil }
        return "OPENENV_URL holds only \(capacity) sessions (OPENENV_MAX_SESSIONS) and no OPENENV_CAPACITY_URL is set: "
            + "the suites open up to \(parallelSessions) sessions at once and would fail for capacity alone. "
            + "Point OPENENV_CAPACITY_URL (with OPENENV_MAX_SESSIONS=\(capacity)) at this server and OPENENV_URL at one "
            + "that holds at least \(parallelSessions) sessions."
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
        try await checkingReplies {
            if let remoteURL = settings.remoteURL {
                return try await body(ServerEndpoint(parsing: remoteURL))
            }
            return try await withTestServer(try await speaking(inProcess), environment: EnvironmentUnderTest.inProcessEnvironment) {
                endpoint,
                _ in try await body(endpoint)
            }
        }
    }

    /// An in-process server's configuration with the protocol the cases expect.
    public static func speaking(_ configuration: ServerConfiguration) async throws -> ServerConfiguration {
        if let name = settings.protocolName, settings.protocolProfile == nil {
            throw ConfigurationError(name: "OPENENV_PROTOCOL", value: name, expected: "openenv-0.3, openenv-0.10 or a release such as 0.5.0")
        }
        var configuration = configuration
        configuration.protocolProfile = await protocolProfile()
        return configuration
    }

    /// Runs `body` against a server with known capacity ``knownCapacity``.
    public static func withCapacityServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        try await checkingReplies {
            if let remoteURL = settings.remoteURL {
                return try await body(ServerEndpoint(parsing: settings.capacityURL ?? remoteURL))
            }
            let configuration = try await speaking(ServerConfiguration(maxConcurrentEnvs: inProcessCapacity))
            return try await withTestServer(configuration, environment: EnvironmentUnderTest.inProcessEnvironment) {
                endpoint,
                _ in try await body(endpoint)
            }
        }
    }

    /// Runs `body` against a server that reaps idle sessions after ``knownSessionTimeout`` and
    /// holds ``knownCapacity`` sessions: remotely the capacity server (`OPENENV_CAPACITY_URL`),
    /// whose slots the idle cases count.
    public static func withIdleTimeoutServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        try await checkingReplies {
            if let remoteURL = settings.remoteURL {
                return try await body(ServerEndpoint(parsing: settings.capacityURL ?? remoteURL))
            }
            let configuration = try await speaking(
                ServerConfiguration(maxConcurrentEnvs: 1, sessionTimeout: .seconds(inProcessSessionTimeout))
            )
            return try await withTestServer(configuration, environment: EnvironmentUnderTest.inProcessEnvironment) {
                endpoint,
                _ in try await body(endpoint)
            }
        }
    }

    /// Runs `body` with the session helpers checking replies against the environment's schemas.
    private static func checkingReplies<Result>(_ body: () async throws -> Result) async throws -> Result {
        try await EnvironmentUnderTest.$checksReplies.withValue(true) { try await body() }
    }
}
