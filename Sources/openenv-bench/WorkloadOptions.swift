import ArgumentParser
import EnvServer
import Foundation
import LoadGen

/// What each session sends and when: the flags `run` and `capacity` share, read into one
/// ``Workload``.
struct WorkloadOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: "wait_seconds of each step (the benchmark environment).",
        transform: SettingRule.seconds(allowingZero: true).transform
    )
    var wait: Double = 1.0

    @Option(
        help:
            "Any environment: the step action, a JSON object (or an array of them, cycled per step). Default: the benchmark's {\"wait_seconds\": --wait}."
    )
    var action: String?

    @Option(help: "Like --action, read from a file.")
    var actionFile: String?

    @Option(help: "MCP tool environments: call this tool each step (tools/call over the session's socket, or POST /mcp in http mode).")
    var tool: String?

    @Option(help: "With --tool: the tool's arguments, a JSON object (default {}).")
    var arguments: String?

    @Option(help: "Steps per episode (default 1).")
    var steps: Int = 1

    @Option(help: "Think time before each step: SECONDS, exp:MEAN, uniform:LO,HI or lognormal:MEDIAN,SIGMA (default 0).")
    var think: String?

    @Option(help: "Seed of the think times and backoffs: the same seed draws the same ones.")
    var seed: UInt64 = 0

    func validate() throws {
        do {
            _ = try workload()
        } catch let error as WorkloadError {
            throw ValidationError(error.description)
        }
    }

    /// The workload the flags describe (the action file is read here: a runtime error if it cannot be).
    func workload() throws -> Workload {
        let contents = try actionFile.map { path in
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw WorkloadError(flag: "--action-file", reason: "cannot read \(path): \(error.localizedDescription)")
            }
        }
        return try Workload.parse(
            action: action,
            actionFileContents: contents,
            tool: tool,
            arguments: arguments,
            steps: steps,
            wait: wait,
            think: think
        )
    }
}

/// `--profile`'s values.
enum LoadProfileName: String, CaseIterable, ExpressibleByArgument {
    case burst, pool, refill, oversubscribe, replay
}

/// The trainer profiles' own flags, shared by `run` and `capacity`.
struct ProfileOptions: ParsableArguments {
    @Option(help: "oversubscribe: seconds to back off before retrying CAPACITY_REACHED, MIN-MAX, drawn uniformly.")
    var capacityRetry: String = "1-5"

    @Option(
        help: "oversubscribe: give a session up after waiting this many seconds for a slot.",
        transform: SettingRule.seconds(atMost: 604_800).transform
    )
    var maxSlotWait: Double = 1800

    @Option(
        help: "Profile runs: seconds per measurement window (step latency per window, in the .hlog).",
        transform: SettingRule(expected: "a number of seconds from 0.1 to 86400") { Double($0).flatMap { (0.1...86_400).contains($0) ? $0 : nil } }
            .transform
    )
    var window: Double = 10

    func validate() throws {
        // Bounded both ways: a tiny window would allocate a window per microsecond of the run,
        // and a wait past a week is no trainer's (and no finite Duration past Int64 nanoseconds).
        _ = try backoff()
    }

    /// The load pattern of `profile` for `duration`; `nil` for bursts and replays (a replay's
    /// comes from its trace: ``ReplayOptions``).
    func pattern(_ profile: LoadProfileName, duration: Duration) -> LoadPattern? {
        switch profile {
        case .burst, .replay: return nil
        case .pool: return .profile(.pool, duration: duration)
        case .refill: return .profile(.refill, duration: duration)
        case .oversubscribe:
            // Validated in validate().
            let backoff = (try? backoff()) ?? 1...5
            return .profile(.oversubscribe(backoff: backoff, maxSlotWait: .seconds(maxSlotWait)), duration: duration)
        }
    }

    /// `--capacity-retry MIN-MAX` in seconds.
    func backoff() throws(ValidationError) -> ClosedRange<Double> {
        let bounds = capacityRetry.split(separator: "-", omittingEmptySubsequences: false).map { Double($0) }
        guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low >= 0, low <= high, high <= 3600
        else {
            throw ValidationError("--capacity-retry takes MIN-MAX seconds with 0 ≤ MIN ≤ MAX ≤ 3600 (e.g. 1-5), got '\(capacityRetry)'")
        }
        return low...high
    }
}
