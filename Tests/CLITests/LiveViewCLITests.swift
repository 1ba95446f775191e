import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// `openenv-bench run --web 127.0.0.1:0` as a user runs it: the built binary, its ready line,
/// the live page and `/metrics` during a real pool run, and after it (lingering) the metrics
/// equal the run's own summary.
@Suite("openenv-bench run --web", .serialized, .timeLimit(.minutes(3)))
struct LiveViewCLITests {
    /// One sample line of the Prometheus text format: `name{labels} value`.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses every sample line; a line that is not one fails the test.
    static func samples(_ exposition: String) -> [Sample] {
        exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else {
                Issue.record("not a Prometheus sample line: \(line)")
                return nil
            }
            var name = parts[0]
            var labels: [String: String] = [:]
            if let brace = name.firstIndex(of: "{"), name.hasSuffix("}") {
                for pair in name[name.index(after: brace)..<name.index(before: name.endIndex)].split(separator: ",") {
                    let keyValue = pair.split(separator: "=", maxSplits: 1)
                    guard keyValue.count == 2 else { continue }
                    labels[String(keyValue[0])] = String(keyValue[1].dropFirst().dropLast())
                }
                name = name[..<brace]
            }
            return Sample(name: String(name), labels: labels, value: value)
        }
    }

    @Test("the page and /metrics during a pool run; afterwards the counters equal the run's summary")
    func liveRun() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        try await LaunchedProcess.with(
            "openenv-bench",
            [
                "run", "--profile", "pool", "-n", "6", "--steps", "3", "--think", "0.05", "-w", "0", "--duration", "3",
                "--window", "0.5", "--web", "127.0.0.1:0", "--web-linger", "60", "--summary-json", json.path,
            ]
        ) { bench in
            // The live view's ready line comes first, before the embedded server's.
            let ready = try await bench.readyLines(2)
            let web = ServerEndpoint(host: ready[0].host, port: ready[0].port)
            #expect(ready[0].port != ready[1].port && ready[0].pid == Int(bench.pid))
            try await bench.waitForOutput(containing: "Sweep: 1 runs")
            try await Task.sleep(for: .seconds(1.5))

            let page = try await HTTPProbe.get(web, "/")
            #expect(page.status == 200 && page.contentType?.hasPrefix("text/html") == true)
            let charts = ["Sessions open", "Steps answered per second", "Step latency", "Failed sessions per window", "Waiting for a slot"]
            for chart in charts {
                #expect(page.body.contains("aria-label=\"\(chart)\""), "chart \(chart) missing: \(page.body.prefix(2000))")
            }
            #expect(page.body.contains("<path class=\"series\""), "no series drawn 1.5 s into the run")
            #expect(page.body.contains("fetch(\"live\""), "the page refreshes itself")
            let running = Self.samples(try await HTTPProbe.get(web, "/metrics").body)
            let run = try #require(running.first { $0.name == "openenv_bench_steps_total" }?.labels["run"])
            #expect(page.body.contains("data-run=\"\(run)\""), "the page names the run its metrics are labelled with")
            #expect(running.contains { $0.name == "openenv_bench_sessions_started_total" && $0.value == 6 })

            try await bench.waitForOutput(containing: "Summary written to", within: .seconds(60))
            let document = try JSONCoding.parse(try Data(contentsOf: json))
            let measures = try #require(document["runs"]?.arrayValue?.first?["measures"], "\(bench.output)")
            let steps = try #require(measures["steps_answered"]?.integerValue)
            let episodes = try #require(measures["episodes"]?.integerValue)
            // Lingering: the last sample was taken as the run finished.
            let metrics = try await HTTPProbe.get(web, "/metrics")
            #expect(metrics.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let final = Self.samples(metrics.body).filter { $0.labels["run"] == run }
            func value(_ name: String) -> Double? { final.first { $0.name == name && $0.labels.count == 1 }?.value }
            #expect(steps > 0)
            #expect(value("openenv_bench_steps_total") == Double(steps), "\(metrics.body)")
            #expect(value("openenv_bench_step_latency_seconds_count") == Double(steps))
            #expect(value("openenv_bench_episodes_total") == Double(episodes))
            #expect(value("openenv_bench_sessions_started_total") == 6 && value("openenv_bench_sessions_succeeded_total") == 6)
            #expect(value("openenv_bench_session_latency_seconds_count") == 6 && value("openenv_bench_sessions_open") == 0)
            #expect(!final.contains { $0.name == "openenv_bench_sessions_failed_total" }, "no session failed")
            let finished = try await HTTPProbe.get(web, "/live")
            #expect(finished.body.contains(", finished)") && finished.body.contains("steps answered \(steps)/\(steps)"))

            // SIGINT ends the linger at once; the sweep had finished, so the exit status is 0.
            bench.send(SIGINT)
            #expect(try await bench.waitForExit(within: .seconds(20)) == 0, "\(bench.output)")
        }
    }

    @Test("--web needs HOST:PORT, --web-linger needs --web: usage errors (64)")
    func usage() async throws {
        for arguments in [["--web", "8080"], ["--web", "127.0.0.1:70000"], ["--web-linger", "5"]] {
            let (status, output) = try await LaunchedProcess.run("openenv-bench", ["run", "-n", "1"] + arguments)
            #expect(status == 64, "\(arguments): \(output)")
        }
    }
}
