import BenchResults
import EnvClient
import EnvProtocol
import NIOCore
import NIOSSL

/// One WebSocket session of a burst or an open-model run, driven on its event loop:
/// connect → upgraded → reset → step… → close → done, ending in exactly one row.
///
/// A handler instead of a Swift task per session: no task, no thread hand-off per message, no
/// async sequence. One deadline per session, re-armed lazily: each request only moves the
/// deadline, and the one scheduled check re-schedules itself when it finds it moved, so nothing
/// is cancelled on the hot path (NIO's cancel scans the loop's whole scheduled-task heap).
/// The rules — what each reply must be, which failure each misbehaviour is — are
/// ``SessionDriver/webSocketRow(requestID:endpoint:scheduledStart:steps:)``'s.
final class WebSocketSession: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketEvent
    typealias OutboundOut = ByteBuffer

    private enum Phase: Equatable {
        case connecting
        case reset
        case step(Int)
        case closing
        case done
    }

    private let plan: SessionPlan
    private let index: Int
    private let loop: any EventLoop
    private var row: SessionResult
    /// The session's (scheduled) start, in NIO's monotonic time.
    private let start: NIODeadline
    private var mark: NIODeadline
    private var phase = Phase.connecting
    private var limit: TimeAmount
    private var deadline: NIODeadline
    /// When the earliest scheduled deadline check runs; `nil` when none is pending.
    private var checkAt: NIODeadline?
    private var channel: (any Channel)?
    private var context: ChannelHandlerContext?
    /// The (scheduled) start as the progress display counts it.
    private let startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - index: the session's slot in the run's ``SessionRows``.
    ///   - startedAt: the session's start: now, or when an open-model run meant it to start
    ///     (its latencies are measured from then, so a late start counts against the server).
    init(plan: SessionPlan, index: Int, requestID: Int, loop: any EventLoop, startedAt: ContinuousClock.Instant) {
        self.plan = plan
        self.index = index
        self.loop = loop
        self.startedAt = startedAt
        let now = NIODeadline.now()
        start = now - .nanoseconds(max(0, (ContinuousClock.now - startedAt).nanoseconds))
        mark = now
        limit = plan.connectTimeout
        deadline = now + limit
        row = SessionResult(
            requestID: requestID, mode: .ws, timestamp: Timestamp.now(), waitRequested: plan.driver.wait,
            batchSize: plan.driver.batchSize, hardware: plan.driver.hardware)
    }

    /// Connects to `endpoint` (`sslContext` for wss) from `localAddress`; called on the loop.
    func begin(endpoint: ServerEndpoint, sslContext: Result<NIOSSLContext?, any Error>, localAddress: SocketAddress?) {
        plan.driver.progress?.sessionStarted(row.requestID, at: startedAt)
        schedule(deadline)
        let context: NIOSSLContext?
        do {
            context = try sslContext.get()
        } catch {
            return fail(SessionFailure.classify(error))
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        WebSocketChannel.open(
            to: endpoint, configuration: plan.configuration, sslContext: context, localAddress: localAddress, on: loop,
            created: { channel in bound.value.channel = channel },
            upgraded: { channel in try channel.pipeline.syncOperations.addHandler(bound.value) }
        ).whenComplete { result in
            switch result {
            case .success: bound.value.upgraded()
            case .failure(let error): bound.value.fail(SessionFailure.classify(error))
            }
        }
    }

    /// The run was interrupted (SIGINT): the session ends now, as `Interrupted`.
    func interrupt() {
        fail(SessionFailure(.interrupted, "run interrupted"))
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The WebSocket is up: the conversation starts with the reset.
    private func upgraded() {
        guard phase == .connecting, let context else { return }
        row.connectLatency = Self.seconds(NIODeadline.now() - start)
        phase = .reset
        send(plan.reset, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let event = unwrapInboundIn(data)
        switch phase {
        case .reset, .step:
            do {
                try answered(event, context: context)
            } catch {
                fail(SessionFailure.classify(error))
            }
        case .closing:
            switch event {
            case .text, .binary:
                fail(SessionFailure(.unsolicitedReply, "a message no request asked for: \(String(describing: event).prefix(300))"))
            case .close:
                succeed()
            case .pong:
                break
            }
        case .connecting, .done:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { ended() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch phase {
        case .reset, .step: fail(SessionFailure.classify(error))
        case .closing: succeed()
        case .connecting, .done: break
        }
    }

    // MARK: The conversation

    /// The reply to the request of the current phase; sends the next request.
    private func answered(_ event: WebSocketEvent, context: ChannelHandlerContext) throws {
        let workload = plan.driver.workload
        let now = NIODeadline.now()
        switch phase {
        case .reset:
            _ = try Self.observation(event)
            row.resetLatency = Self.seconds(now - mark)
            phase = .step(0)
            mark = now
            send(plan.step(0), context: context)
        case .step(let index):
            if workload.readsObservations {
                try row.record(try Self.observation(event), strict: workload.isBenchmark)
            } else {
                try Self.toolResult(event)
            }
            if index + 1 < workload.steps {
                phase = .step(index + 1)
                send(plan.step(index + 1), context: context, restartsStepClock: false)
            } else {
                row.stepLatency = Self.seconds(now - mark)
                phase = .closing
                limit = min(plan.replyTimeout, .seconds(5))
                deadline = now + limit
                rearm()
                context.writeAndFlush(wrapOutboundOut(plan.close), promise: nil)
            }
        case .connecting, .closing, .done:
            break
        }
    }

    private func send(_ message: ByteBuffer, context: ChannelHandlerContext, restartsStepClock: Bool = true) {
        let now = NIODeadline.now()
        if restartsStepClock { mark = now }
        limit = plan.replyTimeout
        deadline = now + limit
        rearm()
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
    }

    /// The socket ended (EOF or closed) without a close frame.
    private func ended() {
        switch phase {
        case .reset, .step:
            fail(SessionFailure(.closedBeforeReply, "connection ended without a close frame"))
        case .closing:
            succeed()
        case .connecting, .done:
            break
        }
    }

    // MARK: The deadline

    /// Makes sure a check runs by `deadline`; a pending earlier check re-arms itself when it runs.
    private func rearm() {
        if let checkAt, checkAt <= deadline { return }
        schedule(deadline)
    }

    private func schedule(_ time: NIODeadline) {
        checkAt = time
        // Weak: a finished session's check finds nothing to do, and does not keep it alive.
        _ = loop.assumeIsolated().scheduleTask(deadline: time) { [weak self] in self?.check(scheduledAt: time) }
    }

    private func check(scheduledAt time: NIODeadline) {
        if checkAt == time { checkAt = nil }
        guard phase != .done else { return }
        if NIODeadline.now() < deadline {
            rearm()
            return
        }
        switch phase {
        case .connecting:
            fail(SessionFailure(.connectTimeout, "no WebSocket upgrade within \(Self.seconds(limit))s"))
        case .reset, .step:
            fail(SessionFailure(.timeout, "no reply within \(Self.seconds(limit))s"))
        case .closing:
            succeed()
        case .done:
            break
        }
    }

    // MARK: The row

    private func succeed() {
        guard phase != .done else { return }
        row.success = true
        finish()
    }

    /// As in the seed, a failed session keeps only its total: the phase latencies are 0.
    private func fail(_ failure: SessionFailure) {
        guard phase != .done else { return }
        // After an interrupt, whatever ended the session (the embedded server stopping too,
        // say) ended it because the run was stopped.
        let failure =
            failure.kind != .interrupted && plan.rows.isInterrupted
            ? SessionFailure(.interrupted, "run interrupted: \(failure.message)") : failure
        row.errorType = failure.kind
        row.errorMessage = failure.message
        (row.connectLatency, row.resetLatency, row.stepLatency) = (0, 0, 0)
        finish()
    }

    private func finish() {
        phase = .done
        row.totalLatency = Self.seconds(NIODeadline.now() - start)
        plan.driver.progress?.sessionEnded(row.requestID, success: row.success)
        channel?.close(promise: nil)
        channel = nil
        plan.rows.finished(index, row)
    }

    private static func seconds(_ amount: TimeAmount) -> Double {
        Double(amount.nanoseconds) / 1e9
    }

    // MARK: Judging replies

    /// The observation of an `observation` reply.
    ///
    /// - Throws: ``SessionFailure`` with the server's code for an `error` reply,
    ///   `InvalidReply` for anything that is not an observation, `ClosedBeforeReply` on close.
    static func observation(_ event: WebSocketEvent) throws -> JSONValue {
        switch event {
        case .text(let text):
            guard let reply = try? JSONCoding.parse(text) else {
                throw SessionFailure(.invalidReply, "not JSON: \(text.prefix(300))")
            }
            switch reply["type"]?.stringValue {
            case "observation":
                return reply["data"]?["observation"] ?? .null
            case "error":
                throw serverError(reply, text)
            default:
                throw SessionFailure(.invalidReply, "unexpected reply: \(text.prefix(300))")
            }
        case .close(let code, let reason):
            throw SessionFailure(.closedBeforeReply, "closed with \(code.map(String.init) ?? "no code") \(reason)")
        case .binary, .pong:
            throw SessionFailure(.invalidReply, "unexpected \(event)")
        }
    }

    /// An `mcp` reply must carry a JSON-RPC result.
    ///
    /// - Throws: ``SessionFailure``: `MCPError` for a JSON-RPC error, the server's code for an
    ///   `error` reply, `InvalidReply` for anything else.
    static func toolResult(_ event: WebSocketEvent) throws {
        guard case .text(let text) = event, let reply = try? JSONCoding.parse(text) else {
            throw SessionFailure(.invalidReply, "unexpected \(String(describing: event).prefix(300))")
        }
        switch reply["type"]?.stringValue {
        case "mcp":
            try SessionDriver.judgeToolResponse(reply["data"] ?? .null)
        case "error":
            throw serverError(reply, text)
        default:
            throw SessionFailure(.invalidReply, "unexpected reply: \(text.prefix(300))")
        }
    }

    private static func serverError(_ reply: JSONValue, _ text: String) -> SessionFailure {
        SessionFailure(
            FailureKind(rawValue: reply["data"]?["code"]?.stringValue ?? "UNKNOWN_ERROR"),
            reply["data"]?["message"]?.stringValue ?? text)
    }
}
