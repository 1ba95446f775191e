import BenchResults
import EnvClient
import EnvProtocol
import LoadGen
import NIOCore
import Testing

/// The reply check by scan (issue 22): a step's `observation` reply the scan reads gives the
/// row a full parse gives, and every reply it does not read is still judged by the full parse,
/// so a wrong reply is reported as before.
@Suite("Observation scan")
struct ObservationScanTests {
    typealias Machine = LoadSessionStateMachine
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    /// A one-step session (the benchmark's, or of actions: not strict) whose reset was
    /// answered: the next reply answers its step.
    static func awaitingStep(benchmark: Bool = true) -> Machine {
        let workload = benchmark ? Workload(steps: 1) : Workload(step: .actions([.object([:])]), steps: 1)
        let row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 1, batchSize: 1, hardware: "h")
        var machine = Machine(script: .oneEpisode(workload, timeout: .seconds(10)), row: row, start: t0)
        _ = machine.begin(now: t0)
        _ = machine.connected(now: t0)
        _ = machine.received(.text(#"{"type":"observation","data":{"observation":{}}}"#), now: t0)
        return machine
    }

    /// The row's server fields once the step was answered by `reply` and the session closed.
    static func fields(after reply: String, benchmark: Bool = true) -> (Double, Int, String, String)? {
        var machine = awaitingStep(benchmark: benchmark)
        guard machine.received(.text(reply), now: t0).action == .send(.close),
            case .finish(let row) = machine.received(.close(code: 1000, reason: ""), now: t0).action
        else { return nil }
        return (row.waitedSeconds, row.pid, row.sessionHash, row.hostURL)
    }

    /// The same fields as a full parse of `reply` records them.
    static func parsed(_ reply: String, strict: Bool = true) throws -> (Double, Int, String, String) {
        var row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 1, batchSize: 1, hardware: "h")
        try row.record(try JSONCoding.parse(reply)["data"]?["observation"] ?? .null, strict: strict)
        return (row.waitedSeconds, row.pid, row.sessionHash, row.hostURL)
    }

    @Test(
        "a good observation gives the row a full parse gives, whatever its spelling",
        arguments: [
            // The floor's and our server's shapes.
            #"{"type":"observation","data":{"observation":{"host_url":"127.0.0.1:8000","pid":4242,"session_hash":"a1b2c3d4e5f6","step_count":1,"waited_seconds":1.000123},"reward":null,"done":false}}"#,
            #"{"type":"observation","data":{"done":false,"observation":{"host_url":"h:1","metadata":{},"pid":7,"session_hash":"x","waited_seconds":1},"reward":0.5}}"#,
            // Whitespace, another key order, exponents, negative zero, empty arrays.
            " {\n\"data\" : { \"observation\" : { \"waited_seconds\" : 2.5e-1 , \"pid\" : -0, \"tags\": [ ] } } , \"type\" : \"observation\" }\t",
            // What the scan leaves to the full parse: escapes, non-ASCII, a whole pid written as a fraction.
            #"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":1,"session_hash":"a\"b","host_url":"h\u00e9"}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":1,"host_url":"hé"}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":7.0,"waited_seconds":1,"extra":{"nested":[1,2]}}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":1234567890123456789,"waited_seconds":1E2}}}"#,
            // Absent fields read as 0 or empty, as the full parse reads them.
            #"{"type":"observation","data":{"observation":{"pid":7}}}"#,
        ]
    )
    func sameRow(reply: String) throws {
        let expected = try Self.parsed(reply)
        let got = try #require(Self.fields(after: reply), "the step is answered and the session closes")
        #expect(got == expected)
    }

    @Test("the servers' own replies are read by the scan; escapes, nesting and odd numbers are left to the full parse")
    func scanned() throws {
        let floor =
            #"{"type":"observation","data":{"observation":{"host_url":"127.0.0.1:8000","pid":4242,"session_hash":"a1b2c3d4e5f6","step_count":1,"waited_seconds":1.000123},"reward":null,"done":false}}"#
        let scan = try #require(ObservationScan(floor))
        #expect(scan.waitedSeconds == 1.000123 && scan.pid == 4242 && scan.sessionHash == "a1b2c3d4e5f6" && scan.hostURL == "127.0.0.1:8000")
        let ours = #"{"type":"observation","data":{"done":false,"observation":{"metadata":{},"pid":7,"waited_seconds":1},"reward":null}}"#
        #expect(ObservationScan(ours)?.pid == 7)
        let spaced = " {\n\"type\" : \"observation\" , \"data\" : { \"observation\" : { \"pid\" : 7 , \"waited_seconds\" : 1 } } }\t"
        #expect(ObservationScan(spaced)?.pid == 7, "JSON whitespace between any two tokens")
        for unread in [
            #"{"type":"observation","data":{"observation":{"pid":7,"note":"a\"b"}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":7,"extra":{"nested":1}}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":7.0}}}"#,
            #"{"type":"observation","data":{"observation":{"pid":7},"observation":{}}}"#,
            #"{"type":"error","data":{"observation":{"pid":7}}}"#,
        ] {
            #expect(ObservationScan(unread) == nil, "\(unread)")
        }
    }

    @Test("outside the benchmark, missing or mistyped fields read as 0 or empty, as a full parse reads them")
    func lenient() throws {
        let reply = #"{"type":"observation","data":{"observation":{"pid":"seven","waited_seconds":null,"session_hash":3}}}"#
        let got = try #require(Self.fields(after: reply, benchmark: false))
        #expect(got == (try Self.parsed(reply, strict: false)))
        #expect(got == (0, 0, "", ""))
    }

    @Test(
        "a wrong reply is judged by the full parse and fails the session as before",
        arguments: [
            (#"{"type":"observation","data":{"observation":{"pid":"7","waited_seconds":1}}}"#, FailureKind.invalidReply, "pid"),
            (#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":"1"}}}"#, .invalidReply, "waited_seconds"),
            (#"{"type":"observation","data":{"observation":{"pid":7,"pid":8,"waited_seconds":1}}}"#, .invalidReply, "not JSON"),
            (#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":1}}}x"#, .invalidReply, "not JSON"),
            (#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":1e400}}}"#, .invalidReply, "not JSON"),
            (#"{"type":"observation","data":{"observation":{"pid":07,"waited_seconds":1}}}"#, .invalidReply, "not JSON"),
            (#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":1.}}}"#, .invalidReply, "not JSON"),
            (#"{"type":"state","data":{"observation":{"pid":7,"waited_seconds":1}}}"#, .invalidReply, "unexpected reply"),
            (#"{"type":"error","data":{"code":"VALIDATION_ERROR","message":"bad step"}}"#, FailureKind(rawValue: "VALIDATION_ERROR"), "bad step"),
        ]
    )
    func wrongReply(reply: String, kind: FailureKind, detail: String) {
        var machine = Self.awaitingStep()
        guard case .finish(let row) = machine.received(.text(reply), now: Self.t0).action else {
            Issue.record("a wrong reply must end the session")
            return
        }
        #expect(!row.success && row.errorType == kind, "\(row.errorType?.rawValue ?? "success") for \(reply)")
        #expect(row.errorMessage?.contains(detail) == true, "\(row.errorMessage ?? "") for \(reply)")
    }

    @Test("a reset answered by a reply the scan does not read is still an observation; an error reply is not")
    func reset() {
        let script = SessionScript.oneEpisode(Workload(steps: 1), timeout: .seconds(10))
        let row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 1, batchSize: 1, hardware: "h")
        var good = Machine(script: script, row: row, start: Self.t0)
        _ = good.begin(now: Self.t0)
        _ = good.connected(now: Self.t0)
        let escaped = #"{"type":"observation","data":{"observation":{"note":"\u0041"}}}"#
        #expect(good.received(.text(escaped), now: Self.t0).action == .send(.step(0)))
        var bad = Machine(script: script, row: row, start: Self.t0)
        _ = bad.begin(now: Self.t0)
        _ = bad.connected(now: Self.t0)
        guard case .finish(let failed) = bad.received(.text(#"{"type":"observation","data":{"observation":{}}"#), now: Self.t0).action else {
            Issue.record("a truncated reset reply must end the session")
            return
        }
        #expect(failed.errorType == .invalidReply)
    }
}
