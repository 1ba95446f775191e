import BenchResults
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// Honest sessions beside hostile traffic, run by the built `openenv-bench` in a process of its
/// own (so the hostile clients' work in the test process cannot delay them and pass for the
/// server's): `sessions` lanes of short sessions (connect, reset, a 50 ms think, step, close)
/// one after another for `seconds`: `openenv-bench`'s `refill` profile.
struct HonestSessions {
    let launched: LaunchedProcess
    let directory: URL

    init(url: String, sessions: Int = 4, seconds: Double) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-honest-\(UUID().uuidString)")
        launched = try LaunchedProcess(
            "openenv-bench",
            [
                "--url", url, "--profile", "refill", "-n", "\(sessions)", "--steps", "1", "-w", "0", "--think", "0.05",
                "--duration", "\(seconds)", "--timeout", "30", "-o", directory.path,
                "--summary-json", directory.appendingPathComponent("summary.json").path,
            ]
        )
    }

    /// What they did.
    struct Outcome {
        /// Every session's row: one per session, each a success when every step was answered.
        var rows: [SessionResult]
        var stepsSent: Int
        var stepsAnswered: Int
        /// Step latency p99 in seconds: a figure to report, not a bound.
        var stepP99: Double
        var output: String

        var failures: [String] { rows.filter { !$0.success }.map { "\($0.errorType.map { "\($0)" } ?? "?"): \($0.errorMessage ?? "")" } }
    }

    /// Waits for the run to end and reads its rows and measures.
    func outcome() async throws -> Outcome {
        try await launched.waitForExit(within: .seconds(600))
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
        let document = try JSONCoding.parse(try Data(contentsOf: directory.appendingPathComponent("summary.json")))
        let measures = document["runs"]?.arrayValue?.first?["measures"]
        return Outcome(
            rows: rows,
            stepsSent: measures?["steps_sent"]?.integerValue ?? 0,
            stepsAnswered: measures?["steps_answered"]?.integerValue ?? 0,
            stepP99: measures?["step_latency"]?["p99"]?.numberValue ?? .nan,
            output: launched.output
        )
    }
}
