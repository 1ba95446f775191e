import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Thousands of connections that never become requests (half silent, half a partial request
/// head) against one `openenv-server` process with its default limits, while honest sessions
/// run before, during and after them in a process of their own. Selected by
/// `OPENENV_IDLE_CONNECTIONS=N` (CI: 15,000, in release); the figures are attached as
/// `idle-connections.json`.
@Suite("Idle connections against one server process", .serialized, .timeLimit(.minutes(5)))
struct IdleConnectionFloodTests {
    static let count = TestSettings.current.idleConnections
    /// The server's request-head timeout, said explicitly so the check and the server agree.
    static let headTimeout = 10.0
    static let partialHead = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: idle"

    /// How one idle connection ended.
    struct Ending: Sendable {
        /// Seconds from its last byte (its connect, when silent) until the server closed it.
        var closeDelay: Double
        var answered: Bool
    }

    @Test(
        "every idle connection is closed by the server, unanswered, at its request-head timeout; honest sessions before, during and after all succeed; the descriptors return; /metrics counts each timeout",
        .enabled(if: count != nil, "a flood: OPENENV_IDLE_CONNECTIONS=15000 swift test -c release --filter IdleConnectionFlood")
    )
    func idleConnectionsClosed() async throws {
        let count = try #require(Self.count)
        DescriptorLimit.raiseToHard()
        try await ServerProcess.with(["--max-concurrent-envs", "64", "--request-head-timeout", "\(Self.headTimeout)"]) { server in
            let before = try await HonestSessions(url: server.endpoint.httpURL, seconds: 2).outcome()
            let baseline = server.descriptors
            // Honest sessions through the whole flood: from before the first connect until after the last close.
            let during = try HonestSessions(url: server.endpoint.httpURL, seconds: Self.headTimeout + 6)
            let port = server.endpoint.port
            let started = ContinuousClock.now
            let (opening, opened) = AsyncStream<Int>.makeStream()
            async let flood = Self.flood(count, port: port, opened: opened)
            var openedCount = 0
            for await value in opening { openedCount = value }
            let openSeconds = (ContinuousClock.now - started).seconds
            let held = server.descriptors
            let endings = await flood
            let duringOutcome = try await during.outcome()
            let after = try await HonestSessions(url: server.endpoint.httpURL, seconds: 2).outcome()
            let final = try await server.descriptors(fallingTo: baseline)
            let timeouts = try await server.metric(#"openenv_connections_timed_out_total{phase="request_head"}"#)

            let delays = endings.map(\.closeDelay).sorted()
            let figures: [String: Any] = [
                "connections": count, "head_timeout_seconds": Self.headTimeout, "open_seconds": openSeconds,
                "closed": endings.count, "answered": endings.filter(\.answered).count,
                "close_delay_min": delays.first ?? .nan, "close_delay_p50": delays.isEmpty ? .nan : delays[delays.count / 2],
                "close_delay_max": delays.last ?? .nan,
                "honest_sessions": ["before": before.rows.count, "during": duringOutcome.rows.count, "after": after.rows.count],
                "honest_step_p99_seconds": ["before": before.stepP99, "during": duringOutcome.stepP99, "after": after.stepP99],
                "descriptors": ["before": baseline, "held": held, "after": final],
                "request_head_timeouts": timeouts ?? -1,
            ]
            let json = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
            let text = String(decoding: json, as: UTF8.self)
            Attachment.record(text, named: "idle-connections.json")
            print(text)

            #expect(openedCount == count && endings.count == count, "\(count - openedCount) of \(count) idle connections could not be opened")
            #expect(endings.filter(\.answered).isEmpty, "idle connections made no request, yet \(endings.filter(\.answered).count) got an answer")
            for (phase, outcome) in [("before", before), ("during", duringOutcome), ("after", after)] {
                #expect(
                    !outcome.rows.isEmpty && outcome.failures.isEmpty,
                    "honest sessions \(phase) the idle connections: \(outcome.rows.count) ran, failures \(outcome.failures.prefix(5)); output:\n\(outcome.output)"
                )
                #expect(
                    outcome.stepsAnswered == outcome.stepsSent,
                    "honest sessions \(phase): \(outcome.stepsAnswered) of \(outcome.stepsSent) steps answered"
                )
            }
            #expect(final <= baseline, "the server holds \(final) descriptors after the idle connections closed, \(baseline) before")
            #expect(timeouts == Double(count), "/metrics counts \(timeouts.map { "\(Int($0))" } ?? "no") request-head timeouts, not \(count)")
        }
    }

    /// Opens `count` connections, 500 connects at a time (a listen backlog is finite), writing
    /// half a request head on every second one; yields how many opened into `opened` once all
    /// are, then waits for the server to close each, reading whatever it sends.
    static func flood(_ count: Int, port: Int, opened: AsyncStream<Int>.Continuation) async -> [Ending] {
        let (connects, connected) = AsyncStream<Bool>.makeStream()
        return await withTaskGroup(of: Ending?.self) { group in
            var signals = connects.makeAsyncIterator()
            var openedCount = 0
            for wave in stride(from: 0, to: count, by: 500) {
                let waveEnd = min(wave + 500, count)
                for index in wave..<waveEnd {
                    group.addTask { await idle(partial: index % 2 == 1, port: port, connected: connected) }
                }
                for _ in wave..<waveEnd where await signals.next() == true { openedCount += 1 }
            }
            opened.yield(openedCount)
            opened.finish()
            return await group.reduce(into: []) { endings, ending in ending.map { endings.append($0) } }
        }
    }

    /// One idle connection: says into `connected` whether it opened, then waits for the server
    /// to close it. `nil` when it could not be opened.
    static func idle(partial: Bool, port: Int, connected: AsyncStream<Bool>.Continuation) async -> Ending? {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            connected.yield(false)
            return nil
        }
        let ending = try? await channel.executeThenClose { inbound, outbound in
            if partial { try? await outbound.write(ByteBuffer(string: partialHead)) }
            let lastSent = ContinuousClock.now
            connected.yield(true)
            let answer = await RawTCPConnection.readUntilClosed(inbound)
            return Ending(closeDelay: (ContinuousClock.now - lastSent).seconds, answered: !answer.isEmpty)
        }
        return ending
    }
}
