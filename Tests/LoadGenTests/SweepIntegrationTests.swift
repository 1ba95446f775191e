import BenchResults
import EnvClient
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Testing

/// Small sweeps against an in-process server, checking the files they leave.
@Suite("Sweep against the in-process server", .serialized, .timeLimit(.minutes(2)))
struct SweepIntegrationTests {
    @Test("a ws + http sweep writes one row per session and one summary per run")
    func sweepWritesFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withTestServer { endpoint, _ in
            let plan = SweepPlan(
                endpoints: [endpoint],
                url: endpoint.httpURL,
                modes: [.http, .ws],
                requestsGrid: [4, 16],
                waitGrid: [0.05],
                repetitions: 2,
                timeout: .seconds(10),
                pause: .milliseconds(10)
            )
            let summaries = try await plan.run(writer: try ResultsWriter(directory: directory))
            #expect(summaries.count == 8)
            #expect(summaries.allSatisfy { $0.successful == $0.numRequests && $0.failed == 0 })
            // Every WebSocket session is its own environment; every HTTP call is too (stateless).
            #expect(summaries.allSatisfy { $0.uniqueSessions == $0.numRequests && $0.uniqueHosts == 1 })
            #expect(summaries.filter { $0.mode == .ws }.allSatisfy { $0.connect.p50 > 0 })
            #expect(summaries.filter { $0.mode == .http }.allSatisfy { $0.connect.p50 == 0 })
        }
        let rows = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
        #expect(rows.count == (4 + 16) * 2 * 2)
        #expect(rows.allSatisfy { $0.success && $0.waitedSeconds == 0.05 && $0.stepLatency >= 0.05 })
        let csv = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 8)
    }

    @Test("sessions over capacity are rows with error_type CAPACITY_REACHED, never lost")
    func overCapacity() async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 5)) { endpoint, server in
            let driver = SessionDriver(mode: .ws, wait: 0.5, timeout: .seconds(10), batchSize: 12, hardware: "h")
            let (results, _) = await Burst(endpoints: [endpoint], sessions: 12, driver: driver).run()
            #expect(results.map(\.requestID) == Array(0..<12))
            #expect(results.filter(\.success).count == 5)
            let failures = results.filter { !$0.success }
            #expect(failures.count == 7 && failures.allSatisfy { $0.errorType == "CAPACITY_REACHED" }, "\(failures.map(\.errorType))")
            #expect(failures.allSatisfy { $0.resetLatency == 0 && $0.totalLatency > 0 })
            #expect(server.slots.activeCount == 0, "every slot was given back")
        }
    }

    @Test("a server that is not there gives ConnectionRefused rows")
    func refused() async throws {
        let port = try await withTestServer { endpoint, _ in endpoint.port }
        let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(5), batchSize: 3, hardware: "h")
        let (results, _) = await Burst(endpoints: [ServerEndpoint(host: "127.0.0.1", port: port)], sessions: 3, driver: driver).run()
        #expect(results.count == 3 && results.allSatisfy { $0.errorType == FailureKind.connectionRefused })
    }
}

@Suite("Open model and hold mode", .serialized, .timeLimit(.minutes(2)))
struct LoadPatternTests {
    @Test("open model: rate × duration sessions, latencies measured from the scheduled start")
    func openModel() async throws {
        try await withTestServer { endpoint, _ in
            let driver = SessionDriver(mode: .ws, wait: 0.1, timeout: .seconds(10), batchSize: 0, hardware: "h")
            let run = OpenModelRun(endpoints: [endpoint], arrivalRate: 20, duration: .seconds(1), driver: driver)
            let (results, wallTime) = await run.run()
            #expect(results.count == 20 && results.allSatisfy { $0.success && $0.batchSize == 20 })
            // The last session is scheduled at 0.95 s and waits 0.1 s.
            #expect(wallTime >= 1.05)
            #expect(results.allSatisfy { $0.totalLatency >= $0.connectLatency + $0.resetLatency + $0.stepLatency })
        }
    }

    @Test("an open-model sweep runs once per wait and repetition, whatever the requests grid")
    func openModelSweepIgnoresGrid() {
        let plan = SweepPlan(
            endpoints: [ServerEndpoint(host: "127.0.0.1", port: 1)],
            url: "u",
            requestsGrid: [32, 128, 512],
            waitGrid: [0.1, 1],
            repetitions: 2,
            pattern: .openModel(rate: 20, duration: .seconds(1.5))
        )
        #expect(plan.batchSizes == [30])
        #expect(plan.runs.count == 4 && plan.runs.allSatisfy { $0.sessions == 30 })
    }

    @Test("a late start counts as latency: a session scheduled in the past reports the delay")
    func scheduledStartInPast() async throws {
        try await withTestServer { endpoint, _ in
            let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 1, hardware: "h")
            let row = await driver.run(
                requestID: 0,
                endpoint: endpoint,
                http: nil,
                scheduledStart: ContinuousClock.now - .seconds(2)
            )
            #expect(row.success && row.totalLatency >= 2 && row.connectLatency >= 2)
        }
    }

    @Test("hold: N sessions held at once, stepping with the interval between steps, all answered")
    func hold() async throws {
        try await withTestServer { endpoint, server in
            // A window long enough that all 10 connect before the first one's ends, even on a
            // loaded machine: the peak counts sessions held at one instant.
            let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 10, hardware: "h")
            let outcome = await ProfileRun(
                endpoints: [endpoint],
                sessions: 10,
                profile: .hold(interval: .milliseconds(500)),
                duration: .seconds(3),
                driver: driver
            ).run()
            #expect(outcome.results.count == 10 && outcome.results.allSatisfy { $0.success })
            #expect(outcome.measures.peakHeld == 10)
            // Each session steps at least once; how many more depends on the scheduler, not the code.
            let total = outcome.measures.total
            #expect(total.stepsSent >= 10 && total.stepsAnswered == total.stepsSent)
            #expect(server.slots.activeCount == 0)
        }
    }

    @Test("hold: sessions over capacity are failed rows, and the peak counts only the held ones")
    func holdOverCapacity() async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 4)) { endpoint, _ in
            // Held for 1.5 s, far longer than the 6 connects take, so no slot frees up mid-run.
            let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 6, hardware: "h")
            let outcome = await ProfileRun(
                endpoints: [endpoint],
                sessions: 6,
                profile: .hold(interval: .milliseconds(500)),
                duration: .milliseconds(1500),
                driver: driver
            ).run()
            #expect(outcome.results.filter { $0.success }.count == 4)
            #expect(outcome.results.filter { $0.errorType == "CAPACITY_REACHED" }.count == 2)
            // Failed rows follow the seed's rule, as burst rows do: phase latencies 0, total kept.
            #expect(
                outcome.results.filter { !$0.success }.allSatisfy {
                    $0.connectLatency == 0 && $0.resetLatency == 0 && $0.stepLatency == 0 && $0.totalLatency > 0
                }
            )
            #expect(outcome.measures.peakHeld == 4)
        }
    }
}

@Suite("Several backends", .serialized, .timeLimit(.minutes(1)))
struct SeveralBackendsTests {
    @Test("--urls spreads sessions round-robin: two servers, two host_urls, half the sessions each")
    func roundRobin() async throws {
        try await withTestServer { first, _ in
            try await withTestServer { second, _ in
                let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 10, hardware: "h")
                let (results, _) = await Burst(endpoints: [first, second], sessions: 10, driver: driver).run()
                let perHost = Dictionary(grouping: results, by: \.hostURL).mapValues(\.count)
                #expect(perHost.count == 2 && perHost.values.allSatisfy { $0 == 5 }, "\(perHost)")
                let ports: Set<String> = Set(perHost.keys.compactMap { $0.split(separator: ":").last.map(String.init) })
                let expected: Set<String> = [String(first.port), String(second.port)]
                #expect(ports == expected, "host_url carries each server's own port")
            }
        }
    }
}
