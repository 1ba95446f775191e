import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Synchronization
import Testing

/// Many sessions at once: slots come back after mass aborts, and an overloaded server admits
/// exactly its capacity and turns the rest away promptly. Runs on its own (`ci/reliability-load`;
/// locally `flock /tmp/openenv-load.lock swift test --filter ReliabilityTests`).
@Suite("Overload and slot recovery", .serialized, .timeLimit(.minutes(5)), .enabled(if: ReliabilityLoad.isSelected, ReliabilityLoad.note))
struct OverloadTests {
    @Test("1,000 connections reset mid-step: every slot comes back and new sessions are admitted")
    func slotRecoveryAfterAborts() async throws {
        let connections = 1_000
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: connections)) { endpoint, server in
            let abortNow = Signal()
            let opened = Tally()
            let clock = ContinuousClock()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        var held = false
                        // Closing an aborted connection may report an error; what counts is
                        // that the session was held, then reset.
                        try? await withSession(endpoint) { session in
                            try await session.expectAlive()
                            try await session.send(text: #"{"type":"step","data":{"wait_seconds":120}}"#)
                            held = true
                            opened.add(held: true)
                            await abortNow.wait()
                            await session.abort()
                        }
                        if !held { opened.add(held: false) }
                    }
                }
                await opened.wait(until: connections)
                #expect(opened.failed == 0, "\(opened.failed) connections could not be opened")
                #expect(server.slots.activeCount == opened.held)
                abortNow.fire()
                await group.waitForAll()
            }
            let aborted = clock.now
            try await waitUntil(.seconds(30)) { server.slots.activeCount == 0 }
            let recovered = clock.now - aborted
            try await expectServing(endpoint)
            print(
                "slot recovery after \(connections) aborted connections: all slots free \(recovered) after the last abort; new session served \(clock.now - aborted) after it"
            )
        }
    }

    @Test("10× capacity at once: exactly capacity served, the rest CAPACITY_REACHED, none starved into a timeout")
    func tenTimesCapacity() async throws {
        let capacity = 50
        let wait = 3.0
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: capacity)) { endpoint, server in
            let driver = SessionDriver(mode: .ws, wait: wait, timeout: .seconds(60), batchSize: capacity * 10, hardware: "test")
            let (results, wallTime) = await Burst(endpoints: [endpoint], sessions: capacity * 10, driver: driver).run()
            let served = results.filter(\.success)
            let rejected = results.filter { $0.errorType == FailureKind(server: .capacityReached) }
            let other = results.filter { !$0.success && $0.errorType != FailureKind(server: .capacityReached) }
            #expect(served.count == capacity, "served \(served.count)")
            #expect(rejected.count == capacity * 9, "rejected \(rejected.count)")
            #expect(other.isEmpty, "other failures: \(other.prefix(3).map { "\($0.errorType?.rawValue ?? "?"): \($0.errorMessage ?? "")" })")
            let summary = RunSummary(
                results: results,
                mode: .ws,
                url: endpoint.httpURL,
                numRequests: results.count,
                waitSeconds: wait,
                repetition: 1,
                totalWallTime: wallTime,
                hardware: "test"
            )
            // An admitted session starved by the rejected ones would time out (60 s) and count
            // among `other`; its latency is a figure, not a bound (a loaded machine is slower).
            let slowestRejection = rejected.map(\.totalLatency).max() ?? 0
            print(
                "overload: \(capacity * 10) sessions at capacity \(capacity): served \(served.count), CAPACITY_REACHED \(rejected.count), other \(other.count); admitted p99 \(summary.totalP99) s; slowest rejection \(slowestRejection) s"
            )
            try await waitUntil { server.slots.activeCount == 0 }
            try await expectServing(endpoint)
        }
    }
}

/// Counts connections that were opened and held, or failed to open.
final class Tally: Sendable {
    private let counts = Mutex((held: 0, failed: 0))

    var held: Int { counts.withLock { $0.held } }
    var failed: Int { counts.withLock { $0.failed } }

    func add(held: Bool) {
        counts.withLock {
            if held {
                $0.held += 1
            } else {
                $0.failed += 1
            }
        }
    }

    func wait(until total: Int) async {
        while counts.withLock({ $0.held + $0.failed }) < total {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
