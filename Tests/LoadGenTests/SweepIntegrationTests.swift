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
                endpoints: [endpoint], url: endpoint.httpURL, modes: [.http, .ws], requestsGrid: [4, 16],
                waitGrid: [0.05], repetitions: 2, timeout: .seconds(10), pause: .milliseconds(10))
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
        #expect(results.count == 3 && results.allSatisfy { $0.errorType == SessionErrorType.connectionRefused })
    }
}
