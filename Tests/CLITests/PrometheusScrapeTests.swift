import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// A real Prometheus's view of a pool run it scraped every second, started by
/// `ci/prometheus-scrape-test` (``ScriptedRuns``: `OPENENV_PROMETHEUS_*`; docs/REPORTS.md).
@Suite(
    "Prometheus agrees with the run it scraped",
    .enabled(if: TestSettings.current.scriptedRuns.hasPrometheus, "set by ci/prometheus-scrape-test")
)
struct PrometheusScrapeTests {
    static let run = TestSettings.current.scriptedRuns
    /// Why a setting the suite needs is missing: its variable's problem, if it had one.
    static let problems = "\(TestSettings.current.problems)"

    /// The result of an instant query at `time`.
    func query(_ expression: String, at time: Double) async throws -> [JSONValue] {
        let query = try #require(expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: try #require(Self.run.prometheusPort, "OPENENV_PROMETHEUS_PORT \(Self.problems)"))
        let reply = try await HTTPProbe.get(endpoint, "/api/v1/query?query=\(query)&time=\(time)")
        return try #require(reply.json?["data"]?["result"]?.arrayValue, "\(expression): \(reply.status) \(reply.body)")
    }

    /// The value of a result's sample.
    func value(_ sample: JSONValue?) -> Double? { sample?["value"]?.arrayValue?.last?.stringValue.flatMap { Double($0) } }

    @Test("the last steps_total is the run's steps; rate() of steps over the run, times the range, is within one scrape interval's steps")
    func agrees() async throws {
        let summary = try Data(contentsOf: URL(fileURLWithPath: try #require(Self.run.prometheusSummary, "OPENENV_PROMETHEUS_SUMMARY")))
        let steps = try #require(try JSONCoding.parse(summary)["runs"]?.arrayValue?.first?["measures"]?["steps_answered"]?.integerValue)
        let since = try #require(Self.run.prometheusSince, "OPENENV_PROMETHEUS_SINCE \(Self.problems)")
        let duration = try #require(Self.run.prometheusRunSeconds, "OPENENV_PROMETHEUS_RUN_SECONDS \(Self.problems)")
        let now = Date().timeIntervalSince1970
        let last = try await query("openenv_bench_steps_total", at: now)
        let run = try #require(last.first?["metric"]?["run"]?.stringValue, "one steps_total series with a run label: \(last)")
        #expect(last.count == 1 && value(last.first) == Double(steps), "last steps_total \(last), the run's summary says \(steps)")
        let window = Int(now - since) + 2  // from before the first scrape of the run to now
        let rate = try await query(#"rate(openenv_bench_steps_total{run="\#(run)"}[\#(window)s])"#, at: now)
        let counted = (value(rate.first) ?? -1) * Double(window)
        let tolerance = Double(steps) / duration  // the steps of one scrape interval, 1 s
        #expect(
            abs(counted - Double(steps)) <= tolerance,
            "rate() x \(window) s = \(counted) steps, the run answered \(steps) (tolerance \(tolerance))"
        )
    }
}
