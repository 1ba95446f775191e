import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The accept loop of an OpenEnv server, bound with `SO_REUSEPORT` (when asked) so several worker processes
/// can listen on one port and the kernel spreads connections among them (`--workers`).
///
/// Hummingbird's own `Server` binds without `SO_REUSEPORT` and offers no way to add it, so this
/// replaces only the listening socket: everything after `accept` (HTTP/1.1 parsing, the
/// WebSocket upgrade, TLS) is Hummingbird's child channel, unchanged. Graceful shutdown works as
/// in Hummingbird: stop accepting, let every open connection finish or close (a connection's task
/// ends at its upgrade, so the listener waits for the connections themselves, not their tasks).
struct SharedPortListener<Child: ServerChildChannel>: Service {
    let child: Child
    let host: String
    let port: Int
    let backlog: Int
    /// Share the port with other processes bound the same way (`--workers`). Off for a single
    /// process, so a second server on a busy port fails instead of silently taking half the load.
    let reusePort: Bool
    /// Event-loop threads; `nil` shares NIO's process-wide group (one thread per core).
    let eventLoopThreads: Int?
    let logger: Logger
    /// Called with the bound port once connections are accepted.
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        guard let eventLoopThreads else {
            return try await run(on: MultiThreadedEventLoopGroup.singleton)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads)
        do {
            try await run(on: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func run(on eventLoopGroup: any EventLoopGroup) async throws {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let child = self.child
        let logger = self.logger
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: reusePort ? 1 : 0)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Each connection keeps its last receive buffers for reuse; NIO starts them at 2 KiB.
            // Requests and messages are mostly far smaller, and thousands of idle sessions each
            // keeping 2 KiB buffers add up, so start small: a connection that reads more grows
            // its buffers again (up to 64 KiB).
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
            .bind(host: host, port: port, serverBackPressureStrategy: nil) { channel in
                child.setup(channel: channel, logger: logger)
            }
        let boundPort = listener.channel.localAddress?.port ?? port
        logger.info("Listening on \(host):\(boundPort)")
        await onListening(boundPort)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { connections in
                do {
                    try await listener.executeThenClose { accepted in
                        // Each connection's task prefers its event loop: awaiting the
                        // connection's futures (its upgrade, its close) then costs no hand-off to
                        // Swift's pool and back. Work that may be heavy moves off it (the HTTP routes).
                        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
                        for try await connection in accepted {
                            let loop = connection.channel.eventLoop
                            let executor = executors[ObjectIdentifier(loop)] ?? EventLoopTaskExecutor(loop)
                            executors[ObjectIdentifier(loop)] = executor
                            connections.addTask(executorPreference: executor) {
                                await child.handle(value: connection, logger: logger)
                            }
                        }
                    }
                } catch {
                    logger.error("Accepting connections failed: \(error)")
                }
            }
            // A WebSocket session has no task in the group once upgraded (its pipeline serves
            // it): wait for every connection the listener accepted to close (the quiescing
            // helper tracks them all; started already, the shutdown is only awaited).
            let allClosed = listener.channel.eventLoop.makePromise(of: Void.self)
            quiescing.initiateShutdown(promise: allClosed)
            try? await allClosed.futureResult.get()
        } onGracefulShutdown: {
            // Closes the listening socket and every idle connection; open sessions end on their own.
            quiescing.initiateShutdown(promise: nil)
        }
    }
}
