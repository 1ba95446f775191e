import EnvServer
import NIOCore
import NIOWebSocket
import Testing

/// The `/ws` connection rules as a value, driven event by event with explicit times: no channel,
/// no clock. Run with `swift test --filter WebSocketSessionStateMachineTests`.
@Suite("WebSocket session state machine")
struct WebSocketSessionStateMachineTests {
    private typealias Machine = WebSocketSessionStateMachine
    private let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func machine(
        ping: TimeAmount? = nil,
        idle: TimeAmount? = nil,
        write: TimeAmount = .seconds(30),
        close: TimeAmount = .seconds(5)
    ) -> Machine {
        Machine(timeouts: .init(write: write, close: close, ping: ping, idle: idle), now: t0)
    }

    private func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: string))
    }

    @Test("one message at a time: the next waits, reads are held, and both are released in order")
    func flowControl() {
        var session = machine()
        #expect(session.sessionStarted(now: t0) == .none, "no deadline configured")
        #expect(session.frameReceived(text("a"), now: t0) == .take(text("a")))
        session.workStarted(.call)
        #expect(session.frameReceived(text("b"), now: t0) == .none, "queued behind a")
        #expect(session.read() == .none, "no more input while answering")
        let wanted = session.workFinished()
        #expect(wanted)
        #expect(session.replied(writable: true, now: t0) == .none)
        #expect(session.next(now: t0) == .take(text("b")))
        #expect(session.next(now: t0) == .read, "the held read, once the queue is empty")
        #expect(session.next(now: t0) == .none)
    }

    @Test("control frames: ping answered while open only; reserved bits and unknown opcodes fail with 1002")
    func controlFrames() {
        var session = machine()
        let ping = WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(bytes: [9]))
        #expect(session.frameReceived(ping, now: t0) == .pong(ByteBuffer(bytes: [9])))
        var reserved = text("x")
        reserved.rsv2 = true
        #expect(session.frameReceived(reserved, now: t0) == .closeAfterWrite(.protocolError, reason: nil, schedule: t0 + .seconds(5)))
        #expect(session.frameReceived(ping, now: t0) == .none, "closing: no pong")
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer())
        #expect(session.frameReceived(close, now: t0) == .disconnect, "closing: the peer's close ends it")

        var other = machine()
        let continuation = WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer())
        #expect(other.frameReceived(continuation, now: t0) == .closeAfterWrite(.protocolError, reason: nil, schedule: t0 + .seconds(5)))
    }

    @Test("starting to close ends the session now, after a running call, or dropping a timed step's wait")
    func sessionEnds() {
        var idle = machine()
        #expect(
            idle.startClose(.normalClosure, now: t0)
                == .startClose(.normalClosure, reason: nil, end: .now, schedule: t0 + .seconds(5), then: .nothing)
        )
        #expect(idle.startClose(.normalClosure, now: t0) == .none, "once")

        var calling = machine()
        _ = calling.frameReceived(text("a"), now: t0)
        calling.workStarted(.call)
        _ = calling.read()
        #expect(
            calling.startClose(.normalClosure, now: t0)
                == .startClose(.normalClosure, reason: nil, end: .whenWorkReturns, schedule: t0 + .seconds(5), then: .read)
        )
        let wanted = calling.workFinished()
        #expect(!wanted, "the reply is not wanted any more")

        var waiting = machine()
        _ = waiting.frameReceived(text("a"), now: t0)
        waiting.workStarted(.timedStep)
        #expect(waiting.awaitsTimedStep)
        #expect(
            waiting.startClose(.goingAway, now: t0)
                == .startClose(.goingAway, reason: nil, end: .nowAbandoningTimedStep, schedule: t0 + .seconds(5), then: .nothing)
        )
        #expect(!waiting.awaitsTimedStep)
    }

    @Test("connection closed: a running call is cancelled and ends the session; timers in flight find nothing")
    func connectionClosed() {
        var session = machine(ping: .seconds(1))
        #expect(session.sessionStarted(now: t0) == .schedule(t0 + .seconds(1)))
        _ = session.frameReceived(text("a"), now: t0)
        session.workStarted(.call)
        #expect(session.connectionClosed() == .whenWorkReturns)
        #expect(session.timerFired(t0 + .seconds(1), now: t0 + .seconds(1)) == .none)
        #expect(session.frameReceived(text("b"), now: t0) == .none)
        #expect(session.read() == .read)
    }

    @Test("half-close and graceful shutdown wait for the message being answered")
    func halfCloseAndShutdown() {
        var halfClosed = machine()
        _ = halfClosed.frameReceived(text("a"), now: t0)
        halfClosed.workStarted(.timedStep)
        #expect(halfClosed.peerHalfClosed() == .none)
        let halfClosedWanted = halfClosed.workFinished()
        #expect(halfClosedWanted)
        #expect(halfClosed.next(now: t0) == .disconnect)

        var quiescing = machine()
        _ = quiescing.frameReceived(text("a"), now: t0)
        quiescing.workStarted(.call)
        #expect(quiescing.shouldQuiesce(now: t0) == .none)
        let quiescingWanted = quiescing.workFinished()
        #expect(quiescingWanted)
        #expect(quiescing.next(now: t0) == .startClose(.normalClosure, reason: nil, end: .now, schedule: t0 + .seconds(5), then: .nothing))

        var idle = machine()
        #expect(idle.peerHalfClosed() == .disconnect)
    }

    @Test("ping deadlines: a ping per interval to an idle peer, a drop after two silent intervals, none while busy")
    func pings() {
        var session = machine(ping: .seconds(10))
        #expect(session.sessionStarted(now: t0) == .schedule(t0 + .seconds(10)))
        let t10 = t0 + .seconds(10)
        #expect(session.timerFired(t10, now: t10) == .ping(schedule: t0 + .seconds(30)))
        let t30 = t0 + .seconds(30)
        #expect(session.timerFired(t30, now: t30) == .closeAfterWrite(.goingAway, reason: "Ping timeout", schedule: t30 + .seconds(5)))

        var answering = machine(ping: .seconds(10))
        _ = answering.sessionStarted(now: t0)
        _ = answering.timerFired(t10, now: t10)
        #expect(answering.frameReceived(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()), now: t10) == .none)
        #expect(answering.timerFired(t30, now: t30) == .ping(schedule: t30 + .seconds(20)), "answered: pinged again, not dropped")

        var busy = machine(ping: .seconds(10))
        _ = busy.sessionStarted(now: t0)
        _ = busy.frameReceived(text("a"), now: t0)
        busy.workStarted(.call)
        #expect(busy.timerFired(t10, now: t10) == .schedule(t0 + .seconds(20)), "busy: not pinged")
    }

    @Test("idle deadline: from the last reply, never while answering; the timer re-arms instead of being cancelled")
    func idle() {
        var session = machine(idle: .seconds(10))
        #expect(session.sessionStarted(now: t0) == .schedule(t0 + .seconds(10)))
        let t4 = t0 + .seconds(4)
        _ = session.frameReceived(text("a"), now: t4)
        #expect(session.replied(writable: true, now: t4) == .none, "no new timer per reply")
        let t10 = t0 + .seconds(10)
        #expect(session.timerFired(t10, now: t10) == .schedule(t4 + .seconds(10)))
        let t14 = t4 + .seconds(10)
        #expect(
            session.timerFired(t14, now: t14)
                == .startClose(.normalClosure, reason: "session idle timeout", end: .now, schedule: t14 + .seconds(5), then: .nothing)
        )
        let t19 = t14 + .seconds(5)
        #expect(session.timerFired(t19, now: t19) == .disconnect, "the peer did not answer the close in time")
    }

    @Test("a reply stuck after a step longer than the idle timeout: the next check is in the future, not past")
    func stuckReplyAfterIdleDeadline() {
        var session = machine(idle: .seconds(10), write: .seconds(30))
        #expect(session.sessionStarted(now: t0) == .schedule(t0 + .seconds(10)))
        let t1 = t0 + .seconds(1)
        #expect(session.frameReceived(text("step"), now: t1) == .take(text("step")))
        session.workStarted(.call)
        let t10 = t0 + .seconds(10)
        #expect(session.timerFired(t10, now: t10) == .schedule(t10 + .seconds(10)), "answering: not idle")
        let t15 = t0 + .seconds(15)
        _ = session.workFinished()
        _ = session.replied(writable: false, now: t15)
        let t20 = t10 + .seconds(10)
        // Before the fix this asked for lastActive + idle (t0 + 10 s, already past) on every
        // firing: the loop spun until the write timeout.
        #expect(session.timerFired(t20, now: t20) == .schedule(t20 + .seconds(10)), "a stuck reply is not idle time")
    }

    @Test("write deadline: a reply the socket does not take stops input and drops the connection after the timeout")
    func writeStall() {
        var session = machine(write: .seconds(3))
        _ = session.frameReceived(text("a"), now: t0)
        #expect(session.replied(writable: false, now: t0) == .schedule(t0 + .seconds(3)))
        #expect(session.frameReceived(text("b"), now: t0) == .none)
        #expect(session.read() == .none)
        let t3 = t0 + .seconds(3)
        #expect(session.timerFired(t3, now: t3) == .disconnect)

        var drained = machine(write: .seconds(3))
        _ = drained.frameReceived(text("a"), now: t0)
        _ = drained.replied(writable: false, now: t0)
        _ = drained.frameReceived(text("b"), now: t0)
        #expect(drained.writabilityChanged(writable: true, now: t0 + .seconds(1)) == .take(text("b")))
        #expect(drained.timerFired(t3, now: t3) == .none)
    }
}
