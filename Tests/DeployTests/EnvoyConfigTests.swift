import Deploy
import EnvProtocol
import Foundation
import Testing

@Suite struct EnvoyConfigTests {
    /// The cluster of the rendered file, parsed back from its text.
    func cluster(_ plan: BalancerPlan) throws -> JSONValue {
        let document = try JSONCoding.parse(EnvoyConfig.render(plan))
        return try #require(document["static_resources"]?["clusters"]?.arrayValue?.first)
    }

    func connectionManager(_ plan: BalancerPlan) throws -> JSONValue {
        let document = try JSONCoding.parse(EnvoyConfig.render(plan))
        let listener = try #require(document["static_resources"]?["listeners"]?.arrayValue?.first)
        let chain = try #require(listener["filter_chains"]?.arrayValue?.first)
        return try #require(chain["filters"]?.arrayValue?.first?["typed_config"])
    }

    /// Envoy's defaults (1,024 each) capped the seed; every limit must exceed the sessions asked for.
    @Test(arguments: [1, 1_000, 1_024, 16_384, 100_000])
    func circuitBreakersExceedTheRequestedSessions(_ sessions: Int) throws {
        let thresholds = try #require(try cluster(samplePlan(maxSessions: sessions))["circuit_breakers"]?["thresholds"]?.arrayValue)
        #expect(thresholds.count == 1)
        for key in ["max_connections", "max_pending_requests", "max_requests"] {
            let limit = try #require(thresholds[0][key]?.numberValue, "\(key) missing")
            #expect(limit > Double(sessions), "\(key) = \(limit) for \(sessions) sessions")
        }
        let document = try JSONCoding.parse(EnvoyConfig.render(samplePlan(maxSessions: sessions)))
        let monitor = document["overload_manager"]?["resource_monitors"]?.arrayValue?.first?["typed_config"]
        let downstream = try #require(monitor?["max_active_downstream_connections"]?.numberValue)
        #expect(downstream > Double(sessions))
    }

    @Test func balancesByLeastRequestAndChecksHealth() throws {
        let cluster = try cluster(samplePlan())
        #expect(cluster["lb_policy"] == "LEAST_REQUEST")
        #expect(cluster["health_checks"]?.arrayValue?.first?["http_health_check"]?["path"] == "/health")
        let endpoints = cluster["load_assignment"]?["endpoints"]?.arrayValue?.first?["lb_endpoints"]?.arrayValue ?? []
        let addresses = endpoints.compactMap { $0["endpoint"]?["address"]?["socket_address"] }
        #expect(
            addresses == [
                ["address": "node1", "port_value": 8001], ["address": "10.0.0.3", "port_value": 8001],
            ]
        )
    }

    /// The seed's sessions were cut by Envoy's 15 s default route timeout.
    @Test func upgradesWebSocketsAndNeverTimesOutARoute() throws {
        let manager = try connectionManager(samplePlan())
        #expect(manager["upgrade_configs"] == [["upgrade_type": "websocket"]])
        let route = manager["route_config"]?["virtual_hosts"]?.arrayValue?.first?["routes"]?.arrayValue?.first?["route"]
        #expect(route?["timeout"] == "0s")
        #expect(route?["idle_timeout"] == "3600s")
        #expect(manager["stream_idle_timeout"] == "3600s")
    }

    /// The server upgrades only a connection's first request; pooled upstream connections would
    /// turn some upgrades into 307s (seen in ci/multinode-test before this was set).
    @Test func neverReusesAnUpstreamConnection() throws {
        let options = try cluster(samplePlan())["typed_extension_protocol_options"]?[
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
        ]
        #expect(options?["common_http_protocol_options"]?["max_requests_per_connection"] == 1)
    }

    @Test(
        .enabled(if: Validator.envoy != nil, "envoy not found: set OPENENV_ENVOY or run ci/install-balancers"),
        .timeLimit(.minutes(2))
    )
    func realEnvoyAcceptsTheConfiguration() throws {
        let envoy = try #require(Validator.envoy)
        for plan in [try samplePlan(), try samplePlan(maxSessions: 1)] {
            let result = try envoy.check(EnvoyConfig.render(plan), fileExtension: "json") {
                ["--mode", "validate", "-c", $0, "--log-level", "error"]
            }
            #expect(result.status == 0, "envoy --mode validate: \(result.output)")
        }
    }

    @Test(.enabled(if: Validator.envoy != nil, "envoy not found: set OPENENV_ENVOY or run ci/install-balancers"))
    func realEnvoyRejectsABrokenConfiguration() throws {
        // Shows the validator can fail, so the test above means something.
        let envoy = try #require(Validator.envoy)
        let broken = EnvoyConfig.render(try samplePlan()).replacingOccurrences(of: "LEAST_REQUEST", with: "FEWEST_PEOPLE")
        let result = try envoy.check(broken, fileExtension: "json") { ["--mode", "validate", "-c", $0, "--log-level", "error"] }
        #expect(result.status != 0)
    }
}
