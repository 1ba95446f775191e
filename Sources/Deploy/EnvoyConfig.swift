public import EnvProtocol
import Foundation

/// Envoy bootstrap configuration for a ``BalancerPlan``, as JSON (Envoy reads JSON wherever it
/// reads YAML, and JSON can be checked by parsing it back).
///
/// One listener, one HTTP connection manager with WebSocket upgrades, and one cluster with
/// least-request balancing, active `/health` checks and circuit breakers sized to the plan.
public enum EnvoyConfig {
    public static let clusterName = "openenv"

    /// The configuration tree (tests read limits and timeouts back from it).
    public static func document(_ plan: BalancerPlan) -> JSONValue {
        .object([
            "static_resources": .object([
                "listeners": .array([listener(plan)]),
                "clusters": .array([cluster(plan)]),
            ]),
            // An explicit cap on client connections, above the planned sessions (without one
            // Envoy warns that nothing bounds them).
            "overload_manager": .object([
                "resource_monitors": .array([
                    .object([
                        "name": "envoy.resource_monitors.global_downstream_max_connections",
                        "typed_config": .object([
                            "@type": "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig",
                            "max_active_downstream_connections": .integer(plan.connectionLimit),
                        ]),
                    ])
                ])
            ]),
        ])
    }

    /// The configuration file's text: pretty-printed JSON with sorted keys, so output is stable.
    public static func render(_ plan: BalancerPlan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A tree of strings, integers and booleans always encodes.
        let data = try! encoder.encode(document(plan))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func listener(_ plan: BalancerPlan) -> JSONValue {
        let idle = "\(plan.idleTimeoutSeconds)s"
        let route: JSONValue = .object([
            "match": .object(["prefix": "/"]),
            "route": .object([
                "cluster": .string(clusterName),
                // 0s turns the per-request timeout off: Envoy's 15 s default would cut every
                // WebSocket session and every long step(wait_seconds) request.
                "timeout": "0s",
                "idle_timeout": .string(idle),
                // A backend that died since the last health check refuses the connection:
                // try another host instead of failing the session.
                "retry_policy": .object([
                    "retry_on": "connect-failure,refused-stream,reset",
                    "num_retries": 2,
                    "retry_host_predicate": .array([
                        .object([
                            "name": "envoy.retry_host_predicates.previous_hosts",
                            "typed_config": .object([
                                "@type": "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"
                            ]),
                        ])
                    ]),
                    "host_selection_retry_max_attempts": 3,
                ]),
            ]),
        ])
        let manager: JSONValue = .object([
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": "openenv",
            "codec_type": "AUTO",
            "upgrade_configs": .array([.object(["upgrade_type": "websocket"])]),
            "stream_idle_timeout": .string(idle),
            "request_timeout": "0s",
            "common_http_protocol_options": .object(["idle_timeout": .string(idle)]),
            "route_config": .object([
                "name": "openenv",
                "virtual_hosts": .array([
                    .object(["name": "openenv", "domains": .array(["*"]), "routes": .array([route])])
                ]),
            ]),
            "http_filters": .array([
                .object([
                    "name": "envoy.filters.http.router",
                    "typed_config": .object([
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
                    ]),
                ])
            ]),
        ])
        return .object([
            "name": "openenv",
            "address": socketAddress(plan.listen),
            "filter_chains": .array([
                .object([
                    "filters": .array([
                        .object(["name": "envoy.filters.network.http_connection_manager", "typed_config": manager])
                    ])
                ])
            ]),
        ])
    }

    private static func cluster(_ plan: BalancerPlan) -> JSONValue {
        let limit = JSONValue.integer(plan.connectionLimit)
        let endpoints = plan.backends.map { backend -> JSONValue in
            .object(["endpoint": .object(["address": socketAddress(backend)])])
        }
        return .object([
            "name": .string(clusterName),
            // STRICT_DNS: SLURM hands out node names; IP literals work as well.
            "type": "STRICT_DNS",
            "dns_lookup_family": "V4_PREFERRED",
            "connect_timeout": "5s",
            "lb_policy": "LEAST_REQUEST",
            // Envoy's default panic threshold (50 %) sends traffic to every host, dead or not,
            // once half of them fail health checks: with two nodes, one dead node would still
            // get half the sessions. 0 routes to healthy hosts only.
            "common_lb_config": .object(["healthy_panic_threshold": .object(["value": 0])]),
            "typed_extension_protocol_options": .object([
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": .object([
                    "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                    "explicit_http_config": .object(["http_protocol_options": .object([:])]),
                    // One request per upstream connection: the server upgrades to WebSocket only
                    // on a connection's first request (a later one gets 307 + close), and Envoy
                    // would otherwise send upgrades over connections pooled from earlier requests.
                    "common_http_protocol_options": .object([
                        "max_requests_per_connection": 1,
                        "idle_timeout": .string("\(plan.idleTimeoutSeconds)s"),
                    ]),
                ])
            ]),
            "circuit_breakers": .object([
                "thresholds": .array([
                    .object([
                        "priority": "DEFAULT",
                        "max_connections": limit,
                        "max_pending_requests": limit,
                        "max_requests": limit,
                        "max_retries": .integer(max(3, plan.maxSessions / 10)),
                    ])
                ])
            ]),
            "health_checks": .array([
                .object([
                    "timeout": "1s",
                    "interval": .string("\(plan.healthIntervalSeconds)s"),
                    // Otherwise Envoy checks hosts it considers idle only every 60 s, so a dead
                    // node kept its share of new sessions for up to a minute.
                    "no_traffic_interval": .string("\(plan.healthIntervalSeconds)s"),
                    "unhealthy_threshold": .integer(plan.unhealthyThreshold),
                    "healthy_threshold": 1,
                    // A fresh connection per check: a server shutting down closes its listener
                    // first, and a kept-alive check connection would still call it healthy.
                    "reuse_connection": false,
                    "http_health_check": .object(["path": .string(plan.healthPath)]),
                ])
            ]),
            "load_assignment": .object([
                "cluster_name": .string(clusterName),
                "endpoints": .array([.object(["lb_endpoints": .array(endpoints)])]),
            ]),
        ])
    }

    private static func socketAddress(_ address: BalancerAddress) -> JSONValue {
        .object(["socket_address": .object(["address": .string(address.host), "port_value": .integer(address.port)])])
    }
}
