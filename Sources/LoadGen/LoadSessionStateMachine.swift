package import BenchResults
package import EnvClient
import EnvProtocol
package import NIOCore

/// One load-test session as a value: events in (connected, a reply, a timer, the socket
/// ending), actions out (connect, send, disconnect, finish with the row). It runs the run's
/// ``SessionScript``: connect, then per episode a reset and its steps, each step after its
/// think time, until the script or the run ends, then a polite close.
///
/// It owns no socket, timer or clock: the caller passes `now` and executes the actions
/// (``LoadSessionHandler`` on a channel, tests directly), and arms one timer for ``wakeAt``.
///
/// The row's rules: every session ends in exactly one ``SessionResult``. `connect_latency` is
/// from the (scheduled) start to the upgrade; `reset_latency` the mean reset; `step_latency`
/// the steps' time per episode (think times excluded), which for one episode is the seed's
/// figure. A failed row keeps only its total, as in the seed.
///
/// A replay (``SessionScript/replay``) sends its recorded session's messages instead, each when
/// ``ReplaySchedule`` says it is due (its think gap after the reply before it); its latency
/// counts from then, so a late timer counts against the run, never hides.
package struct LoadSessionStateMachine {
    /// The messages a session sends; their bytes are the run's (encoded once).
    package enum Message: Equatable {
        case reset
        /// Step `index` of the episode (0-based).
        case step(Int)
        case close
        /// Message `index` of the replayed session; `isStep`: counted as a step sent.
        case recorded(Int, isStep: Bool)
    }

    package enum Action: Equatable {
        case none
        /// Open a new connection; report it with ``connected(now:)`` or ``connectFailed(_:now:)``.
        case connect
        case send(Message)
        /// Drop the connection without a row (a retry follows).
        case disconnect
        /// Close the connection: the session is over and this is its row.
        case finish(SessionResult)
    }

    /// A reply that answered a request, for the run's measures.
    package enum Answer: Equatable {
        case reset(latency: TimeAmount)
        case step(latency: TimeAmount, endsEpisode: Bool)
    }

    private enum State: Equatable {
        case idle
        case connecting(since: NIODeadline)
        case awaitingReset(sentAt: NIODeadline)
        case awaitingStep(Int, sentAt: NIODeadline)
        case thinking(next: Int, until: NIODeadline)
        case backingOff(until: NIODeadline)
        case closing(until: NIODeadline)
        case done
    }

    private let script: SessionScript
    /// The session's (scheduled) start: latencies count from here.
    package let start: NIODeadline
    private var state = State.idle
    private var row: SessionResult
    private var random: SeededRandom
    private var attemptStart: NIODeadline
    private var resets = 0
    private var resetTime = TimeAmount.zero
    private var stepTime = TimeAmount.zero
    /// Episodes with at least one step answered: `step_latency` is the step time per episode.
    private var steppedEpisodes = 0
    package private(set) var stepsAnswered = 0
    package private(set) var episodes = 0
    package private(set) var reconnects = 0
    /// Time from the start until the attempt that got a slot (capacity retries only).
    package private(set) var slotWait: TimeAmount?
    /// Replay: the recorded session this one sends, and the index of its next message.
    private let replayed: ReplaySchedule.Session?
    private var cursor = 0

    /// - Parameters:
    ///   - row: the row so far (request id, mode, timestamp, wait, batch size, hardware).
    ///   - start: the (scheduled) start; a late start counts as latency.
    package init(script: SessionScript, row: SessionResult, start: NIODeadline) {
        self.script = script
        self.row = row
        self.start = start
        attemptStart = start
        random = SeededRandom(seed: script.seed, stream: row.requestID)
        replayed = script.replay.flatMap { $0.sessions.indices.contains(row.requestID) ? $0.sessions[row.requestID] : nil }
    }

    /// When the session next needs ``timerFired(now:)``: a reply or connect deadline, the end
    /// of a think time or backoff, or the close's limit. `nil`: nothing pending.
    package var wakeAt: NIODeadline? {
        switch state {
        case .connecting(let since): since + script.connectTimeout
        case .awaitingReset(let sentAt), .awaitingStep(_, let sentAt): sentAt + script.replyTimeout
        case .thinking(_, let until), .backingOff(let until): script.runEnd.map { min($0, until) } ?? until
        case .closing(let until): until
        case .idle, .done: nil
        }
    }

    package var isDone: Bool { state == .done }

    // MARK: Events

    package mutating func begin(now: NIODeadline) -> Action {
        guard state == .idle else { return .none }
        state = .connecting(since: now)
        return .connect
    }

    /// The WebSocket is up: the first episode starts with its reset.
    package mutating func connected(now: NIODeadline) -> Action {
        guard case .connecting = state else { return .none }
        row.connectLatency = Self.seconds(now - attemptStart)
        if replayed != nil { return nextRecorded(now: now) }
        state = .awaitingReset(sentAt: now)
        return .send(.reset)
    }

    package mutating func connectFailed(_ failure: SessionFailure, now: NIODeadline) -> Action {
        guard case .connecting = state else { return .none }
        return fail(failure, now: now)
    }

    /// A message from the server.
    package mutating func received(_ event: WebSocketEvent, now: NIODeadline) -> (action: Action, answer: Answer?) {
        // A pong answers a ping, never a request: it is no reply in any state.
        if case .pong = event { return (.none, nil) }
        switch state {
        case .awaitingReset(let sentAt):
            do {
                try ReplyJudge.acceptObservation(event)
            } catch {
                let failure = SessionFailure.classify(error)
                if failure.kind == FailureKind(server: .capacityReached), resets == 0, let retry = script.capacityRetry {
                    return (backOff(retry, failure, now: now), nil)
                }
                return (fail(failure, now: now), nil)
            }
            if resets == 0, script.capacityRetry != nil { slotWait = attemptStart - start }
            resets += 1
            let latency = now - sentAt
            resetTime = resetTime + latency
            return (replayed != nil ? nextRecorded(now: now) : nextStep(0, now: now), .reset(latency: latency))
        case .awaitingStep(let index, let sentAt):
            if let replayed { return receivedRecorded(event, replayed.messages[index].kind, index: index, sentAt: sentAt, now: now) }
            do {
                if script.workload.readsObservations {
                    try ReplyJudge.recordObservation(event, in: &row, strict: script.workload.isBenchmark)
                } else {
                    try ReplyJudge.toolResult(event)
                }
            } catch {
                return (fail(SessionFailure.classify(error), now: now), nil)
            }
            let latency = now - sentAt
            stepTime = stepTime + latency
            stepsAnswered += 1
            if index == 0 { steppedEpisodes += 1 }
            let endsEpisode = script.stepsPerEpisode.map { index + 1 >= $0 } ?? false
            if endsEpisode { episodes += 1 }
            let action: Action
            if isPastRunEnd(now) || (endsEpisode && !script.repeatsEpisodes) {
                action = close(now: now)
            } else if endsEpisode {
                state = .awaitingReset(sentAt: now)
                action = .send(.reset)
            } else {
                action = nextStep(index + 1, now: now)
            }
            return (action, .step(latency: latency, endsEpisode: endsEpisode))
        case .closing:
            switch event {
            case .text, .binary: return (fail(Self.unsolicited(event), now: now), nil)
            case .close: return (succeed(now: now), nil)
            case .pong: return (.none, nil)
            }
        case .thinking:
            // A server that ends the session during think time (an idle reaper, a shutdown, a
            // ping timeout) drops it: counted as such, not as a stray message.
            if case .close(let code, let reason) = event {
                let detail = "the server closed the session during think time: \(code.map(String.init) ?? "no code") \(reason)"
                return (fail(SessionFailure(.closedBeforeReply, detail), now: now), nil)
            }
            return (fail(Self.unsolicited(event), now: now), nil)
        case .idle, .connecting, .backingOff, .done:
            return (.none, nil)
        }
    }

    /// The timer armed for ``wakeAt`` fired (possibly early or late: the state decides).
    package mutating func timerFired(now: NIODeadline) -> Action {
        guard let wakeAt, now >= wakeAt else { return .none }
        switch state {
        case .connecting:
            return fail(SessionFailure(.connectTimeout, "no WebSocket upgrade within \(Self.seconds(script.connectTimeout))s"), now: now)
        case .awaitingReset, .awaitingStep:
            return fail(SessionFailure(.timeout, "no reply within \(Self.seconds(script.replyTimeout))s"), now: now)
        case .thinking(let next, let until):
            if isPastRunEnd(now) { return close(now: now) }
            if replayed != nil { return sendRecorded(dueAt: until, now: now) }
            state = .awaitingStep(next, sentAt: now)
            return .send(.step(next))
        case .backingOff:
            if isPastRunEnd(now) {
                return fail(SessionFailure(FailureKind(server: .capacityReached), "no slot before the run ended"), now: now)
            }
            reconnects += 1
            attemptStart = now
            state = .connecting(since: now)
            return .connect
        case .closing:
            return succeed(now: now)
        case .idle, .done:
            return .none
        }
    }

    /// The socket ended (EOF or closed) without a close frame.
    package mutating func connectionEnded(now: NIODeadline) -> Action {
        switch state {
        case .awaitingReset, .awaitingStep:
            return fail(SessionFailure(.closedBeforeReply, "connection ended without a close frame"), now: now)
        case .thinking:
            return fail(SessionFailure(.closedBeforeReply, "connection ended between steps (think time)"), now: now)
        case .closing:
            return succeed(now: now)
        case .idle, .connecting, .backingOff, .done:
            return .none
        }
    }

    package mutating func errorCaught(_ error: any Error, now: NIODeadline) -> Action {
        switch state {
        case .awaitingReset, .awaitingStep, .thinking: fail(SessionFailure.classify(error), now: now)
        case .closing: succeed(now: now)
        case .idle, .connecting, .backingOff, .done: .none
        }
    }

    /// The run was interrupted (SIGINT): the session ends now.
    package mutating func interrupt(now: NIODeadline) -> Action {
        fail(SessionFailure(.interrupted, "run interrupted"), now: now)
    }

    // MARK: Transitions

    /// Step `index` of the episode: at once, or after a think time.
    private mutating func nextStep(_ index: Int, now: NIODeadline) -> Action {
        let think = script.workload.think.isZero ? 0 : script.workload.think.sample(using: &random)
        guard think > 0 else {
            state = .awaitingStep(index, sentAt: now)
            return .send(.step(index))
        }
        // A sample of a heavy-tailed distribution is capped (a day), so it never overflows a time.
        state = .thinking(next: index, until: now + .nanoseconds(Int64(min(think, Self.longestWait) * 1e9)))
        return .none
    }

    // MARK: Replay

    /// The replayed session's next message, called as the reply before it arrived (or the
    /// socket opened): now if it is due, else at its time.
    private mutating func nextRecorded(now: NIODeadline) -> Action {
        guard let replayed, cursor < replayed.messages.count else { return close(now: now) }
        let message = replayed.messages[cursor]
        let due = message.gap.map { now + $0 } ?? start + message.offset
        guard now >= due else {
            state = .thinking(next: cursor, until: due)
            return .none
        }
        return sendRecorded(dueAt: due, now: now)
    }

    /// Sends the replayed session's next message; its latency counts from `due`.
    private mutating func sendRecorded(dueAt due: NIODeadline, now: NIODeadline) -> Action {
        guard let replayed, cursor < replayed.messages.count else { return close(now: now) }
        let index = cursor
        cursor += 1
        let kind = replayed.messages[index].kind
        switch kind {
        case .close:
            return close(now: now)
        case .reset:
            state = .awaitingReset(sentAt: due)
        case .step, .tool, .other:
            state = .awaitingStep(index, sentAt: due)
        }
        return .send(.recorded(index, isStep: kind.isStep))
    }

    /// The reply to the replayed message at `index`, judged by what was sent: a step's by its
    /// observation, an MCP message's by its JSON-RPC result, anything else only for not being an
    /// error. Only steps are counted as steps.
    private mutating func receivedRecorded(
        _ event: WebSocketEvent,
        _ kind: ReplaySchedule.Kind,
        index: Int,
        sentAt: NIODeadline,
        now: NIODeadline
    ) -> (action: Action, answer: Answer?) {
        do {
            switch kind {
            case .step: try ReplyJudge.recordObservation(event, in: &row, strict: false)
            case .tool: try ReplyJudge.toolResult(event)
            case .reset, .other, .close: try ReplyJudge.anyReply(event)
            }
        } catch {
            return (fail(SessionFailure.classify(error), now: now), nil)
        }
        guard kind.isStep, let replayed else { return (nextRecorded(now: now), nil) }
        let latency = now - sentAt
        stepTime = stepTime + latency
        stepsAnswered += 1
        if replayed.startsEpisode(index) { steppedEpisodes += 1 }
        let endsEpisode = replayed.endsEpisode(index)
        if endsEpisode { episodes += 1 }
        return (nextRecorded(now: now), .step(latency: latency, endsEpisode: endsEpisode))
    }

    /// The longest think time or back-off a session waits (seconds): a day.
    static let longestWait = 86_400.0

    private mutating func backOff(_ retry: SessionScript.CapacityRetry, _ failure: SessionFailure, now: NIODeadline) -> Action {
        let seconds = retry.backoff.lowerBound + (retry.backoff.upperBound - retry.backoff.lowerBound) * random.unit()
        let until = now + .nanoseconds(Int64(min(seconds, Self.longestWait) * 1e9))
        guard until - start <= retry.maxSlotWait else {
            return fail(
                SessionFailure(failure.kind, "no slot within --max-slot-wait \(Self.seconds(retry.maxSlotWait))s: \(failure.message)"),
                now: now
            )
        }
        state = .backingOff(until: until)
        return .disconnect
    }

    private mutating func close(now: NIODeadline) -> Action {
        state = .closing(until: now + script.closeTimeout)
        return .send(.close)
    }

    private func isPastRunEnd(_ now: NIODeadline) -> Bool {
        script.runEnd.map { now >= $0 } ?? false
    }

    private mutating func succeed(now: NIODeadline) -> Action {
        guard state != .done else { return .none }
        row.success = true
        if resets > 0 { row.resetLatency = Self.seconds(resetTime) / Double(resets) }
        if steppedEpisodes > 0 { row.stepLatency = Self.seconds(stepTime) / Double(steppedEpisodes) }
        return finish(now: now)
    }

    private mutating func fail(_ failure: SessionFailure, now: NIODeadline) -> Action {
        guard state != .done else { return .none }
        row.errorType = failure.kind
        row.errorMessage = failure.message
        (row.connectLatency, row.resetLatency, row.stepLatency) = (0, 0, 0)
        return finish(now: now)
    }

    private mutating func finish(now: NIODeadline) -> Action {
        state = .done
        row.totalLatency = Self.seconds(now - start)
        return .finish(row)
    }

    /// A message that answered no request: every reply accepted before may have been shifted.
    private static func unsolicited(_ event: WebSocketEvent) -> SessionFailure {
        SessionFailure(.unsolicitedReply, "a message no request asked for: \(String(describing: event).prefix(300))")
    }

    package static func seconds(_ amount: TimeAmount) -> Double {
        Double(amount.nanoseconds) / 1e9
    }
}
