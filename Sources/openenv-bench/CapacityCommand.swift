import ArgumentParser
import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import Foundation
import LoadGen

/// `openenv-bench capacity`: a server's sustainable concurrency under a trainer profile — the
/// largest N whose run keeps step p99 within a bound, answers ≥ 99.9 % of its steps and loses
/// no session. Doubling, then bisecting (``ConcurrencySearch``).
struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Find the largest concurrency a server sustains under a trainer profile (a trainer's \"max batch\").",
        discussion: """
            Each probe is a whole --profile run of --duration seconds at concurrency N. A run \
            passes when its step p99 ≤ --max-step-p99 (default 2 × --wait + 0.5 s), at least \
            99.9 % of the steps it sent were answered, and no session failed or was dropped. N \
            doubles from --start until a run fails or --limit is reached, then is bisected.

            Exit status: 0 with the concurrency found, 3 when not even --start passed, 64 for a \
            usage error, 1 on any other error.
            """
    )

    @Option(name: .shortAndLong, help: "Server URL (http(s):// or ws(s)://). Default: start the embedded Swift server.")
    var url: String?

    @Option(help: "The trainer profile: pool, refill or oversubscribe.")
    var profile: LoadProfileName = .pool

    @Option(help: "Seconds each probe lasts.", transform: SettingRule.seconds().transform)
    var duration: Double = 60

    @Option(help: "The first concurrency tried.")
    var start: Int = 64

    @Option(help: "The largest concurrency tried (and the embedded server's capacity; twice that for refill).")
    var limit: Int = 16_384

    @Option(help: "Bound on the step p99, seconds (default 2 × --wait + 0.5).", transform: SettingRule.seconds().transform)
    var maxStepP99: Double?

    @Option(name: .shortAndLong, help: "Seconds allowed for the connect and for each reply.", transform: SettingRule.seconds().transform)
    var timeout: Double = 120

    @Option(help: "Hardware tier written into the results.")
    var hardware = "cpu-basic"

    @Option(
        name: .customLong("summary-json"),
        help: "Write every probe and the concurrency found to this file as one JSON document."
    )
    var summaryJSON: String?

    @OptionGroup(title: "Workload")
    var workload: WorkloadOptions

    @OptionGroup(title: "Trainer profiles")
    var profileOptions: ProfileOptions

    func validate() throws {
        if profile == .burst || profile == .replay {
            throw ValidationError("--profile: capacity searches a trainer profile (pool, refill, oversubscribe)")
        }
        if start < 1 || limit < start { throw ValidationError("--start must be ≥ 1 and --limit ≥ --start") }
    }

    /// One probe: its N, figures and verdict.
    struct Probe {
        var sessions: Int
        var summary: RunSummary
        var passed: Bool
        var reason: String
    }

    func run() async throws {
        DescriptorLimit.raiseToHard()
        let bound = maxStepP99 ?? (2 * workload.wait + 0.5)
        var probes: [Probe] = []
        let search = ConcurrencySearch(start: start, limit: limit)
        let found: Int?
        if let url {
            found = try await search.run { n in try await probe(n, endpoints: [ServerEndpoint(parsing: url)], url: url, bound: bound, into: &probes) }
        } else {
            var result: Int?
            try await EmbeddedServer.withRunning(capacity: profile == .refill ? 2 * limit : limit) { endpoint in
                result = try await search.run { n in
                    try await probe(n, endpoints: [endpoint], url: endpoint.httpURL, bound: bound, into: &probes)
                }
            }
            found = result
        }
        let label = "\(profile.rawValue), \(try workload.workload()), \(duration) s per probe, step p99 ≤ \(bound) s"
        if let found {
            print("Sustainable concurrency: \(found) (\(label))")
        } else {
            print("Not even \(start) sessions passed (\(label))")
        }
        try writeSummary(probes, found: found, bound: bound)
        if found == nil { throw ExitCode(3) }
    }

    private func probe(
        _ n: Int,
        endpoints: [ServerEndpoint],
        url: String,
        bound: Double,
        into probes: inout [Probe]
    ) async throws -> Bool {
        let driver = SessionDriver(
            mode: .ws,
            wait: workload.wait,
            timeout: .seconds(timeout),
            batchSize: n,
            hardware: hardware,
            workload: try workload.workload(),
            seed: workload.seed
        )
        guard case .profile(let shape, let length) = profileOptions.pattern(profile, duration: .seconds(duration)) else {
            return false
        }
        let outcome = await ProfileRun(
            endpoints: endpoints,
            sessions: n,
            profile: shape,
            duration: length,
            window: .seconds(profileOptions.window),
            driver: driver
        ).run()
        var summary = RunSummary(
            results: outcome.results,
            mode: .ws,
            url: url,
            numRequests: outcome.results.count,
            waitSeconds: workload.wait,
            repetition: probes.count + 1,
            totalWallTime: outcome.wallTime,
            hardware: hardware
        )
        summary.measures = outcome.measures
        let (passed, reason) = CapacityVerdict.judge(outcome.measures, failedSessions: summary.failed, stepP99Bound: bound)
        probes.append(Probe(sessions: n, summary: summary, passed: passed, reason: reason))
        print("N=\(n): \(passed ? "pass" : "fail") — \(reason)")
        fflush(nil)
        return passed
    }

    private func writeSummary(_ probes: [Probe], found: Int?, bound: Double) throws {
        guard let summaryJSON else { return }
        let document: JSONValue = [
            "tool": "openenv-bench capacity", "version": .string(OpenEnvBench.version), "profile": .string(profile.rawValue),
            "step_p99_bound": .number(bound), "sustainable_concurrency": found.map(JSONValue.integer) ?? .null,
            "probes": .array(
                probes.map { probe in
                    [
                        "sessions": .integer(probe.sessions), "passed": .bool(probe.passed), "reason": .string(probe.reason),
                        "run": probe.summary.jsonFigures,
                    ]
                }
            ),
        ]
        try OutputFile.write(JSONCoding.encodeString(document) + "\n", to: summaryJSON)
        print("Summary written to \(summaryJSON)")
    }
}
