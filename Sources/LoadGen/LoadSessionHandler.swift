import BenchResults
package import EnvClient
import EnvProtocol
import LazyDeadline
package import NIOCore

/// The load generator's session on its event loop: a thin shell that feeds channel events
/// and its one timer to a ``LoadSessionStateMachine`` and executes the actions it returns —
/// connect, write, drop the connection, deliver the row. Every load pattern runs its sessions
/// through this one handler.
///
/// A handler instead of a Swift task per session: no task, no thread hand-off per message, no
/// async sequence. Its one timer is a ``LazyDeadline``: nothing is cancelled on the hot path.
/// A session that retries for a slot adds itself to each new connection's pipeline; events of
/// a connection it dropped are ignored.
package final class LoadSessionHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = WebSocketEvent
    package typealias OutboundOut = ByteBuffer

    private let plan: SessionPlan
    private let slot: Int
    private let requestID: Int
    private let loop: any EventLoop
    private var machine: LoadSessionStateMachine
    private var timer = LazyDeadline()
    /// The connection being opened or in use, and this handler's place in its pipeline.
    private var channel: (any Channel)?
    private var context: ChannelHandlerContext?
    /// Counts connections, so a late callback of an earlier one is recognised.
    private var attempt = 0
    /// Whether the session holds a slot (its first reset was answered) in the run's measures.
    private var holdsSlot = false
    /// The (scheduled) start as the progress display counts it.
    private let startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - slot: the session's slot in the run's ``SessionRows``.
    ///   - startedAt: the session's start: now, or when an open-model run meant it to start
    ///     (its latencies are measured from then, so a late start counts against the server).
    init(plan: SessionPlan, slot: Int, requestID: Int, loop: any EventLoop, startedAt: ContinuousClock.Instant) {
        self.plan = plan
        self.slot = slot
        self.requestID = requestID
        self.loop = loop
        self.startedAt = startedAt
        let now = loop.now
        let start = now - .nanoseconds(max(0, (ContinuousClock.now - startedAt).nanoseconds))
        machine = LoadSessionStateMachine(script: plan.script, row: plan.row(requestID: requestID), start: start)
    }

    /// Starts the session; called on the loop.
    func begin() {
        plan.progress?.sessionStarted(requestID, at: startedAt)
        perform(machine.begin(now: loop.now))
    }

    /// The run was interrupted (SIGINT): the session ends now, as `Interrupted`.
    func interrupt() {
        perform(machine.interrupt(now: loop.now))
    }

    // MARK: Channel events

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel === channel { self.context = context }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        if self.context === context { self.context = nil }
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard context === self.context else { return }
        let now = loop.now
        let (action, answer) = machine.received(unwrapInboundIn(data), now: now)
        if let answer { record(answer, now: now) }
        perform(action)
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if context === self.context, case ChannelEvent.inputClosed = event { perform(machine.connectionEnded(now: loop.now)) }
        context.fireUserInboundEventTriggered(event)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        if context === self.context { perform(machine.connectionEnded(now: loop.now)) }
        context.fireChannelInactive()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if context === self.context { perform(machine.errorCaught(error, now: loop.now)) }
    }

    // MARK: Actions

    private func perform(_ action: LoadSessionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .connect:
            connect()
        case .send(let message):
            switch message {
            case .step, .recorded(_, isStep: true): plan.measures?.record({ measures, at in measures.recordStepSent(at: at) }, at: loop.now)
            case .close: releaseSlot()
            case .reset, .recorded: break
            }
            context?.writeAndFlush(wrapOutboundOut(plan.bytes(message, requestID: requestID)), promise: nil)
        case .disconnect:
            dropConnection()
        case .finish(let row):
            dropConnection()
            finish(row)
            return
        }
        armTimer()
    }

    private func connect() {
        attempt += 1
        let attempt = self.attempt
        let bound = NIOLoopBound(self, eventLoop: loop)
        plan.connector.open(
            requestID,
            loop,
            { channel in
                guard bound.value.attempt == attempt else { return }
                bound.value.channel = channel
            },
            { channel in
                guard bound.value.attempt == attempt else { return }
                try channel.pipeline.syncOperations.addHandler(bound.value)
            }
        ).whenComplete { result in
            let session = bound.value
            guard session.attempt == attempt else { return }
            switch result {
            case .success: session.perform(session.machine.connected(now: session.loop.now))
            case .failure(let error):
                session.perform(session.machine.connectFailed(SessionFailure.classify(error), now: session.loop.now))
            }
        }
    }

    private func dropConnection() {
        channel?.close(promise: nil)
        channel = nil
        context = nil
    }

    private func record(_ answer: LoadSessionStateMachine.Answer, now: NIODeadline) {
        let firstSlot = !holdsSlot
        if case .reset = answer { holdsSlot = true }
        plan.measures?.record(
            { measures, at in
                switch answer {
                case .reset:
                    if firstSlot { measures.recordHeld(1) }
                case .step(let latency, let endsEpisode):
                    measures.recordStep(latency: LoadSessionStateMachine.seconds(latency), at: at)
                    if endsEpisode { measures.recordEpisode(at: at) }
                }
            },
            at: now
        )
    }

    /// The session no longer holds its slot (it asked to close, or ended): counted before the
    /// server gives the slot to another session, so the peak never exceeds the capacity.
    private func releaseSlot() {
        guard holdsSlot else { return }
        holdsSlot = false
        plan.measures?.record({ measures, _ in measures.recordHeld(-1) }, at: loop.now)
    }

    private func finish(_ row: SessionResult) {
        var row = row
        // After an interrupt, whatever ended the session (the embedded server stopping too,
        // say) ended it because the run was stopped.
        if !row.success, row.errorType != .interrupted, plan.rows.isInterrupted {
            row.errorType = .interrupted
            row.errorMessage = "run interrupted: \(row.errorMessage ?? "")"
        }
        let now = loop.now
        let dropped = holdsSlot && row.errorType == .closedBeforeReply
        releaseSlot()
        let (slotWait, reconnects) = (machine.slotWait, machine.reconnects)
        plan.measures?.record(
            { measures, at in
                if let slotWait { measures.recordSlotWait(LoadSessionStateMachine.seconds(slotWait), at: at) }
                if reconnects > 0 { measures.recordReconnects(reconnects, at: at) }
                if dropped { measures.recordDropped(at: at) }
            },
            at: now
        )
        plan.progress?.sessionEnded(row)
        // A refill replaces this episode before its slot is given back, so the run never
        // looks finished in between; it begins on the next tick (a connect that fails at once
        // would otherwise recurse, finish → start → connect → finish, on this stack). A session
        // that could not connect at all is not refilled: against a server that is gone, refills
        // would only spin out failed rows until the run ends.
        if plan.refills, let runEnd = plan.script.runEnd, now < runEnd, !Self.connectFailures.contains(row.errorType) {
            LoadSessionHandler.start(plan, requestID: plan.refillRequestID(), reserved: false, loop: loop, startedAt: .now, beginNow: false)
        }
        plan.rows.finished(slot, row)
    }

    // MARK: The timer

    private func armTimer() {
        guard let wake = machine.wakeAt, timer.request(wake) else { return }
        // Weak: a finished session's check finds nothing to do, and does not keep it alive.
        _ = loop.assumeIsolated().scheduleTask(deadline: wake) { [weak self] in self?.timerFired(scheduledAt: wake) }
    }

    private func timerFired(scheduledAt time: NIODeadline) {
        guard timer.fire(time) else { return }
        perform(machine.timerFired(now: loop.now))
        armTimer()
    }

    // MARK: Starting

    /// Starts session `requestID` of `plan` on `loop` (called on it), unless the run was
    /// interrupted; its row lands in a slot of `plan.rows`.
    ///
    /// - Parameter reserved: the run counted this session in ``SessionRows/reserve(_:)``.
    package static func start(
        _ plan: SessionPlan,
        requestID: Int,
        reserved: Bool,
        loop: any EventLoop,
        startedAt: ContinuousClock.Instant,
        beginNow: Bool = true
    ) {
        let started = plan.rows.start(reserved: reserved) { slot in
            let session = LoadSessionHandler(
                plan: plan,
                slot: slot,
                requestID: requestID,
                loop: loop,
                startedAt: startedAt
            )
            return NIOLoopBound(session, eventLoop: loop)
        }
        guard let started else { return }
        if beginNow {
            started.value.begin()
        } else {
            loop.execute { started.value.begin() }
        }
    }

    /// The failures of a session that never reached the server's WebSocket.
    private static let connectFailures: Set<FailureKind?> = [.connectionRefused, .connectTimeout, .tlsError, .upgradeRejected]
}
