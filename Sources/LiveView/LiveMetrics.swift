import BenchResults
import LoadGen
public import Prometheus
import Synchronization

/// `/metrics` of `openenv-bench run --web`: the client-side truth of each run in the Prometheus
/// text format, every series labelled with its `run` (``LiveBoard/Run/id``). Counters of
/// sessions started, succeeded and failed (by `kind`), steps sent and answered, episodes, slot
/// retries and sessions dropped; the sessions open; histograms of step latency, session latency
/// and slot wait.
///
/// Filled at scrape time from the board's samples (what each figure grew by since the last
/// scrape), so serving it costs the load generator nothing per step. One registry per view, as
/// `ServerMetrics` has one per server, rather than the process-wide metrics system.
public final class LiveMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let fed = Mutex<[String: Fed]>([:])

    /// Latencies from a millisecond to the longest reply timeout.
    static let buckets: [Duration] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]
        .map { .seconds($0) }

    public init() {}

    /// The exposition of every run on `board`, brought up to its latest samples.
    public func exposition(_ board: LiveBoard) -> String {
        let runs = board.runs
        fed.withLock { fed in
            for run in runs {
                var figures = fed[run.id] ?? Fed(run: run.id, registry: registry)
                figures.update(run.latest)
                fed[run.id] = figures
            }
        }
        return registry.emitToString()
    }

    /// One run's metrics and what has been added to them so far.
    private struct Fed {
        let run: String
        let registry: PrometheusCollectorRegistry
        var counted: [String: Int] = [:]
        let open: Gauge
        var stepLatency: HistogramFeed
        var sessionLatency: HistogramFeed
        var slotWait: HistogramFeed

        init(run: String, registry: PrometheusCollectorRegistry) {
            self.run = run
            self.registry = registry
            let labels = [("run", run)]
            open = registry.makeGauge(descriptor: Self.name("sessions", "open", "Sessions started and not yet ended."), labels: labels)
            func histogram(_ name: String, _ help: String) -> HistogramFeed {
                HistogramFeed(
                    registry.makeDurationHistogram(descriptor: Self.name(name, "seconds", help), labels: labels, buckets: LiveMetrics.buckets)
                )
            }
            stepLatency = histogram("step_latency", "Step latency: from sending a step to its reply.")
            sessionLatency = histogram("session_latency", "Total latency of each ended session.")
            slotWait = histogram("slot_wait", "Time a session waited for a slot (oversubscribe).")
        }

        mutating func update(_ sample: LiveSample) {
            count("sessions_started", sample.progress.started, "Sessions started.")
            count("sessions_succeeded", sample.sessions.succeeded, "Sessions that ended successfully.")
            for (kind, failed) in sample.sessions.failed {
                count("sessions_failed", failed, "Sessions that failed, by kind (error_type).", kind: kind.rawValue)
            }
            count("steps", sample.total.stepsAnswered, "Steps answered.")
            count("steps_sent", sample.total.stepsSent, "Steps sent.")
            count("episodes", sample.total.episodes, "Episodes finished.")
            count("slot_retries", sample.total.reconnects, "Reconnects after CAPACITY_REACHED (oversubscribe).")
            count("sessions_dropped", sample.total.sessionsDropped, "Sessions the server dropped while they held a slot.")
            open.set(Int64(sample.progress.open))
            stepLatency.feed(sample.total.stepLatency)
            slotWait.feed(sample.total.slotWait)
            sessionLatency.feed(sample.sessions.sessionLatency)
        }

        /// Brings counter `name` (with `kind`, if any) up to `value`.
        private mutating func count(_ name: String, _ value: Int, _ help: String, kind: String? = nil) {
            let key = name + (kind.map { "|" + $0 } ?? "")
            var labels = [("run", run)]
            if let kind { labels.append(("kind", kind)) }
            // Made (or found) on every update, so a counter still at 0 is exposed too.
            let counter = registry.makeCounter(descriptor: Self.name(name, "total", help), labels: labels)
            let added = value - counted[key, default: 0]
            guard added > 0 else { return }
            counted[key] = value
            counter.increment(by: Int64(added))
        }

        private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "openenv_bench", metricName: metric, unitName: unit, helpText: help)
        }
    }
}
