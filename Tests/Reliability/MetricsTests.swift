import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import LoadGen
import Testing

/// `GET /metrics`: Prometheus text with the figures an operator watches for slot leaks.
@Suite("Metrics", .timeLimit(.minutes(2)))
struct MetricsTests {
    @Test("active sessions, capacity rejections, errors by code and step latencies are exposed, per server")
    func exposition() async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 1)) { endpoint, server in
            try await withSession(endpoint) { session in
                _ = try await session.request(#"{"type":"step","data":{"wait_seconds":0.01}}"#)
                _ = try await session.request("not json")
                _ = try await session.request(#"{"type":"bogus"}"#)
                // A second session while the first holds the only slot is rejected.
                let rejected = try await withSession(endpoint) { second in try await second.nextJSON() }
                #expect(rejected.errorCode == "CAPACITY_REACHED")
                let during = try await HTTPProbe.get(endpoint, "/metrics")
                #expect(during.status == 200)
                #expect(during.contentType?.hasPrefix("text/plain") == true)
                #expect(during.body.contains("openenv_active_sessions 1"), "\(during.body)")
                #expect(during.body.contains("openenv_max_sessions 1"))
                #expect(during.body.contains("openenv_capacity_rejections_total 1"))
                #expect(during.body.contains(#"openenv_errors_total{code="INVALID_JSON"} 1"#))
                #expect(during.body.contains(#"openenv_errors_total{code="UNKNOWN_TYPE"} 1"#))
                #expect(during.body.contains(#"openenv_errors_total{code="CAPACITY_REACHED"} 1"#))
                #expect(during.body.contains("openenv_step_duration_seconds_count 1"), "\(during.body)")
                #expect(during.body.contains(#"openenv_step_duration_seconds_bucket{le="0.005"} 0"#))
                // A 10 ms step is never under 5 ms; how far over depends on the machine.
                #expect(during.body.contains(#"openenv_step_duration_seconds_bucket{le="+Inf"} 1"#))
                print("metrics sample:\n\(during.body)")
            }
            try await waitUntil { server.slots.activeCount == 0 }
            let after = try await HTTPProbe.get(endpoint, "/metrics")
            #expect(after.body.contains("openenv_active_sessions 0"), "\(after.body)")
        }
        // Another server starts from zero: registries are not shared.
        try await withTestServer { endpoint, _ in
            let fresh = try await HTTPProbe.get(endpoint, "/metrics")
            #expect(!fresh.body.contains("openenv_errors_total{"), "\(fresh.body)")
            #expect(fresh.body.contains("openenv_capacity_rejections_total 0"))
        }
    }
}
