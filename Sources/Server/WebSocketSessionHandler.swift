import EnvProtocol
import NIOCore
import NIOWebSocket

/// Serves one upgraded `/ws` connection as a state machine on the connection's event loop:
/// no task, actor or stream per connection, so a session costs the server little more than
/// its frames (issue 15).
///
/// - Messages are answered strictly in order. While one is being answered, or its reply waits
///   for the socket, the handler asks for no more input, so a flood cannot queue unbounded
///   memory; NIO still reports a reset or FIN meanwhile, so a vanished client cancels its
///   step (and frees its slot) at once.
/// - A message that needs no waiting is answered at once; a step the environment times by plan
///   (``TimedStepEnvironment``, the benchmark's `wait_seconds`) waits on a timer of the loop;
///   other environment code (an ``EnvironmentCall``) runs in a task: on the loop
///   (``EventLoopTaskExecutor``) for an environment that declared itself cheap, off it for any
///   other (see ``environmentExecutor(_:)``); the reply is written on the loop.
/// - The ping, idle, write and close-handshake deadlines share one lazy timer: it is re-armed
///   only when it fires or when a deadline earlier than its own appears, never per message,
///   and never cancelled.
final class WebSocketSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum Phase {
        case open
        /// Our close frame is sent; waiting for the peer's, within the close timeout.
        case closing
        /// The connection is gone.
        case closed
    }

    private let services: WebSocketSessionServices
    private let attachTo: String?
    private var context: ChannelHandlerContext?
    private var session: WebSocketSession?
    private var phase = Phase.open
    /// Messages that arrived while one was being answered (the rest of one socket read).
    private var pending: CircularBuffer<WebSocketFrame>?
    /// A message is being answered.
    private var busy = false
    /// The running answer, cancelled when the connection goes.
    private var answering: Task<Void, Never>?
    /// A step timed by plan is waiting on this loop's timer.
    private var timedStepPending = false
    /// A read the handler is holding back until it can take another message.
    private var readHeld = false
    /// The client half-closed: close once the message being answered is.
    private var inputClosed = false
    /// Graceful shutdown: close once the message being answered is.
    private var closeWhenIdle = false
    private var executor: EventLoopTaskExecutor?

    private var lastActive = NIODeadline.now()
    /// When a reply found the socket full; cleared when it drains.
    private var stalledSince: NIODeadline?
    private var closingSince: NIODeadline?
    private var nextPing: NIODeadline?
    private var pingSentAt: NIODeadline?
    private var timerDeadline: NIODeadline?

    /// - Parameter attachTo: the `session_id` the upgrade request asked to attach to.
    init(services: WebSocketSessionServices, attachTo: String?) {
        self.services = services
        self.attachTo = attachTo
    }

    private var configuration: ServerConfiguration { services.configuration }

    private var writeTimeout: TimeAmount { .nanoseconds(configuration.replyWriteTimeout.nanoseconds) }
    private var closeTimeout: TimeAmount { .nanoseconds(configuration.closeTimeout.nanoseconds) }
    private var pingInterval: TimeAmount? { configuration.pingInterval.map { .nanoseconds($0.nanoseconds) } }
    private var idleTimeout: TimeAmount? {
        guard session?.reapsWhenIdle == true else { return nil }
        return configuration.sessionTimeout.map { .nanoseconds($0.nanoseconds) }
    }

    /// Whether the next message can be taken now.
    private var canTakeMessage: Bool { phase == .open && !busy && stalledSince == nil }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let now = NIODeadline.now()
        lastActive = now
        nextPing = pingInterval.map { now + $0 }
        switch WebSocketSession.open(attachTo: attachTo, services: services) {
        case .serving(let session):
            self.session = session
            guard context.channel.isActive else { return connectionClosed() }
            armTimer()
        case .refused(let error):
            send(.error(error), context: context)
            startClose(.normalClosure, context: context)
        case .failed(let error):
            send(.error(error), context: context)
            startClose(.unexpectedServerError, context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionClosed()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionClosed()
        context.fireChannelInactive()
    }

    /// The connection is gone: so is the session, once its work has stopped.
    private func connectionClosed() {
        phase = .closed
        pending = nil
        if let answering {
            // The session ends when the cancelled answer returns (see `answered`).
            answering.cancel()
        } else {
            endIdleSession()
        }
    }


    /// Ends a session with no answer running (a timed step's wait is simply dropped).
    private func endIdleSession() {
        if timedStepPending {
            timedStepPending = false
            session?.abandonTimedStep()
        }
        endSession()
    }

    private func endSession() {
        session?.end()
        session = nil
    }

    // MARK: Input

    func read(context: ChannelHandlerContext) {
        if phase == .open && (!canTakeMessage || pending?.isEmpty == false) {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard phase != .closed else { return }
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return fail(.protocolError, context: context) }
        // Any frame shows the peer is there, as its pong would: a client busy sending is not
        // dropped because its pong is still queued behind its messages.
        pingSentAt = nil
        switch frame.opcode {
        case .ping:
            guard phase == .open else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .text, .binary, .connectionClose:
            guard phase == .open else {
                // Closing: only the peer's close frame matters now.
                if frame.opcode == .connectionClose { context.close(promise: nil) }
                return
            }
            if canTakeMessage && pending?.isEmpty != false {
                take(frame, context: context)
            } else {
                if pending == nil { pending = CircularBuffer(initialCapacity: 4) }
                pending?.append(frame)
            }
        default:
            fail(.protocolError, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            inputClosed = true
            if phase != .open || (canTakeMessage && pending?.isEmpty != false) { context.close(promise: nil) }
        case is ChannelShouldQuiesceEvent:
            // Graceful shutdown: a message being answered is answered first.
            closeWhenIdle = true
            if canTakeMessage && pending?.isEmpty != false { startClose(.normalClosure, context: context) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is NIOWebSocketError:
            // WebSocketProtocolErrorHandler has sent the close frame (1002, 1009) and closes.
            if phase == .open { phase = .closing }
        case let error as NIOWebSocketFrameAggregator.Error:
            switch error {
            case .accumulatedFrameSizeIsTooLarge, .tooManyFragments: fail(.messageTooLarge, context: context)
            default: fail(.protocolError, context: context)
            }
        default:
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, stalledSince != nil {
            stalledSince = nil
            lastActive = .now()
            proceed(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Messages

    /// Answers one message (the handler can take it).
    private func take(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .connectionClose:
            receivedClose(frame, context: context)
        case .binary:
            reply(
                .error(
                    WireError(
                        code: .invalidJSON, message: "Binary frames are not supported: send each message as a JSON text frame")),
                context: context)
        default:
            let data = frame.unmaskedData
            guard let text = String(validating: data.readableBytesView, as: UTF8.self) else {
                return fail(.dataInconsistentWithMessage, context: context)
            }
            answer(text, context: context)
        }
    }

    private func answer(_ text: String, context: ChannelHandlerContext) {
        guard let session else { return }
        switch session.start(text) {
        case .answered(let reply):
            guard let reply else { return startClose(.normalClosure, context: context) }
            self.reply(reply, context: context)
        case .timedStep(let wait) where wait <= .zero:
            reply(session.finishTimedStep(), context: context)
        case .timedStep(let wait):
            // The wait is a timer on this loop. It is not cancelled if the client vanishes (NIO's
            // cancel searches the whole timer heap): the session ends at once, and the timer,
            // holding the handler weakly, then finds nothing to do.
            busy = true
            timedStepPending = true
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(wait.nanoseconds)) { [weak self] in
                self?.timedStepWaited()
            }
        case .call(let message):
            busy = true
            let call = session.call(message)
            let loop = context.eventLoop
            let handler = NIOLoopBound(self, eventLoop: loop)
            answering = Task(executorPreference: environmentExecutor(loop)) {
                var running = call
                await running.run()
                let done = running
                // The reply is written on the channel's loop (the task is already there when the
                // environment runs on it).
                if loop.inEventLoop {
                    handler.value.answered(done)
                } else {
                    loop.execute { handler.value.answered(done) }
                }
            }
        }
    }

    /// Where the environment's code runs. On this connection's loop only when the environment
    /// declared it cheap (``HostedEnvironment/runsOnEventLoop``): the reply is then written
    /// without a hand-off. Anything else runs on Swift's global concurrent executor, bounded at
    /// one thread per core, where a step that burns CPU or blocks cannot stall the pings,
    /// replies and closing handshakes of the other connections on this loop.
    private func environmentExecutor(_ loop: any EventLoop) -> any TaskExecutor {
        guard services.environment.runsOnEventLoop else { return globalConcurrentExecutor }
        let executor = self.executor ?? EventLoopTaskExecutor(loop)
        self.executor = executor
        return executor
    }

    /// On the loop: the environment's code for a message has run.
    private func answered(_ call: EnvironmentCall) {
        answered(session.flatMap { $0.finish(call) })
    }

    private func timedStepWaited() {
        guard timedStepPending, let session else { return }
        timedStepPending = false
        answered(session.finishTimedStep())
    }

    /// On the loop: the message's answer is ready (`nil`: the client's `close`).
    private func answered(_ reply: ServerMessage?) {
        answering = nil
        busy = false
        // Closing or closed meanwhile: the session ended with its close frame (or connection).
        guard phase == .open, let context else { return endSession() }
        guard let reply else { return startClose(.normalClosure, context: context) }
        self.reply(reply, context: context)
        proceed(context: context)
    }

    /// Writes a reply; a socket that does not take it within the write timeout is dropped.
    private func reply(_ message: ServerMessage, context: ChannelHandlerContext) {
        if let code = send(message, context: context) { services.metrics.errorReplied(code) }
        if context.channel.isWritable {
            lastActive = .now()
        } else {
            let now = NIODeadline.now()
            stalledSince = now
            armTimer(at: now + writeTimeout)
        }
    }

    @discardableResult
    private func send(_ message: ServerMessage, context: ChannelHandlerContext) -> ErrorCode? {
        let (frame, code) = ReplyFrame.make(message, profile: configuration.protocolProfile, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        return code
    }

    /// Takes the messages that arrived meanwhile, then more input, or closes as asked.
    private func proceed(context: ChannelHandlerContext) {
        while canTakeMessage, let frame = pending?.popFirst() {
            take(frame, context: context)
        }
        guard canTakeMessage else { return }
        if closeWhenIdle { return startClose(.normalClosure, context: context) }
        if inputClosed { return context.close(promise: nil) }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    // MARK: Closing

    /// The peer's close frame: answered with a close (1000, or 1002 for a malformed one), then
    /// the connection is closed, as RFC 6455 asks of a server.
    private func receivedClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        var code = WebSocketErrorCode.normalClosure
        if data.readableBytes > 0 {
            switch data.readWebSocketErrorCode() {
            case nil:
                code = .protocolError
            case .unknown(let number) where number < 3000 || number > 4999:
                code = .protocolError
            default:
                if String(validating: data.readableBytesView, as: UTF8.self) == nil { code = .protocolError }
            }
        }
        closeAfter(code, context: context)
    }

    /// A protocol violation: close with `code` at once.
    private func fail(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        guard phase == .open else { return }
        closeAfter(code, context: context)
    }

    private func closeAfter(_ code: WebSocketErrorCode, reason: String? = nil, context: ChannelHandlerContext) {
        phase = .closing
        pending = nil
        // A peer that does not take the close frame is dropped after the close timeout.
        let now = NIODeadline.now()
        closingSince = now
        armTimer(at: now + closeTimeout)
        let written = context.writeAndFlush(wrapOutboundOut(Self.closeFrame(code, reason: reason, allocator: context.channel.allocator)))
        written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Starts the closing handshake: the peer has the close timeout to answer.
    private func startClose(_ code: WebSocketErrorCode, reason: String? = nil, context: ChannelHandlerContext) {
        guard phase == .open else { return }
        phase = .closing
        pending = nil
        // The session is over once its close frame is sent: its slot does not wait for the
        // peer's side of the handshake (a running answer ends it when it returns).
        if answering == nil { endIdleSession() }
        let now = NIODeadline.now()
        closingSince = now
        context.writeAndFlush(wrapOutboundOut(Self.closeFrame(code, reason: reason, allocator: context.channel.allocator)), promise: nil)
        armTimer(at: now + closeTimeout)
        if inputClosed { return context.close(promise: nil) }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    private static func closeFrame(_ code: WebSocketErrorCode, reason: String?, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var data = allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        data.write(webSocketErrorCode: code)
        if let reason { data.writeString(reason) }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }

    // MARK: Deadlines

    /// The earliest moment a deadline can fall due, if any applies.
    private func nextDeadline(now: NIODeadline) -> NIODeadline? {
        var next: NIODeadline?
        func consider(_ deadline: NIODeadline?) {
            guard let deadline else { return }
            next = next.map { min($0, deadline) } ?? deadline
        }
        consider(stalledSince.map { $0 + writeTimeout })
        switch phase {
        case .closing:
            consider(closingSince.map { $0 + closeTimeout })
        case .open:
            if let pingInterval { consider(pingSentAt.map { $0 + pingInterval * 2 } ?? nextPing) }
            // Idle time starts when the message being answered is, at the earliest now.
            if let idleTimeout { consider(busy ? now + idleTimeout : lastActive + idleTimeout) }
        case .closed:
            return nil
        }
        return next
    }

    private func armTimer() {
        if let deadline = nextDeadline(now: .now()) { armTimer(at: deadline) }
    }

    /// Makes sure a check runs by `deadline`. A later check already scheduled is not cancelled
    /// (NIO's cancel searches the loop's whole timer heap): when it fires it finds itself stale
    /// and does nothing. Nor is a check cancelled when the connection closes: it holds the
    /// handler weakly, so a closed session's memory is gone at once.
    private func armTimer(at deadline: NIODeadline) {
        guard let context, phase != .closed else { return }
        if let timerDeadline, timerDeadline <= deadline { return }
        timerDeadline = deadline
        context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in self?.timerFired(deadline) }
    }

    private func timerFired(_ deadline: NIODeadline) {
        guard deadline == timerDeadline else { return }
        timerDeadline = nil
        guard let context, phase != .closed else { return }
        let now = NIODeadline.now()
        if let stalledSince, now >= stalledSince + writeTimeout {
            // The client has not taken its reply: it cannot keep its slot.
            return context.close(promise: nil)
        }
        if phase == .closing, let closingSince, now >= closingSince + closeTimeout {
            return context.close(promise: nil)
        }
        if phase == .open, let pingInterval { ping(now: now, every: pingInterval, context: context) }
        if phase == .open, let idleTimeout, !busy, stalledSince == nil, now >= lastActive + idleTimeout {
            // Ends the session at once: the slot is free without waiting for the client's side
            // of the closing handshake.
            startClose(.normalClosure, reason: "session idle timeout", context: context)
        }
        armTimer()
    }

    /// Pings an idle peer, and drops one that has sent nothing (no pong, no message) for two
    /// intervals after the last ping: one interval was missed by a live in-process test client
    /// whose tasks were starved of CPU, while the loop's timer kept time. A busy session is not judged: its input is held while it works.
    private func ping(now: NIODeadline, every interval: TimeAmount, context: ChannelHandlerContext) {
        if busy || stalledSince != nil {
            pingSentAt = nil
            nextPing = now + interval
        } else if let pingSentAt {
            guard now >= pingSentAt + interval * 2 else { return }
            closeAfter(.goingAway, reason: "Ping timeout", context: context)
        } else if let nextPing, now >= nextPing {
            pingSentAt = now
            self.nextPing = now + interval
            let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
        }
    }
}

