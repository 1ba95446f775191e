import BenchResults
import NIOCore
import Synchronization

/// What every session of one run shares, made once per run: the script, the messages already
/// encoded as bytes, how to connect, and where rows and measures go.
package final class SessionPlan: Sendable {
    let script: SessionScript
    let connector: SessionConnector
    package let rows: SessionRows
    /// Profile runs only: bursts and the open model keep only their rows, and pay nothing for
    /// histograms (the cost gates count a burst's mallocs).
    package let measures: RunMeasures?
    let progress: RunProgress?
    /// The row columns every session shares.
    let batchSize: Int
    let hardware: String
    /// A finished session is replaced at once by a new one until the run ends (refill and
    /// oversubscribe): N episodes stay in flight.
    let refills: Bool
    let reset = ByteBuffer(string: #"{"type":"reset","data":{}}"#)
    let close = ByteBuffer(string: #"{"type":"close"}"#)
    /// The step messages of one cycle of the workload (one for the benchmark's wait step).
    private let steps: [ByteBuffer]
    private let nextRequestID: Atomic<Int>

    /// - Parameter firstRefillID: the request id of the first session started as a refill.
    package init(
        script: SessionScript,
        connector: SessionConnector,
        rows: SessionRows,
        measures: RunMeasures?,
        progress: RunProgress?,
        batchSize: Int,
        hardware: String,
        refills: Bool = false,
        firstRefillID: Int = 0
    ) {
        self.script = script
        self.connector = connector
        self.rows = rows
        self.measures = measures
        self.progress = progress
        self.batchSize = batchSize
        self.hardware = hardware
        self.refills = refills
        nextRequestID = Atomic(firstRefillID)
        let workload = script.workload
        let cycle: Int
        switch workload.step {
        case .benchmarkWait: cycle = 1
        case .actions(let actions): cycle = min(actions.count, workload.steps)
        case .tool: cycle = workload.steps  // each call has its own JSON-RPC id
        }
        steps = (0..<cycle).map { ByteBuffer(string: workload.webSocketMessage(step: $0)) }
    }

    /// The bytes of session `requestID`'s `message`.
    func bytes(_ message: LoadSessionStateMachine.Message, requestID: Int) -> ByteBuffer {
        switch message {
        case .reset: reset
        case .step(let index): steps[index % steps.count]
        case .close: close
        case .recorded(let index, _): script.replay?.sessions[requestID].messages[index].bytes ?? close
        }
    }

    /// The request id of the next refill session.
    func refillRequestID() -> Int {
        nextRequestID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// A new row for session `requestID`.
    func row(requestID: Int) -> SessionResult {
        SessionResult(
            requestID: requestID,
            mode: .ws,
            timestamp: Timestamp.now(),
            waitRequested: script.workload.benchmarkWait ?? 0,
            batchSize: batchSize,
            hardware: hardware
        )
    }
}
