import EnvProtocol
package import NIOCore
package import NIOWebSocket

/// Serves one upgraded `/ws` connection on the connection's event loop: no task, actor or stream
/// per connection, so a session costs the server little more than its frames (issue 15).
///
/// A thin shell: the connection's rules (message order, flow control, the closing handshake,
/// every deadline) are the value ``WebSocketSessionStateMachine``; this handler feeds it the
/// channel's events with the event loop's time and carries out its actions. What it owns
/// itself is what is not a value: the ``WebSocketSession`` (slot, environment) and the answer
/// being computed.
///
/// - The environment is created on the loop only when it declared itself cheap; otherwise its
///   factory runs off the loop (an ``EnvironmentCreation``) and messages wait for it, in order.
/// - A message that needs no environment code is answered at once; a step the environment
///   times by plan (``TimedStepEnvironment``, the benchmark's `wait_seconds`) waits on a timer
///   of the loop; other environment code (an ``EnvironmentCall``) runs in a task: on the loop
///   for an environment that declared itself cheap, off it for any other (see
///   ``environmentExecutor(_:)``); the reply is written on the loop.
/// - Timers are never cancelled: each holds the handler weakly and, when it fires, the state
///   machine checks what is due then (nothing, once the session has ended).
package final class WebSocketSessionHandler: ChannelDuplexHandler {
    package typealias InboundIn = WebSocketFrame
    package typealias OutboundIn = WebSocketFrame
    package typealias OutboundOut = WebSocketFrame
    private typealias Machine = WebSocketSessionStateMachine

    private let services: WebSocketSessionServices
    private let attachTo: String?
    private var context: ChannelHandlerContext?
    private var session: WebSocketSession?
    private var machine: Machine?
    /// The running environment call, cancelled when the connection goes.
    private var answering: Task<Void, Never>?

    /// - Parameter attachTo: the `session_id` the upgrade request asked to attach to.
    package init(services: WebSocketSessionServices, attachTo: String?) {
        self.services = services
        self.attachTo = attachTo
    }

    private var configuration: ServerConfiguration { services.configuration }

    private func timeouts(reapsWhenIdle: Bool) -> Machine.Timeouts {
        Machine.Timeouts(
            write: .nanoseconds(configuration.replyWriteTimeout.nanoseconds),
            close: .nanoseconds(configuration.closeTimeout.nanoseconds),
            ping: configuration.pingInterval.map { .nanoseconds($0.nanoseconds) },
            idle: reapsWhenIdle ? configuration.sessionTimeout.map { .nanoseconds($0.nanoseconds) } : nil
        )
    }

    private var now: NIODeadline { context?.eventLoop.now ?? .now() }

    // MARK: Lifecycle

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        switch WebSocketSession.open(attachTo: attachTo, services: services) {
        case .serving(let session):
            self.session = session
            machine = Machine(timeouts: timeouts(reapsWhenIdle: session.reapsWhenIdle), now: now)
            guard context.channel.isActive else { return connectionClosed() }
            perform(machine?.sessionStarted(now: now))
        case .creating(let session):
            self.session = session
            machine = Machine(timeouts: timeouts(reapsWhenIdle: session.reapsWhenIdle), now: now)
            guard context.channel.isActive else { return connectionClosed() }
            // Messages that arrive meanwhile wait, in order, as behind any message's work.
            machine?.workStarted(.call)
            perform(machine?.sessionStarted(now: now))
            create(context: context)
        case .refused(let error):
            refuse(error, .normalClosure, context: context)
        case .failed(let error):
            refuse(error, .unexpectedServerError, context: context)
        }
    }

    /// No session: an error for the socket, then the closing handshake.
    private func refuse(_ error: WireError, _ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        machine = Machine(timeouts: timeouts(reapsWhenIdle: false), now: now)
        send(.error(error), context: context)
        perform(machine?.startClose(code, now: now))
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        connectionClosed()
        self.context = nil
    }

    package func channelInactive(context: ChannelHandlerContext) {
        connectionClosed()
        context.fireChannelInactive()
    }

    /// The connection is gone: so is the session, once its work has stopped.
    private func connectionClosed() {
        guard let end = machine?.connectionClosed() else { return endSession(.now) }
        if end == .whenWorkReturns {
            // The session ends when the cancelled call returns (see `answered`).
            answering?.cancel()
        } else {
            endSession(end)
        }
    }

    private func endSession(_ end: Machine.SessionEnd) {
        if end == .nowAbandoningTimedStep { session?.abandonTimedStep() }
        session?.end()
        session = nil
    }

    // MARK: Input

    package func read(context: ChannelHandlerContext) {
        perform(machine?.read() ?? .read)
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(machine?.frameReceived(unwrapInboundIn(data), now: now))
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            perform(machine?.peerHalfClosed())
        case is ChannelShouldQuiesceEvent:
            perform(machine?.shouldQuiesce(now: now))
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is NIOWebSocketError:
            // WebSocketProtocolErrorHandler has sent the close frame (1002, 1009) and closes.
            machine?.protocolErrorSent(now: now)
        case let error as NIOWebSocketFrameAggregator.Error:
            switch error {
            case .accumulatedFrameSizeIsTooLarge, .tooManyFragments: perform(machine?.fail(.messageTooLarge, now: now))
            default: perform(machine?.fail(.protocolError, now: now))
            }
        default:
            context.close(promise: nil)
        }
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        perform(machine?.writabilityChanged(writable: context.channel.isWritable, now: now))
        context.fireChannelWritabilityChanged()
    }

    // MARK: Actions

    /// Carries out `action`; a message to take is taken, and then whatever comes next.
    private func perform(_ action: Machine.Action?) {
        guard let context, var action else { return }
        while case .take(let frame) = action {
            take(frame, context: context)
            guard let next = machine?.next(now: now) else { return }
            action = next
        }
        switch action {
        case .none, .take:
            break
        case .read:
            context.read()
        case .pong(let data):
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: data)), promise: nil)
        case .schedule(let deadline):
            schedule(deadline, context: context)
        case .ping(let deadline):
            let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
            if let deadline { schedule(deadline, context: context) }
        case .disconnect:
            context.close(promise: nil)
        case .closeAfterWrite(let code, let reason, let deadline):
            if let deadline { schedule(deadline, context: context) }
            let frame = Self.closeFrame(code, reason: reason, allocator: context.channel.allocator)
            context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .startClose(let code, let reason, let end, let deadline, let then):
            if end != .whenWorkReturns { endSession(end) }
            context.writeAndFlush(
                wrapOutboundOut(Self.closeFrame(code, reason: reason, allocator: context.channel.allocator)),
                promise: nil
            )
            if let deadline { schedule(deadline, context: context) }
            switch then {
            case .nothing: break
            case .read: context.read()
            case .disconnect: context.close(promise: nil)
            }
        }
    }

    /// A timer for the state machine. Not cancelled if the connection closes (NIO's cancel
    /// searches the loop's whole timer heap): it holds the handler weakly, so a closed session's
    /// memory is gone at once, and the machine finds nothing to do.
    private func schedule(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        _ = try? context.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: Timer(self, .deadline(deadline)))
    }

    /// One of this handler's timers, scheduled with NIO's callback API (no closure, promise or
    /// future per timer). It holds the handler weakly and is never cancelled: once the session
    /// is gone it finds nothing to do.
    private struct Timer: NIOScheduledCallbackHandler {
        enum Purpose {
            /// A deadline of the state machine.
            case deadline(NIODeadline)
            /// A timed step's wait.
            case timedStepWaited
        }

        weak var handler: WebSocketSessionHandler?
        let purpose: Purpose

        init(_ handler: WebSocketSessionHandler, _ purpose: Purpose) {
            self.handler = handler
            self.purpose = purpose
        }

        func handleScheduledCallback(eventLoop: some EventLoop) {
            guard let handler else { return }
            switch purpose {
            case .deadline(let deadline): handler.perform(handler.machine?.timerFired(deadline, now: handler.now))
            case .timedStepWaited: handler.timedStepWaited()
            }
        }
    }

    // MARK: Messages

    /// Answers one message (the machine asked for it).
    private func take(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .connectionClose:
            perform(machine?.closeWith(Self.closeCode(answering: frame), now: now))
        case .binary:
            reply(
                .error(
                    WireError(
                        code: .invalidJSON,
                        message: "Binary frames are not supported: send each message as a JSON text frame"
                    )
                ),
                context: context
            )
        default:
            let data = frame.unmaskedData
            guard let text = String(validating: data.readableBytesView, as: UTF8.self) else {
                return perform(machine?.fail(.dataInconsistentWithMessage, now: now))
            }
            answer(text, context: context)
        }
    }

    private func answer(_ text: String, context: ChannelHandlerContext) {
        guard let session else { return }
        switch session.start(text) {
        case .answered(let reply):
            guard let reply else { return perform(machine?.startClose(.normalClosure, now: now)) }
            self.reply(reply, context: context)
        case .timedStep(let wait) where wait <= .zero:
            reply(session.finishTimedStep(), context: context)
        case .timedStep(let wait):
            // The wait is a timer on this loop, not cancelled if the client vanishes: the session
            // ends at once, and the timer, holding the handler weakly, then finds nothing to do.
            machine?.workStarted(.timedStep)
            _ = try? context.eventLoop.assumeIsolated().scheduleCallback(
                in: .nanoseconds(wait.nanoseconds),
                handler: Timer(self, .timedStepWaited)
            )
        case .call(let message):
            machine?.workStarted(.call)
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

    /// Runs the environment's factory off the loop (``environmentExecutor(_:)``); ``created(_:)``
    /// gets the result on the loop.
    private func create(context: ChannelHandlerContext) {
        let services = services
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        answering = Task(executorPreference: environmentExecutor(loop)) {
            let creation = EnvironmentCreation(services: services)
            loop.execute { handler.value.created(creation) }
        }
    }

    /// On the loop: the environment exists (the session serves it, and the messages that waited
    /// are taken), or its factory failed (`FACTORY_ERROR`, then close 1011).
    private func created(_ creation: EnvironmentCreation) {
        answering = nil
        guard machine?.workFinished() == true, let context, let session else { return endSession(.now) }
        switch creation.result {
        case .success(let environment):
            session.created(environment)
            perform(machine?.next(now: now))
        case .failure(let error):
            send(.error(error), context: context)
            perform(machine?.startClose(.unexpectedServerError, now: now))
        }
    }

    /// Where the environment's code runs. On this connection's loop only when the environment
    /// declared it cheap (``HostedEnvironment/runsOnEventLoop``): the reply is then written
    /// without a hand-off. Anything else runs on Swift's global concurrent executor, bounded at
    /// one thread per core, where a step that burns CPU or blocks cannot stall the pings,
    /// replies and closing handshakes of the other connections on this loop.
    private func environmentExecutor(_ loop: any EventLoop) -> any TaskExecutor {
        services.environment.runsOnEventLoop ? EventLoopTaskExecutor.shared(by: loop) : globalConcurrentExecutor
    }

    private func timedStepWaited() {
        guard machine?.awaitsTimedStep == true, let session else { return }
        answered(session.finishTimedStep())
    }

    /// On the loop: the environment's code for a message has run.
    private func answered(_ call: EnvironmentCall) {
        answering = nil
        answered(session.flatMap { $0.finish(call) })
    }

    /// On the loop: the message's answer is ready (`nil`: the client's `close`).
    private func answered(_ reply: ServerMessage?) {
        // Closing or closed meanwhile: the session ended with its close frame (or connection).
        guard machine?.workFinished() == true, let context else { return endSession(.now) }
        guard let reply else { return perform(machine?.startClose(.normalClosure, now: now)) }
        self.reply(reply, context: context)
        perform(machine?.next(now: now))
    }

    /// Writes a reply; a socket that does not take it within the write timeout is dropped.
    private func reply(_ message: ServerMessage, context: ChannelHandlerContext) {
        if let code = send(message, context: context) { services.metrics.errorReplied(code) }
        perform(machine?.replied(writable: context.channel.isWritable, now: now))
    }

    @discardableResult
    private func send(_ message: ServerMessage, context: ChannelHandlerContext) -> ErrorCode? {
        let (frame, code) = ReplyFrame.make(message, profile: configuration.protocolProfile, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        return code
    }

    // MARK: Closing

    /// The answer to the peer's close frame: 1000, or 1002 for a malformed one (RFC 6455).
    private static func closeCode(answering frame: WebSocketFrame) -> WebSocketErrorCode {
        var data = frame.unmaskedData
        guard data.readableBytes > 0 else { return .normalClosure }
        switch data.readWebSocketErrorCode() {
        case nil:
            return .protocolError
        case .unknown(let number) where number < 3000 || number > 4999:
            return .protocolError
        default:
            return String(validating: data.readableBytesView, as: UTF8.self) == nil ? .protocolError : .normalClosure
        }
    }

    private static func closeFrame(_ code: WebSocketErrorCode, reason: String?, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var data = allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        data.write(webSocketErrorCode: code)
        if let reason { data.writeString(reason) }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}
