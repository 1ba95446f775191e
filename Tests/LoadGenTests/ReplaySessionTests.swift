import BenchResults
import EnvClient
import LoadGen
import NIOCore
import Testing

/// A replayed session in the one session state machine: recorded messages sent when due,
/// latency counted from when they were due, and only steps counted as steps.
@Suite("Replayed session")
struct ReplaySessionTests {
    typealias Machine = LoadSessionStateMachine
    static let at = LoadSessionStateMachineTests.at
    static let observation = LoadSessionStateMachineTests.observation
    static let state = WebSocketEvent.text(#"{"type":"state","data":{"step_count":2}}"#)

    /// reset at 0.2 s; step 0.1 s after its reply; step at once; state 0.3 s later; close.
    static func machine() throws -> Machine {
        let session = Trace.Session(
            id: 0,
            path: "/ws",
            start: 0,
            messages: [
                TraceTests.message("reset", at: 0.2, latency: 0.05),
                TraceTests.message("step", at: 0.35, latency: 0.1),
                TraceTests.message("step", at: 0.45, latency: 0.1),
                TraceTests.message("state", at: 0.85, latency: 0.01),
                TraceTests.message("close", at: 0.9, latency: nil),
            ]
        )
        var script = SessionScript.oneEpisode(.benchmark, timeout: .seconds(10))
        script.replay = ReplaySchedule(try TraceTests.document([session]))
        let row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 0, batchSize: 1, hardware: "h")
        return Machine(script: script, row: row, start: at(0))
    }

    @Test("each message when due; a late timer's delay counts as latency; a state reply is no step")
    func replay() throws {
        var machine = try Self.machine()
        #expect(machine.begin(now: Self.at(0)) == .connect)
        #expect(machine.connected(now: Self.at(0.01)) == .none, "the reset is due at 0.2 s")
        #expect(machine.wakeAt == Self.at(0.2))
        #expect(machine.timerFired(now: Self.at(0.2)) == .send(.recorded(0, isStep: false)))
        let reset = machine.received(Self.observation, now: Self.at(0.25))
        #expect(reset.action == .none && reset.answer == .reset(latency: .milliseconds(50)))
        #expect(machine.wakeAt == Self.at(0.35), "the step's think gap: 0.1 s after the reply")
        // The timer fires 20 ms late: the step is sent then, its latency counted from 0.35 s.
        #expect(machine.timerFired(now: Self.at(0.37)) == .send(.recorded(1, isStep: true)))
        let first = machine.received(Self.observation, now: Self.at(0.45))
        #expect(first.answer == .step(latency: .milliseconds(100), endsEpisode: false))
        #expect(first.action == .send(.recorded(2, isStep: true)), "no gap recorded: sent at once")
        let second = machine.received(Self.observation, now: Self.at(0.5))
        #expect(second.answer == .step(latency: .milliseconds(50), endsEpisode: true))
        #expect(machine.wakeAt == Self.at(0.8))
        #expect(machine.timerFired(now: Self.at(0.8)) == .send(.recorded(3, isStep: false)))
        let state = machine.received(Self.state, now: Self.at(0.81))
        #expect(state.answer == nil && state.action == .none)
        #expect(machine.timerFired(now: Self.at(0.85)) == .send(.close))
        let row = try #require(LoadSessionStateMachineTests.finished(machine.received(.close(code: 1000, reason: ""), now: Self.at(0.86)).action))
        #expect(row.success && machine.stepsAnswered == 2 && machine.episodes == 1)
        #expect(abs(row.stepLatency - 0.15) < 1e-9, "the episode's two steps")
    }

    @Test("an error reply to a replayed message fails the session with the server's code")
    func errorReply() throws {
        var machine = try Self.machine()
        _ = machine.begin(now: Self.at(0))
        _ = machine.connected(now: Self.at(0))
        _ = machine.timerFired(now: Self.at(0.2))
        _ = machine.received(Self.observation, now: Self.at(0.25))
        _ = machine.timerFired(now: Self.at(0.35))
        let error = WebSocketEvent.text(#"{"type":"error","data":{"code":"EXECUTION_ERROR","message":"boom"}}"#)
        let row = try #require(LoadSessionStateMachineTests.finished(machine.received(error, now: Self.at(0.4)).action))
        #expect(!row.success && row.errorType == "EXECUTION_ERROR")
    }
}
