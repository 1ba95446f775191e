import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
import Histogram
import LoadGen
import Testing

/// ``RunProgress``: what a progress display reads while a run happens.
@Suite("Run progress", .serialized, .timeLimit(.minutes(2)))
struct RunProgressTests {
    @Test("counts starts and ends; the slowest open session is the oldest one still open")
    func counting() {
        let origin = ContinuousClock.now
        let progress = RunProgress(sessions: 3, label: "[1/1] [WS] N=3, wait=1.0s, rep=1", origin: origin)
        #expect(progress.snapshot(at: origin).slowestOpen == nil)
        progress.sessionStarted(0, at: origin + .seconds(1))
        progress.sessionStarted(1, at: origin + .seconds(2))
        var snapshot = progress.snapshot(at: origin + .seconds(5))
        #expect((snapshot.started, snapshot.answered, snapshot.failed, snapshot.open) == (2, 0, 0, 2))
        #expect(snapshot.elapsed == .seconds(5) && snapshot.slowestOpen == .seconds(4))
        progress.sessionEnded(0, success: true)
        snapshot = progress.snapshot(at: origin + .seconds(5))
        #expect((snapshot.answered, snapshot.open) == (1, 1) && snapshot.slowestOpen == .seconds(3))
        progress.sessionEnded(1, success: false)
        // An id outside the run is counted, not aged.
        progress.sessionStarted(7, at: origin)
        snapshot = progress.snapshot(at: origin + .seconds(6))
        #expect((snapshot.started, snapshot.answered, snapshot.failed) == (3, 1, 1) && snapshot.slowestOpen == nil)
        #expect(
            snapshot.description
                == "[1/1] [WS] N=3, wait=1.0s, rep=1: 3 started, 1 answered, 1 failed, 6.0s elapsed, slowest open n/a"
        )
    }

    @Test("an ended session's row is counted and tallied: successes, failures by kind, every session's latency")
    func tally() {
        let progress = RunProgress(sessions: 3)
        for (id, kind, latency) in [(0, nil, 1.5), (1, FailureKind.timeout, 2.0), (2, FailureKind(server: .capacityReached), 0.25)] {
            progress.sessionStarted(id, at: .now)
            var row = SessionResult(requestID: id, mode: .ws, timestamp: "", waitRequested: 0, batchSize: 3, hardware: "h")
            (row.success, row.errorType, row.totalLatency) = (kind == nil, kind, latency)
            progress.sessionEnded(row)
        }
        let counts = progress.tally.snapshot
        #expect(counts.succeeded == 1 && counts.failed == [.timeout: 1, "CAPACITY_REACHED": 1])
        #expect(counts.sessionLatency.totalCount == 3 && counts.sessionLatency.max >= 1_999_000)
        let snapshot = progress.snapshot()
        #expect((snapshot.answered, snapshot.failed, snapshot.open) == (1, 2, 0))
        #expect(progress.measures() == nil, "no measures attached: a burst keeps none")
    }

    @Test("a burst counts every session as answered or failed (over capacity: CAPACITY_REACHED)")
    func burst() async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 3)) { endpoint, _ in
            let progress = RunProgress(sessions: 8)
            // Admitted sessions hold their slots for 5 s, longer than the burst takes to connect
            // on a loaded machine, so exactly 3 are admitted.
            let driver = SessionDriver(
                mode: .ws,
                wait: 5,
                timeout: .seconds(20),
                batchSize: 8,
                hardware: "h",
                progress: progress
            )
            let (results, _) = await Burst(endpoints: [endpoint], sessions: 8, driver: driver).run()
            let snapshot = progress.snapshot()
            #expect(snapshot.started == 8 && snapshot.open == 0 && snapshot.slowestOpen == nil)
            #expect(snapshot.answered == results.filter(\.success).count && snapshot.answered == 3)
            #expect(snapshot.failed == 5)
        }
    }

    @Test("a sweep hands each run's progress to onRunStart, labelled as its result line is")
    func sweep() async throws {
        try await withTestServer { endpoint, _ in
            let plan = SweepPlan(
                endpoints: [endpoint],
                url: endpoint.httpURL,
                requestsGrid: [2, 3],
                waitGrid: [0],
                timeout: .seconds(10),
                pause: .zero
            )
            var started: [RunProgress] = []
            let summaries = try await plan.run(writer: nil, onRunStart: { started.append($0) })
            #expect(started.map(\.label) == ["[1/2] [WS] N=2, wait=0.0s, rep=1", "[2/2] [WS] N=3, wait=0.0s, rep=1"])
            #expect(started.map { $0.snapshot().answered } == summaries.map(\.successful))
            #expect(started.map { $0.snapshot().started } == [2, 3])
        }
    }
}
