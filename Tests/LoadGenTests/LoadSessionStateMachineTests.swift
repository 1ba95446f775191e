import BenchResults
import EnvClient
import LazyDeadline
import LoadGen
import NIOCore
import Testing

/// The load generator's session as a value: events in, actions out, with times passed in.
@Suite("Load session state machine")
struct LoadSessionStateMachineTests {
    typealias Machine = LoadSessionStateMachine
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    static let observation = WebSocketEvent.text(#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":0.1}}}"#)
    static let capacity = WebSocketEvent.text(#"{"type":"error","data":{"code":"CAPACITY_REACHED","message":"full"}}"#)

    static func machine(_ configure: (inout SessionScript) -> Void = { _ in }) -> Machine {
        var script = SessionScript.oneEpisode(Workload(steps: 2), timeout: .seconds(10))
        configure(&script)
        let row = SessionResult(requestID: 3, mode: .ws, timestamp: "t", waitRequested: 1, batchSize: 1, hardware: "h")
        return Machine(script: script, row: row, start: t0)
    }

    static func at(_ seconds: Double) -> NIODeadline { t0 + .nanoseconds(Int64(seconds * 1e9)) }

    static func finished(_ action: Machine.Action, sourceLocation: SourceLocation = #_sourceLocation) -> SessionResult? {
        guard case .finish(let row) = action else {
            Issue.record("expected the session to finish, got \(action)", sourceLocation: sourceLocation)
            return nil
        }
        return row
    }

    @Test("one episode: connect, reset, its steps back to back, close; one row with the seed's latencies")
    func oneEpisode() throws {
        var machine = Self.machine()
        #expect(machine.begin(now: Self.t0) == .connect)
        #expect(machine.connected(now: Self.at(0.01)) == .send(.reset))
        let reset = machine.received(Self.observation, now: Self.at(0.03))
        #expect(reset.action == .send(.step(0)) && reset.answer == .reset(latency: .milliseconds(20)))
        #expect(machine.received(Self.observation, now: Self.at(0.13)).action == .send(.step(1)))
        let last = machine.received(Self.observation, now: Self.at(0.23))
        #expect(last.action == .send(.close) && last.answer == .step(latency: .milliseconds(100), endsEpisode: true))
        let row = try #require(Self.finished(machine.received(.close(code: 1000, reason: ""), now: Self.at(0.24)).action))
        #expect(row.success && row.pid == 7 && row.requestID == 3)
        #expect(row.connectLatency == 0.01 && row.resetLatency == 0.02)
        #expect(abs(row.stepLatency - 0.2) < 1e-9, "the episode's two steps")
        #expect(abs(row.totalLatency - 0.24) < 1e-9)
        #expect(machine.isDone && machine.episodes == 1 && machine.stepsAnswered == 2)
        #expect(machine.received(Self.observation, now: Self.at(0.3)).action == .none, "a finished session ignores events")
    }

    @Test("think time: the step waits for its timer; an early timer does nothing")
    func think() {
        var machine = Self.machine { $0.workload.think = .constant(0.5) }
        _ = machine.begin(now: Self.t0)
        _ = machine.connected(now: Self.t0)
        #expect(machine.received(Self.observation, now: Self.at(0.1)).action == .none)
        #expect(machine.wakeAt == Self.at(0.6))
        #expect(machine.timerFired(now: Self.at(0.5)) == .none)
        #expect(machine.timerFired(now: Self.at(0.6)) == .send(.step(0)))
        #expect(machine.wakeAt == Self.at(10.6), "the reply deadline")
    }

    @Test("pool: episodes repeat on the socket until the run ends, then the session closes")
    func poolEpisodes() throws {
        var machine = Self.machine {
            $0.repeatsEpisodes = true
            $0.workload.think = .constant(1)
            $0.runEnd = Self.at(5)
        }
        _ = machine.begin(now: Self.t0)
        var now = Self.at(0)
        var action = machine.connected(now: now)
        var sent: [Machine.Message] = []
        while case .send(let message) = action, message != .close {
            sent.append(message)
            now = now + .milliseconds(100)
            action = machine.received(Self.observation, now: now).action
            if action == .none, let wake = machine.wakeAt {
                now = wake
                action = machine.timerFired(now: now)
            }
        }
        #expect(action == .send(.close))
        // Each step: 1 s think + 0.1 s reply; the reset 0.1 s. The third episode's think
        // time is cut by the run's end.
        #expect(sent == [.reset, .step(0), .step(1), .reset, .step(0), .step(1), .reset])
        #expect(machine.episodes == 2 && machine.stepsAnswered == 4)
        let row = try #require(Self.finished(machine.timerFired(now: now + .seconds(5))))
        #expect(row.success, "no close frame in time: still a served session")
        #expect(abs(row.stepLatency - 0.2) < 1e-9, "step time per episode, think excluded")
    }

    @Test("hold: an episode without a step limit lasts until the run ends")
    func unboundedEpisode() {
        var machine = Self.machine {
            $0.stepsPerEpisode = nil
            $0.runEnd = Self.at(1)
        }
        _ = machine.begin(now: Self.t0)
        _ = machine.connected(now: Self.t0)
        for step in 0..<5 {
            #expect(machine.received(Self.observation, now: Self.at(Double(step) * 0.1)).action == .send(.step(step)))
        }
        #expect(machine.received(Self.observation, now: Self.at(1)).action == .send(.close))
        #expect(machine.episodes == 0 && machine.stepsAnswered == 5)
    }

    @Test("CAPACITY_REACHED without retries: a failed row of that kind, phase latencies 0")
    func capacityFails() throws {
        var machine = Self.machine()
        _ = machine.begin(now: Self.t0)
        _ = machine.connected(now: Self.at(0.01))
        let row = try #require(Self.finished(machine.received(Self.capacity, now: Self.at(0.02)).action))
        #expect(!row.success && row.errorType == "CAPACITY_REACHED" && row.connectLatency == 0 && row.totalLatency > 0)
        #expect(machine.slotWait == nil)
    }

    @Test("oversubscribe: CAPACITY_REACHED is retried after a backoff in range; the slot wait is measured")
    func capacityRetry() throws {
        var machine = Self.machine {
            $0.capacityRetry = .init(backoff: 1...5, maxSlotWait: .seconds(60))
        }
        _ = machine.begin(now: Self.t0)
        _ = machine.connected(now: Self.at(0.01))
        #expect(machine.received(Self.capacity, now: Self.at(0.02)).action == .disconnect)
        let wake = try #require(machine.wakeAt)
        #expect(wake >= Self.at(1.02) && wake <= Self.at(5.02))
        #expect(machine.connectionEnded(now: Self.at(0.03)) == .none, "the dropped socket ending is no failure")
        #expect(machine.timerFired(now: wake) == .connect)
        #expect(machine.connected(now: wake + .milliseconds(10)) == .send(.reset))
        #expect(machine.received(Self.observation, now: wake + .milliseconds(20)).action == .send(.step(0)))
        #expect(machine.slotWait == wake - Self.t0 && machine.reconnects == 1)
        _ = machine.received(Self.observation, now: wake + .milliseconds(30))
        _ = machine.received(Self.observation, now: wake + .milliseconds(40))
        let row = try #require(Self.finished(machine.received(.close(code: 1000, reason: ""), now: wake + .milliseconds(50)).action))
        #expect(row.success && abs(row.connectLatency - 0.01) < 1e-9, "the connect that got the slot")
    }

    @Test("oversubscribe: a slot wait past --max-slot-wait gives up")
    func capacityLimits() throws {
        var machine = Self.machine {
            $0.capacityRetry = .init(backoff: 1...1, maxSlotWait: .seconds(2))
        }
        _ = machine.begin(now: Self.t0)
        _ = machine.connected(now: Self.t0)
        #expect(machine.received(Self.capacity, now: Self.at(0.5)).action == .disconnect)
        _ = machine.timerFired(now: Self.at(1.5))
        _ = machine.connected(now: Self.at(1.5))
        let row = try #require(Self.finished(machine.received(Self.capacity, now: Self.at(1.6)).action))
        #expect(row.errorType == "CAPACITY_REACHED" && row.errorMessage?.contains("--max-slot-wait") == true)
    }

    @Test("no reply within the limit: Timeout; no upgrade: ConnectTimeout")
    func deadlines() throws {
        var replying = Self.machine()
        _ = replying.begin(now: Self.t0)
        _ = replying.connected(now: Self.t0)
        #expect(replying.timerFired(now: Self.at(9.9)) == .none)
        #expect(try #require(Self.finished(replying.timerFired(now: Self.at(10)))).errorType == .timeout)
        var connecting = Self.machine()
        _ = connecting.begin(now: Self.t0)
        #expect(try #require(Self.finished(connecting.timerFired(now: Self.at(10)))).errorType == .connectTimeout)
    }

    @Test("a message during think time, or after the close, answered no request: UnsolicitedReply")
    func unsolicited() throws {
        var thinking = Self.machine { $0.workload.think = .constant(1) }
        _ = thinking.begin(now: Self.t0)
        _ = thinking.connected(now: Self.t0)
        _ = thinking.received(Self.observation, now: Self.t0)
        #expect(thinking.received(.pong([]), now: Self.t0).action == .none)
        #expect(try #require(Self.finished(thinking.received(Self.observation, now: Self.t0).action)).errorType == .unsolicitedReply)
        var closing = Self.machine {
            $0.workload.steps = 1
            $0.stepsPerEpisode = 1
        }
        _ = closing.begin(now: Self.t0)
        _ = closing.connected(now: Self.t0)
        _ = closing.received(Self.observation, now: Self.t0)
        #expect(closing.received(Self.observation, now: Self.t0).action == .send(.close))
        #expect(try #require(Self.finished(closing.received(Self.observation, now: Self.t0).action)).errorType == .unsolicitedReply)
    }

    @Test("the server dropping the socket: before a reply ClosedBeforeReply, during the close a success")
    func dropped() throws {
        var waiting = Self.machine()
        _ = waiting.begin(now: Self.t0)
        _ = waiting.connected(now: Self.t0)
        #expect(try #require(Self.finished(waiting.connectionEnded(now: Self.t0))).errorType == .closedBeforeReply)
        var thinking = Self.machine { $0.workload.think = .constant(1) }
        _ = thinking.begin(now: Self.t0)
        _ = thinking.connected(now: Self.t0)
        _ = thinking.received(Self.observation, now: Self.t0)
        #expect(try #require(Self.finished(thinking.connectionEnded(now: Self.t0))).errorType == .closedBeforeReply)
        var closedThinking = Self.machine { $0.workload.think = .constant(1) }
        _ = closedThinking.begin(now: Self.t0)
        _ = closedThinking.connected(now: Self.t0)
        _ = closedThinking.received(Self.observation, now: Self.t0)
        let closed = try #require(Self.finished(closedThinking.received(.close(code: 1000, reason: "session idle timeout"), now: Self.t0).action))
        #expect(closed.errorType == .closedBeforeReply, "a close frame during think time is a drop, not a stray message")
    }

    @Test("a pong is no reply: ignored while a reset or a step is awaited")
    func pongWhileAwaiting() {
        var session = Self.machine()
        _ = session.begin(now: Self.t0)
        _ = session.connected(now: Self.t0)
        #expect(session.received(.pong([]), now: Self.t0).action == .none)
        #expect(session.received(Self.observation, now: Self.t0).answer != nil, "the reset's reply still counts")
    }
}

@Suite("Think time")
struct ThinkTimeTests {
    @Test("SPEC forms parse and print back", arguments: ["1.5", "exp:0.5", "uniform:0.2,0.8", "lognormal:1.0,0.5"])
    func parses(_ spec: String) throws {
        #expect(try ThinkTime(parsing: spec).description == spec)
    }

    @Test("bad SPECs name the flag", arguments: ["", "-1", "exp:", "uniform:2,1", "gauss:1", "lognormal:1", "nan"])
    func rejects(_ spec: String) {
        #expect(throws: WorkloadError.self) { try ThinkTime(parsing: spec) }
    }

    @Test("samples fall in range, have the asked-for centre, and repeat with the seed")
    func samples() throws {
        let uniform = try ThinkTime(parsing: "uniform:0.2,0.8")
        var random = SeededRandom(seed: 1, stream: 0)
        let draws = (0..<10_000).map { _ in uniform.sample(using: &random) }
        #expect(draws.allSatisfy { (0.2...0.8).contains($0) })
        var again = SeededRandom(seed: 1, stream: 0)
        #expect((0..<10_000).map { _ in uniform.sample(using: &again) } == draws)
        var other = SeededRandom(seed: 1, stream: 1)
        #expect(uniform.sample(using: &other) != draws[0], "each session has its own stream")
        let exponential = try ThinkTime(parsing: "exp:2")
        let mean = (0..<20_000).map { _ in exponential.sample(using: &random) }.reduce(0, +) / 20_000
        #expect(abs(mean - 2) < 0.1)
        let logNormal = try ThinkTime(parsing: "lognormal:1.0,0.5")
        let sorted = (0..<20_001).map { _ in logNormal.sample(using: &random) }.sorted()
        #expect(abs(sorted[10_000] - 1) < 0.05, "the median")
    }
}

@Suite("Lazy deadline")
struct LazyDeadlineTests {
    @Test("a check is scheduled only when the wake time moves earlier than every pending one")
    func lazy() {
        var timer = LazyDeadline()
        let t = NIODeadline.uptimeNanoseconds(1_000_000)
        let first = timer.request(t)
        let later = timer.request(t + .seconds(1))
        let earlier = timer.request(t - .nanoseconds(1))
        #expect(first && earlier)
        #expect(!later, "a later wake: the pending check re-arms")
        _ = timer.fire(t - .nanoseconds(1))
        #expect(timer.earliest == t, "the other check is still pending")
        _ = timer.fire(t)
        #expect(timer.earliest == nil)
        let again = timer.request(t)
        #expect(again)
    }

    @Test("think times alternating with far reply deadlines keep one far check pending, not one per step")
    func alternating() {
        var timer = LazyDeadline()
        var scheduled = 0
        var now = NIODeadline.uptimeNanoseconds(1_000_000)
        for _ in 0..<100 {
            // A step is sent: its reply deadline is 120 s away.
            if timer.request(now + .seconds(120)) { scheduled += 1 }
            // The reply came; the think time ends in 1 s, and its check fires then.
            now = now + .milliseconds(100)
            let think = now + .seconds(1)
            if timer.request(think) { scheduled += 1 }
            now = think
            _ = timer.fire(think)
        }
        #expect(scheduled == 101, "one check per think time, and one far check")
    }
}
