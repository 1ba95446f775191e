import EnvServer
import Foundation
import LoadGen

/// The server a conformance run checks: our own, started in-process per test, or a remote one
/// named by `OPENENV_URL`.
///
/// Environment variables:
/// - `OPENENV_URL`: check this server instead of an in-process one (`http(s)://host:port`).
/// - `OPENENV_PROFILE=reference`: the server is the Python reference; strict-only cases report
///   warnings instead of failures.
/// - `OPENENV_CAPACITY_URL` and `OPENENV_MAX_SESSIONS`: a server whose capacity is known, for
///   the capacity cases (default `OPENENV_URL`); without `OPENENV_MAX_SESSIONS` they are skipped.
/// - `OPENENV_SESSION_TIMEOUT`: the remote server's idle timeout in seconds; without it the
///   idle-timeout case is skipped for remote servers.
/// - `OPENENV_MAX_MESSAGE_BYTES`: the remote server's message limit (default 16 MiB, uvicorn's).
public enum ConformanceTarget {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The remote server under test, if any.
    public static var remoteURL: String? { environment["OPENENV_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    public static var isRemote: Bool { remoteURL != nil }

    /// Whether the server is the Python reference (strict-only cases become warnings).
    public static var isReferenceProfile: Bool { environment["OPENENV_PROFILE"] == "reference" }

    /// Capacity of the capacity-case server, when known.
    public static var knownCapacity: Int? {
        isRemote ? environment["OPENENV_MAX_SESSIONS"].flatMap(Int.init) : inProcessCapacity
    }

    /// Idle timeout of the server under test, when it has one the suite can rely on.
    public static var knownSessionTimeout: Double? {
        isRemote ? environment["OPENENV_SESSION_TIMEOUT"].flatMap(Double.init) : inProcessSessionTimeout
    }

    /// Largest message the server accepts.
    public static var maxMessageBytes: Int {
        isRemote
            ? environment["OPENENV_MAX_MESSAGE_BYTES"].flatMap(Int.init) ?? 16 << 20
            : ServerConfiguration().maxMessageBytes
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
        if let remoteURL {
            return try await body(ServerEndpoint(parsing: remoteURL))
        }
        return try await withTestServer(inProcess) { endpoint, _ in try await body(endpoint) }
    }

    /// Runs `body` against a server with known capacity ``knownCapacity``.
    public static func withCapacityServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL {
            return try await body(ServerEndpoint(parsing: environment["OPENENV_CAPACITY_URL"] ?? remoteURL))
        }
        return try await withTestServer(ServerConfiguration(maxConcurrentEnvs: inProcessCapacity)) { endpoint, _ in
            try await body(endpoint)
        }
    }

    /// Runs `body` against a server that reaps idle sessions after ``knownSessionTimeout``.
    public static func withIdleTimeoutServer<Result: Sendable>(
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL {
            return try await body(ServerEndpoint(parsing: remoteURL))
        }
        let configuration = ServerConfiguration(
            maxConcurrentEnvs: 1, sessionTimeout: .seconds(inProcessSessionTimeout))
        return try await withTestServer(configuration) { endpoint, _ in try await body(endpoint) }
    }
}
