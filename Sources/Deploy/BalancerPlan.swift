/// What a generated balancer configuration must provide, shared by the Envoy and HAProxy
/// generators so both get the same limits and timeouts.
///
/// The seed's Envoy had no circuit-breaker settings, so Envoy's defaults (1,024 connections,
/// pending and active requests per cluster) silently capped multi-node runs, and its default
/// 15 s route timeout would cut long sessions; the plan makes both explicit.
public struct BalancerPlan: Equatable, Sendable {
    /// The OpenEnv servers sessions are spread over.
    public var backends: [BalancerAddress]
    /// Where the balancer accepts clients.
    public var listen: BalancerAddress
    /// The most concurrent sessions the deployment is expected to hold.
    public var maxSessions: Int
    /// Seconds a WebSocket session may sit without traffic before the balancer drops it.
    public var idleTimeoutSeconds: Int
    /// Path both balancers poll on every backend; only backends answering 200 get sessions.
    public var healthPath = "/health"
    /// Seconds between health checks, and failed checks before a backend is taken out.
    public var healthIntervalSeconds = 1
    public var unhealthyThreshold = 2

    public init(
        backends: [BalancerAddress],
        listen: BalancerAddress,
        maxSessions: Int = 16_384,
        idleTimeoutSeconds: Int = 3_600
    ) throws(DeployConfigError) {
        guard !backends.isEmpty else { throw DeployConfigError("--backends: give at least one host:port") }
        guard (1...Self.maxSessionsLimit).contains(maxSessions) else {
            throw DeployConfigError("--max-sessions must be in 1...\(Self.maxSessionsLimit), got \(maxSessions)")
        }
        guard idleTimeoutSeconds >= 1 else {
            throw DeployConfigError("--idle-timeout must be ≥ 1 second, got \(idleTimeoutSeconds)")
        }
        self.backends = backends
        self.listen = listen
        self.maxSessions = maxSessions
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Connections/requests the balancer admits: twice the sessions, so sessions reconnecting
    /// while old ones close, HTTP-mode requests and health checks still fit under the cap.
    public var connectionLimit: Int { maxSessions * 2 }

    /// Keeps ``connectionLimit`` inside the 32-bit fields Envoy's circuit breakers use.
    public static let maxSessionsLimit = 100_000_000
}
