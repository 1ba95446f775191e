import EnvClient

/// A server a session benchmark runs against for all its iterations.
protocol SessionServer: Sendable {
    var endpoint: ServerEndpoint { get }
    func shutDown() async throws
}

extension InProcessServer: SessionServer {}
extension ChildServer: SessionServer {}
