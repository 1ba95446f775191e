public import ArgumentParser
import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import Foundation
import LiveView
import LoadGen
import UnixSignals

/// `openenv-bench [run]`: bursts of OpenEnv sessions against a server, with the seed benchmark's
/// flags and files (`raw.jsonl`, `summary.csv`). With no `--url` it starts the embedded Swift
/// server on a free loopback port, so it works on a fresh machine with nothing else running.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Load-test an OpenEnv server: bursts of N sessions (connect, reset, step(wait), close), or load shaped like an RL trainer (--profile).",
        discussion: """
            Profiles (-n is the concurrency, --duration the length of the run): burst (default: \
            N sessions at once, one episode each); pool (N sessions opened once, each running \
            episodes back to back: TRL's synchronous GRPO); refill (N episodes in flight, each on \
            its own session, replaced as it finishes: asynchronous GRPO); oversubscribe (like \
            refill, N may exceed the server's capacity; CAPACITY_REACHED is retried after \
            --capacity-retry seconds: agentic trainers). An episode is a reset and --steps steps, \
            each after a --think time. replay (--replay TRACE, written by `record`): the \
            trace's sessions at their recorded times, --speed X faster, each --scale K times.

            On a terminal, a progress line redraws in place during each run and is replaced by \
            the run's result line; otherwise only the result lines are printed.

            Exit status: 0 when every check passed, 3 when a --min-success, --max-p99 or \
            --require-hosts check failed, 130 when interrupted (SIGINT), 1 on any other error.
            """
    )

    @Option(name: .shortAndLong, help: "Server URL (http(s):// or ws(s)://). Default: start the embedded Swift server.")
    var url: String?

    @Option(help: "Several server URLs, comma-separated: sessions are spread round-robin, no balancer needed.")
    var urls: String?

    @Option(
        name: [.customShort("n"), .customLong("requests"), .customLong("batch-size")],
        help: "Sessions per run.",
        transform: SettingRule.integer(atLeast: 1).transform
    )
    var requests: Int?

    @Option(name: .shortAndLong, help: "ws or http.")
    var mode: LoadMode = .ws

    @Option(name: [.customLong("requests-grid"), .customLong("batch-size-grid")], help: "Comma-separated batch sizes.")
    var requestsGrid: String?

    @Option(help: "Comma-separated wait times (seconds).")
    var waitGrid: String?

    @Option(help: "Repetitions per configuration.", transform: SettingRule.integer(atLeast: 1).transform)
    var reps: Int = 1

    @Flag(help: "Run each configuration in http and ws mode, side by side.")
    var compare = false

    @Option(help: "Hardware tier written into the results.")
    var hardware = "cpu-basic"

    @Option(name: .shortAndLong, help: "Seconds allowed for the connect and for each reply.", transform: SettingRule.seconds().transform)
    var timeout: Double = 120

    @Option(name: .shortAndLong, help: "Directory to append raw.jsonl and summary.csv to.")
    var outputDir: String?

    @Option(
        name: .customLong("summary-json"),
        help:
            "Write the sweep's summary (runs, capacity, checks) to this file as one JSON document, also when a check fails or the sweep is interrupted."
    )
    var summaryJSON: String?

    @Flag(name: .shortAndLong, help: "Print every failed session's error.")
    var verbose = false

    @Option(help: "Success threshold for max batch (mean over reps).")
    var threshold: Double = 0.95

    @Option(help: "Cores serving, for batch per core.")
    var cores: Int?

    @Option(help: "Fail (exit 3) if any run's success rate is below this (0…1).")
    var minSuccess: Double?

    @Option(help: "Fail (exit 3) if any run's p99 total latency is above this many seconds.")
    var maxP99: Double?

    @Option(help: "Warn when fewer distinct host_url values than this served a run.")
    var expectedHosts: Int?

    @Flag(help: "With --expected-hosts: a run served by fewer hosts fails (exit 3).")
    var requireHosts = false

    @Option(help: "Seconds to pause between runs.")
    var pause: Double = 0.5

    @Option(
        help: "Open model: start sessions at this rate per second (with --duration) instead of bursts.",
        transform: SettingRule.number().transform
    )
    var arrivalRate: Double?

    @Flag(
        help: "Hold mode: keep each run's N sessions open, stepping with --step-interval seconds between a reply and the next step, for --duration."
    )
    var hold = false

    @Option(help: "Seconds an open-model, hold or profile run lasts.")
    var duration: Double?

    @Option(help: "Hold mode: seconds between a reply and the session's next step.", transform: SettingRule.seconds().transform)
    var stepInterval: Double = 1

    @Option(help: "The shape of the load: burst, pool, refill, oversubscribe or replay (see above).")
    var profile: LoadProfileName = .burst

    @Option(
        help:
            "The embedded server's capacity (live sessions before CAPACITY_REACHED). Default: the largest -n (twice that for refill), at least 100.",
        transform: SettingRule.integer(atLeast: 1).transform
    )
    var serverCapacity: Int?

    @OptionGroup(title: "Workload")
    var workload: WorkloadOptions

    @OptionGroup(title: "Trainer profiles")
    var profileOptions: ProfileOptions

    @OptionGroup(title: "Replay")
    var replayOptions: ReplayOptions

    @OptionGroup(title: "Live view")
    var webOptions: WebOptions

    @Option(help: "PEM file of CA certificates to trust for wss/https (default: the system store).")
    var cacert: String?

    @Flag(help: "Do not verify the server's TLS certificate (self-signed test servers).")
    var insecure = false

    @Option(help: "Start the sweep at this Unix time (seconds): shards of one load in several processes start together.")
    var startAt: Double?

    @Flag(help: "Continue the sweep recorded in --output-dir (run-state.json), skipping its finished runs.")
    var resume = false

    /// The grid a bare `openenv-bench` runs against its embedded server.
    static let embeddedDefaultGrid = [32, 128, 512, 2048]

    func validate() throws {
        if url != nil && urls != nil { throw ValidationError("use --url or --urls, not both") }
        if requireHosts && expectedHosts == nil { throw ValidationError("--require-hosts needs --expected-hosts N") }
        if arrivalRate != nil && hold { throw ValidationError("choose --arrival-rate or --hold, not both") }
        if (arrivalRate != nil || hold) && !((duration ?? 0) > 0) {
            throw ValidationError("--arrival-rate and --hold need --duration SECONDS > 0")
        }
        if hold && mode != .ws { throw ValidationError("--hold holds WebSocket sessions: use --mode ws") }
        if resume && outputDir == nil { throw ValidationError("--resume needs --output-dir DIR of the sweep to continue") }
        if profile != .burst {
            if hold || arrivalRate != nil { throw ValidationError("--profile \(profile.rawValue) replaces --hold and --arrival-rate") }
            if profile != .replay, !((duration ?? 0) > 0) { throw ValidationError("--profile \(profile.rawValue) needs --duration SECONDS > 0") }
            if mode != .ws { throw ValidationError("--profile \(profile.rawValue) runs WebSocket sessions: use --mode ws") }
        }
        try replayOptions.validate(for: profile)
        if serverCapacity != nil && (url != nil || urls != nil) {
            throw ValidationError("--server-capacity sizes the embedded server; a server at --url has its own")
        }
        do {
            _ = try requestsGrid.map { try NumberList.parse($0, flag: "--requests-grid") as [Int] }
            _ = try waitGrid.map { try NumberList.parse($0, flag: "--wait-grid") as [Double] }
        } catch let error as NumberListError {
            throw ValidationError(error.description)
        }
    }

    /// Runs the sweep; SIGINT stops it cleanly: what finished is written, the run in progress
    /// writes one row per started session, `run-state.json` marks the sweep incomplete, and
    /// the exit status is 130. A second SIGINT exits at once.
    func run() async throws {
        DescriptorLimit.raiseToHard()  // a session is a descriptor: a burst of thousands needs more than 1,024
        let work = Task { try await webOptions.serving(window: profileOptions.window) { try await runSweep(board: $0) } }
        let signals = Task {
            var received = 0
            for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                received += 1
                if received > 1 { Foundation.exit(130) }
                print("\n\(signal): stopping; writing what finished (press Ctrl-C again to exit at once)")
                work.cancel()
            }
        }
        defer { signals.cancel() }
        do {
            try await work.value
        } catch let interrupted as SweepInterrupted where interrupted.interruptedRun != nil {
            print("Interrupted: \(interrupted).")
            if let outputDir {
                print("Results so far are in \(outputDir); run-state.json marks the sweep incomplete. Continue with --resume.")
            }
            throw ExitCode(130)
        } catch is SweepInterrupted, is CancellationError {
            // SIGINT during the pause between runs or the --start-at wait: nothing was in flight.
            print("Interrupted between runs.")
            if let outputDir { print("Results so far are in \(outputDir). Continue with --resume.") }
            throw ExitCode(130)
        }
    }

    private func runSweep(board: LiveBoard?) async throws {
        // A replay is one run of the trace's sessions × --scale.
        let replay = profile == .replay ? try replayOptions.schedule() : nil
        let requestsGrid: [Int] =
            try replay.map { [$0.count] } ?? self.requestsGrid.map { try NumberList.parse($0, flag: "--requests-grid") }
            ?? requests.map { [$0] } ?? (url == nil && urls == nil ? Self.embeddedDefaultGrid : [10])
        // A replay sends the trace's own messages: no wait of ours goes into its rows.
        let waitGrid: [Double] =
            try replay.map { _ in [0] } ?? self.waitGrid.map { try NumberList.parse($0, flag: "--wait-grid") } ?? [workload.wait]
        let targets = try (urls?.split(separator: ",").map(String.init) ?? url.map { [$0] })?.map {
            try ServerEndpoint(parsing: $0)
        }
        if let targets {
            try await sweep(
                targets,
                url: url ?? urls ?? "",
                requestsGrid: requestsGrid,
                waitGrid: waitGrid,
                embedded: false,
                replay: replay,
                board: board
            )
            return
        }
        // No server named: serve one ourselves, sized for the largest burst of the grid.
        // refill replaces an episode as it ends: room for the new session while the old one's
        // slot is being given back.
        let largest = (requestsGrid.max() ?? 0) * (profile == .refill ? 2 : 1)
        try await EmbeddedServer.withRunning(capacity: serverCapacity ?? max(100, largest)) { endpoint in
            try await sweep(
                [endpoint],
                url: endpoint.httpURL,
                requestsGrid: requestsGrid,
                waitGrid: waitGrid,
                embedded: true,
                replay: replay,
                board: board
            )
        }
    }

    private func sweep(
        _ endpoints: [ServerEndpoint],
        url: String,
        requestsGrid: [Int],
        waitGrid: [Double],
        embedded: Bool,
        replay: ReplaySchedule?,
        board: LiveBoard?
    ) async throws {
        let plan = SweepPlan(
            endpoints: endpoints,
            url: url,
            modes: compare ? [.http, .ws] : [mode],
            requestsGrid: requestsGrid,
            waitGrid: waitGrid,
            repetitions: reps,
            timeout: .seconds(timeout),
            hardware: hardware,
            pause: .seconds(pause),
            tls: ClientTLS.configuration(caFile: cacert, insecure: insecure),
            pattern: replay.map { .replay($0) } ?? pattern,
            workload: try workload.workload(),
            seed: workload.seed,
            window: .seconds(profileOptions.window),
            measuresOwnCost: !embedded
        )
        let checks = SweepChecks(
            minSuccess: minSuccess,
            maxP99: maxP99,
            expectedHosts: expectedHosts,
            requireHosts: requireHosts
        )
        let writer = try outputDir.map { try ResultsWriter(directory: URL(fileURLWithPath: $0)) }
        for file in try writer?.dropTornTails() ?? [] {
            print("note: dropped the torn last line of \(file) (a run killed while writing it)")
        }
        let description =
            "Sweep: \(plan.runs.count) runs (batch sizes \(plan.batchSizes), waits \(waitGrid), \(reps) reps, workload \(plan.workload)) against \(url)"
        print(description)
        board?.describe([description])
        // Progress appears as runs finish, also when the output is a file or a pipe
        // (fflush(nil) flushes every stream without touching the `stdout` global).
        fflush(nil)
        let startedAt = Timestamp.now()
        let progressLine = ProgressLine()
        let redraws = Task { await progressLine.run() }
        let summaries: [RunSummary]
        do {
            defer { redraws.cancel() }
            if let startAt {
                let delay = startAt - Date().timeIntervalSince1970
                if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
            }
            summaries = try await plan.run(writer: writer, resume: resume) { progress in
                progressLine.show(progress)
                board?.begin(progress)
            } onRun: { index, total, outcome in
                let lines = runLines(outcome, index: index, total: total, checks: checks)
                progressLine.finish(with: lines)
                board?.finish(with: lines)
            }
        } catch let interrupted as SweepInterrupted {
            await redraws.value
            try writeSummary(interrupted.summaries, url: url, startedAt: startedAt, checks: checks, interruption: "\(interrupted)")
            throw interrupted
        } catch let cancelled as CancellationError {
            await redraws.value
            try writeSummary([], url: url, startedAt: startedAt, checks: checks, interruption: "interrupted before the first run")
            throw cancelled
        } catch {
            // The line is erased before the error is printed.
            await redraws.value
            throw error
        }
        await redraws.value
        print("\n" + SweepReport.table(summaries))
        print("\n" + SweepReport.analysis(CapacityAnalysis(summaries: summaries, threshold: threshold), threshold: threshold, cores: cores))
        if let writer { print("\nResults appended to \(writer.directory.path)/raw.jsonl and summary.csv") }
        try writeSummary(summaries, url: url, startedAt: startedAt, checks: checks, interruption: nil)
        let violations = checks.violations(summaries)
        if !violations.isEmpty {
            print("\nChecks failed:\n" + violations.map { "  \($0)" }.joined(separator: "\n"))
            throw ExitCode(3)
        }
    }

    /// What is printed when a run finishes: its result line, hold figures, failed sessions
    /// (`--verbose`) and a host-count warning.
    private func runLines(_ outcome: RunOutcome, index: Int, total: Int, checks: SweepChecks) -> [String] {
        let summary = outcome.summary
        var lines = [SweepReport.runLine(summary, index: index, total: total)]
        if let measures = summary.measures {
            lines.append(contentsOf: MeasuresReport.lines(measures, wallTime: summary.totalWallTime, sessions: summary.numRequests))
        }
        if verbose {
            for row in outcome.results where !row.success {
                lines.append("    #\(row.requestID) \(row.errorType?.rawValue ?? "?"): \(row.errorMessage ?? "")")
            }
        }
        if let shortfall = checks.hostShortfall(summary) { lines.append("  warning: run \(index): \(shortfall)") }
        return lines
    }

    /// `--summary-json FILE`: the sweep as one JSON document; `interruption` marks it incomplete.
    private func writeSummary(
        _ summaries: [RunSummary],
        url: String,
        startedAt: String,
        checks: SweepChecks,
        interruption: String?
    ) throws {
        guard let summaryJSON else { return }
        let document = SweepSummaryDocument(
            tool: "openenv-bench",
            version: OpenEnvBench.version,
            url: url,
            startedAt: startedAt,
            interruption: interruption,
            runs: summaries,
            threshold: threshold,
            cores: cores,
            violations: checks.violations(summaries),
            hostWarnings: summaries.compactMap(checks.hostShortfall)
        )
        try OutputFile.write(JSONCoding.encodeString(document.json) + "\n", to: summaryJSON)
        print("Summary written to \(summaryJSON)")
    }

    private var pattern: LoadPattern {
        if let arrivalRate, let duration { return .openModel(rate: arrivalRate, duration: .seconds(duration)) }
        guard let duration else { return .burst }
        if hold { return .profile(.hold(interval: .seconds(stepInterval)), duration: .seconds(duration)) }
        return profileOptions.pattern(profile, duration: .seconds(duration)) ?? .burst
    }
}

extension LoadMode: ExpressibleByArgument {}
