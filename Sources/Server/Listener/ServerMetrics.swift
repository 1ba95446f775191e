import CoreMetrics
import EnvProtocol
public import Prometheus

/// What `GET /metrics` reports, in the Prometheus text format: live sessions against capacity,
/// capacity rejections, error replies by code and the step latency histogram — so an operator
/// sees slots leak before users get `CAPACITY_REACHED`.
///
/// Each server has its own registry, reached through swift-metrics' `factory:` initialisers
/// rather than a global `MetricsSystem.bootstrap`: tests run many servers in one process, and
/// an embedding application keeps its own metrics backend.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let activeSessions: CoreMetrics.Gauge
    private let capacity: CoreMetrics.Gauge
    private let capacityRejections: CoreMetrics.Counter
    private let stepDuration: CoreMetrics.Timer
    private let openConnections: CoreMetrics.Gauge
    private let connectionLimit: CoreMetrics.Gauge
    private let refusedConnections: CoreMetrics.Counter

    /// Step latencies span milliseconds to the longest allowed wait.
    static let stepBuckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
        .map { .seconds($0) }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = ["openenv_step_duration_seconds": Self.stepBuckets]
        self.factory = factory
        activeSessions = Gauge(label: "openenv_active_sessions", factory: factory)
        capacity = Gauge(label: "openenv_max_sessions", factory: factory)
        capacityRejections = Counter(label: "openenv_capacity_rejections_total", factory: factory)
        stepDuration = Timer(label: "openenv_step_duration_seconds", factory: factory)
        openConnections = Gauge(label: "openenv_open_connections", factory: factory)
        connectionLimit = Gauge(label: "openenv_max_connections", factory: factory)
        refusedConnections = Counter(label: "openenv_connections_refused_total", factory: factory)
    }

    /// A connection beyond ``ConnectionLimits/maxConnections`` was refused.
    func connectionRefused() {
        refusedConnections.increment()
    }

    /// A connection was closed for not becoming a request in time, by the phase it was in.
    func connectionTimedOut(_ phase: ConnectionDeadlines.Phase) {
        Counter(label: "openenv_connections_timed_out_total", dimensions: [("phase", phase.rawValue)], factory: factory)
            .increment()
    }

    func rejectedForCapacity() {
        capacityRejections.increment()
    }

    /// Counts an error reply (`{"type":"error"}`) by its code.
    func errorReplied(_ code: ErrorCode) {
        Counter(label: "openenv_errors_total", dimensions: [("code", code.rawValue)], factory: factory).increment()
    }

    func stepTook(_ duration: Duration) {
        stepDuration.recordNanoseconds(duration.nanoseconds)
    }

    /// The exposition, with the session gauges read from `slots` now.
    public func exposition(slots: SessionSlots) -> String {
        activeSessions.record(slots.activeCount)
        capacity.record(slots.capacity)
        return registry.emitToString()
    }

    /// The exposition, with the session and connection gauges read now (`GET /metrics`).
    func exposition(slots: SessionSlots, connections: OpenConnections) -> String {
        openConnections.record(connections.current)
        connectionLimit.record(connections.limit)
        return exposition(slots: slots)
    }
}
