import EnvProtocol

/// A session's own environment, made by the environment's factory. The factory is user code and
/// may be slow, so unless the environment declared itself cheap
/// (``HostedEnvironment/runsOnEventLoop``) it is made off the connection's event loop, where the
/// environment's other code runs, and handed back.
struct EnvironmentCreation: @unchecked Sendable {
    // @unchecked: `any EnvironmentSession` is not Sendable. The environment is made in one task
    // and handed to its session on the loop only once that task has ended.
    /// The environment, or the error the socket gets (`FACTORY_ERROR`).
    let result: Result<any EnvironmentSession, WireError>

    /// Runs the environment's factory now, on the caller's thread.
    init(services: WebSocketSessionServices) {
        do {
            result = .success(try services.environment.session(for: services.process()))
        } catch {
            result = .failure(WireError(code: .factoryError, message: "Failed to create environment: \(error)"))
        }
    }
}
