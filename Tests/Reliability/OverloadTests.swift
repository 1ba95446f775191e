import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Synchronization
import Testing

/// Many sessions at once: slots come back after mass aborts, and an overloaded server admits
/// exactly its capacity and turns the rest away promptly. Run alone in CI's `swift test`;
/// locally, hold the load lock (`flock /tmp/openenv-load.lock swift test --filter Overload`).
@Suite("Overload and slot recovery", .serialized, .timeLimit(.minutes(5)))
struct OverloadTests {
    @Test("1,000 connections reset mid-step: every slot comes back and new sessions are admitted")
    func slotRecoveryAfterAborts() async throws {
        let connections = 1_000
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: connections)) { endpoint, server in
            let abortNow = Signal()
            let clock = ContinuousClock()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        try await withSession(endpoint) { session in
                            try await session.expectAlive()
                            try await session.send(text: #"{"type":"step","data":{"wait_seconds":120}}"#)
                            await abortNow.wait()
                            await session.abort()
                        }
                    }
                }
                try await waitUntil(.seconds(120)) { server.slots.activeCount == connections }
                abortNow.fire()
                try await group.waitForAll()
            }
            let aborted = clock.now
            try await waitUntil(.seconds(30)) { server.slots.activeCount == 0 }
            let recovered = clock.now - aborted
            try await expectServing(endpoint)
            print("slot recovery after \(connections) aborted connections: all slots free \(recovered) after the last abort; new session served \(clock.now - aborted) after it")
        }
    }

    @Test("10× capacity at once: exactly capacity served, the rest CAPACITY_REACHED, admitted p99 within 2 × (wait + 0.5 s)")
    func tenTimesCapacity() async throws {
        let capacity = 50
        let wait = 3.0
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: capacity)) { endpoint, server in
            let driver = SessionDriver(mode: .ws, wait: wait, timeout: .seconds(60), batchSize: capacity * 10, hardware: "test")
            let (results, wallTime) = await Burst(endpoints: [endpoint], sessions: capacity * 10, driver: driver).run()
            let served = results.filter(\.success)
            let rejected = results.filter { $0.errorType == ErrorCode.capacityReached.rawValue }
            let other = results.filter { !$0.success && $0.errorType != ErrorCode.capacityReached.rawValue }
            #expect(served.count == capacity, "served \(served.count)")
            #expect(rejected.count == capacity * 9, "rejected \(rejected.count)")
            #expect(other.isEmpty, "other failures: \(other.prefix(3).map { "\($0.errorType ?? "?"): \($0.errorMessage ?? "")" })")
            let summary = RunSummary(
                results: results, mode: .ws, url: endpoint.httpURL, numRequests: results.count, waitSeconds: wait,
                repetition: 1, totalWallTime: wallTime, hardware: "test")
            // A correctness bound on queueing (admitted sessions are not starved by the rejected
            // ones), generous enough for a debug build on a shared machine.
            #expect(summary.totalP99 <= 2 * (wait + 0.5), "admitted p99 \(summary.totalP99) s")
            let slowestRejection = rejected.map(\.totalLatency).max() ?? 0
            print("overload: \(capacity * 10) sessions at capacity \(capacity): served \(served.count), CAPACITY_REACHED \(rejected.count), other \(other.count); admitted p99 \(summary.totalP99) s (bound \(2 * (wait + 0.5)) s); slowest rejection \(slowestRejection) s")
            try await waitUntil { server.slots.activeCount == 0 }
            try await expectServing(endpoint)
        }
    }
}

/// A one-shot broadcast: every waiter resumes once ``fire()`` is called.
final class Signal: Sendable {
    private let fired = Mutex(false)

    func fire() {
        fired.withLock { $0 = true }
    }

    func wait() async {
        while !fired.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
