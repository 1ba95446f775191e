import EnvProtocol

/// The environment instance of an MCP session (`openenv/session/create`): HTTP `tools/*` calls
/// and the WebSocket attached to it take turns, one at a time, as the `Environment` contract
/// requires.
final class SharedEnvironment: @unchecked Sendable {
    // @unchecked: `environment` is only touched while `mutex` is held (see `use`).
    private var environment: any EnvironmentSession
    private let mutex = AsyncMutex()

    init(_ environment: any EnvironmentSession) {
        self.environment = environment
    }

    /// Runs `body` with the environment, after any caller before it has finished.
    func use<Result>(_ body: (inout any EnvironmentSession) async throws -> Result) async rethrows -> Result {
        await mutex.lock()
        defer { mutex.unlock() }
        return try await body(&environment)
    }
}
