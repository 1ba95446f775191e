import EnvProtocol

/// Creating a session's own environment, carried off the connection's event loop and back: an
/// environment's factory is user code and may be slow, so unless the environment declared itself
/// cheap (``HostedEnvironment/runsOnEventLoop``) it runs where the environment's other code does.
struct EnvironmentCreation: @unchecked Sendable {
    // @unchecked: `any EnvironmentSession` is not Sendable. The environment is made in the
    // creation's task and handed to its session on the loop only once that task has ended.
    private let services: WebSocketSessionServices
    /// Once ``run()`` returned: the environment, or the error the socket gets (`FACTORY_ERROR`).
    private(set) var result: Result<any EnvironmentSession, WireError>?

    init(services: WebSocketSessionServices) {
        self.services = services
    }

    /// Runs the environment's factory; on whatever executor the caller's task uses.
    mutating func run() {
        result = Self.make(services)
    }

    /// The environment, made now, on the caller's thread.
    static func make(_ services: WebSocketSessionServices) -> Result<any EnvironmentSession, WireError> {
        do {
            return .success(try services.environment.session(for: services.process()))
        } catch {
            return .failure(WireError(code: .factoryError, message: "Failed to create environment: \(error)"))
        }
    }
}
