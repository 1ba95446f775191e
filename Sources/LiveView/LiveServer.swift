import EnvProtocol
import Hummingbird
import Logging
import ServiceLifecycle

/// The listener of `openenv-bench run --web HOST:PORT`: `/` the live page, `/live` its
/// refreshing part, `/metrics` the Prometheus exposition, served by Hummingbird while the sweep
/// runs, and for `linger` after it ended. A sampler takes the board's sample once a second.
public struct LiveServer: Sendable {
    public var host: String
    public var port: Int
    /// How long the page and `/metrics` stay up after the sweep ended (its last figures, for a
    /// last look or a last scrape).
    public var linger: Duration
    public let board: LiveBoard
    public let metrics = LiveMetrics()

    /// How often the sampler samples the run in progress.
    public static let sampleInterval = Duration.seconds(1)

    public init(host: String, port: Int, linger: Duration, board: LiveBoard) {
        self.host = host
        self.port = port
        self.linger = linger
        self.board = board
    }

    /// Serves while `body` runs, then for ``linger``, and shuts down gracefully; `body` gets the
    /// bound port (bind port 0 for a free one). `body`'s error is rethrown after the linger.
    public func withRunning<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "openenv-bench.live")
        logger.logLevel = .error
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "openenv-bench"),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await services.run()
            }
            var portIterator = ports.makeAsyncIterator()
            guard let bound = await portIterator.next() else {
                try await group.waitForAll()
                throw LiveServerError(host: host, port: port)
            }
            let board = board
            let sampler = Task {
                while (try? await Task.sleep(for: Self.sampleInterval)) != nil { board.sample() }
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(bound))
            } catch {
                result = .failure(error)
            }
            sampler.cancel()
            // A SIGINT during the linger ends it early (the sleep is cancelled).
            try? await Task.sleep(for: linger)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        let (board, metrics, page) = (board, metrics, LivePage(board: board))
        router.get("/") { _, _ in Self.response(page.page(), type: "text/html; charset=utf-8") }
        router.get("/live") { _, _ in Self.response(page.fragment(), type: "text/html; charset=utf-8") }
        router.get("/metrics") { _, _ in
            Self.response(metrics.exposition(board), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }

    private static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// The live view's listener stopped before it bound its port (the port is taken, say).
public struct LiveServerError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int

    public var description: String { "--web \(host):\(port): the live view could not listen there" }
}
