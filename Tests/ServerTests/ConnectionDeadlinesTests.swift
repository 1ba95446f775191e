import EnvServer
import NIOCore
import NIOEmbedded
import Testing

/// The deadlines before a connection becomes a request: the value state machine driven
/// directly, and its handler through an `EmbeddedChannel` whose clock the test advances. No
/// socket and no real time: run with `swift test --filter ConnectionDeadlines`.
@Suite("Connection deadlines")
struct ConnectionDeadlinesTests {
    private let limits = ConnectionLimits(
        requestHeadTimeout: .seconds(10),
        keepAliveTimeout: .seconds(60),
        tlsHandshakeTimeout: .seconds(5)
    )
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    // MARK: The state machine

    @Test("the first phase's deadline is scheduled once; it closes the connection when it falls due")
    func firstPhase() {
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        let due = start + .seconds(10)
        #expect(deadlines.connectionActive(now: start) == .schedule(due))
        #expect(deadlines.connectionActive(now: start) == .none, "a second activation starts nothing")
        #expect(deadlines.timerFired(due, now: due) == .close(.requestHead))
        #expect(deadlines.timerFired(due, now: due) == .none, "a timer fires once")
    }

    @Test("a request head ends the deadline without cancelling the timer: it fires and does nothing")
    func requestHeadClears() {
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        let due = start + .seconds(10)
        #expect(deadlines.connectionActive(now: start) == .schedule(due))
        deadlines.requestHeadReceived()
        #expect(deadlines.timerFired(due, now: due) == .none)
    }

    @Test("a later deadline re-uses the timer in flight, which re-arms for it when it fires early")
    func laterDeadlineReArms() {
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        let headDue = start + .seconds(10)
        #expect(deadlines.connectionActive(now: start) == .schedule(headDue))
        deadlines.requestHeadReceived()
        // Answered at 1 s: the keep-alive deadline (61 s) is later than the timer in flight.
        let idleSince = start + .seconds(1)
        #expect(deadlines.fellIdle(now: idleSince) == .none, "no second timer while one fires earlier")
        let idleDue = idleSince + .seconds(60)
        #expect(deadlines.timerFired(headDue, now: headDue) == .schedule(idleDue))
        #expect(deadlines.timerFired(idleDue, now: idleDue) == .close(.keepAliveIdle))
    }

    @Test("an earlier deadline schedules a new timer; the later one in flight then finds nothing due")
    func earlierDeadlineReplaces() {
        let limits = ConnectionLimits(requestHeadTimeout: .seconds(10), keepAliveTimeout: .seconds(2), tlsHandshakeTimeout: nil)
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        let headDue = start + .seconds(10)
        #expect(deadlines.connectionActive(now: start) == .schedule(headDue))
        deadlines.requestHeadReceived()
        let idleDue = start + .seconds(3)
        #expect(deadlines.fellIdle(now: start + .seconds(1)) == .schedule(idleDue))
        #expect(deadlines.timerFired(idleDue, now: idleDue) == .close(.keepAliveIdle))
        #expect(deadlines.timerFired(headDue, now: headDue) == .none, "nothing is due when the later timer fires")
    }

    @Test("a phase without a limit runs no deadline; TLS hands over to the request head")
    func phasesAndLimits() {
        let limits = ConnectionLimits(requestHeadTimeout: .seconds(10), keepAliveTimeout: nil, tlsHandshakeTimeout: .seconds(5))
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .tlsHandshake)
        let tlsDue = start + .seconds(5)
        #expect(deadlines.connectionActive(now: start) == .schedule(tlsDue))
        let handshaken = start + .seconds(1)
        #expect(deadlines.handshakeCompleted(now: handshaken) == .none, "the TLS timer fires first")
        #expect(deadlines.timerFired(tlsDue, now: tlsDue) == .schedule(handshaken + .seconds(10)))
        deadlines.requestHeadReceived()
        #expect(deadlines.fellIdle(now: start + .seconds(12)) == .none, "no keep-alive limit")
        #expect(deadlines.timerFired(handshaken + .seconds(10), now: handshaken + .seconds(10)) == .none)
    }

    @Test("an upgraded or closed connection has no deadline")
    func upgradedAndClosed() {
        var deadlines = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        let due = start + .seconds(10)
        #expect(deadlines.connectionActive(now: start) == .schedule(due))
        deadlines.upgraded()
        #expect(deadlines.timerFired(due, now: due) == .none)

        var closed = ConnectionDeadlines(limits: limits, firstPhase: .requestHead)
        #expect(closed.connectionActive(now: start) == .schedule(due))
        closed.connectionClosed()
        #expect(closed.timerFired(due, now: due) == .none)
    }

    // MARK: The handler on an EmbeddedChannel

    private func connectedChannel(
        firstPhase: ConnectionDeadlines.Phase = .requestHead
    ) throws -> (EmbeddedChannel, ConnectionDeadlineHandler, ServerMetrics) {
        let metrics = ServerMetrics()
        let handler = ConnectionDeadlineHandler(limits: limits, metrics: metrics, firstPhase: firstPhase)
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler, metrics)
    }

    private func timedOut(_ metrics: ServerMetrics, _ phase: String) -> Bool {
        metrics.exposition(slots: SessionSlots(capacity: 1))
            .contains(#"openenv_connections_timed_out_total{phase="\#(phase)"} 1"#)
    }

    @Test("handler: a silent connection is closed when its head deadline passes, not a tick before, and counted")
    func handlerClosesSilentConnection() throws {
        let (channel, _, metrics) = try connectedChannel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(10) - .nanoseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        #expect(!channel.isActive)
        #expect(timedOut(metrics, "request_head"))
    }

    @Test("handler: a request being served and a WebSocket session are never cut; a kept-alive connection idle past its limit is")
    func handlerPhases() throws {
        let (channel, handler, metrics) = try connectedChannel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        handler.requestHeadReceived()
        channel.embeddedEventLoop.advanceTime(by: .seconds(100))
        #expect(channel.isActive, "a request being served has no deadline")
        handler.fellIdle()
        channel.embeddedEventLoop.advanceTime(by: .seconds(60) - .nanoseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        #expect(!channel.isActive)
        #expect(timedOut(metrics, "keep_alive_idle"))

        let (session, upgrading, _) = try connectedChannel()
        upgrading.requestHeadReceived()
        upgrading.upgraded()
        upgrading.upgradeCompleted()
        #expect(
            (try? session.pipeline.syncOperations.handler(type: ConnectionDeadlineHandler.self)) == nil,
            "an upgraded connection's deadline handler leaves the pipeline"
        )
        session.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(session.isActive, "a WebSocket session has no deadline of this kind")
        _ = try session.finish()
    }

    @Test("handler: TLS handshake then head deadlines, one after the other")
    func handlerTLS() throws {
        let (channel, handler, metrics) = try connectedChannel(firstPhase: .tlsHandshake)
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        handler.handshakeCompleted()
        channel.embeddedEventLoop.advanceTime(by: .seconds(10) - .nanoseconds(1))
        #expect(channel.isActive, "the head deadline runs from the handshake, 10 s")
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        #expect(!channel.isActive)
        #expect(timedOut(metrics, "request_head"))
        #expect(!timedOut(metrics, "tls_handshake"))
    }
}
