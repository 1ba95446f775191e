import Logging
import ServiceLifecycle

extension OpenEnvServer {
    /// Runs the server while `body` runs and shuts it down gracefully afterwards, whether `body`
    /// returned or threw. `body` gets the bound port: bind port 0 to get a free one.
    ///
    /// ```swift
    /// try await OpenEnvServer(configuration: .init(host: "127.0.0.1", port: 0)).withRunning { port in
    ///     // talk to http://127.0.0.1:\(port)
    /// }
    /// ```
    public func withRunning<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let service = try makeService { port in portContinuation.yield(port) }
        let services = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the server cannot start, end the port stream so the caller fails instead of waiting.
                defer { portContinuation.finish() }
                try await services.run()
            }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else {
                try await group.waitForAll()
                throw ServerStartError.stoppedBeforeBinding
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}

/// The server could not be started.
public struct ServerStartError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable { case stoppedBeforeBinding }
    private let kind: Kind

    /// The server stopped (e.g. its port was taken) before it bound a port.
    public static let stoppedBeforeBinding = Self(kind: .stoppedBeforeBinding)

    public var description: String {
        switch kind {
        case .stoppedBeforeBinding: "the server stopped before it bound a port"
        }
    }
}
