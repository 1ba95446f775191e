import BenchResults
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// The trainer profiles and the capacity search of the built `openenv-bench` against a server that
/// is not its embedded one: `ci/fixture-check` points it at the Python echo fixture
/// (`OPENENV_PROFILE_URL`, ample capacity; `OPENENV_PROFILE_CAPPED_URL`, capacity 4) with the
/// fixture's tool (`OPENENV_TOOL`, `OPENENV_TOOL_ARGUMENTS`). The counting rules of
/// `ProfileCLITests`, on any environment.
@Suite(
    "openenv-bench profiles against OPENENV_PROFILE_URL",
    .enabled(if: ProcessInfo.processInfo.environment["OPENENV_PROFILE_URL"] != nil, "set by ci/fixture-check"),
    .serialized,
    .timeLimit(.minutes(3))
)
struct ProfileAgainstServerTests {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["OPENENV_PROFILE_URL"]
    static let steps = 3
    static let sessions = 8

    static var workload: [String] {
        ["--steps", "\(steps)", "--think", "0.05"]
            + (environment["OPENENV_TOOL"].map { ["--tool", $0] } ?? [])
            + (environment["OPENENV_TOOL_ARGUMENTS"].map { ["--arguments", $0] } ?? [])
    }

    @Test(
        "one row per session, every step answered and counted per episode, nothing dropped; slot waits, and sessions left waiting for one, only under oversubscribe",
        arguments: ["pool", "refill", "oversubscribe"]
    )
    func profile(_ name: String) async throws {
        let oversubscribe = name == "oversubscribe"
        let server = try #require(
            oversubscribe ? Self.environment["OPENENV_PROFILE_CAPPED_URL"] : Self.url,
            "OPENENV_PROFILE_CAPPED_URL: a server of capacity 4"
        )
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = directory.appendingPathComponent("summary.json")
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            [
                "run", "--url", server, "--profile", name, "-n", "\(Self.sessions)", "--duration", "3", "--window", "1",
                "-o", directory.path, "--summary-json", summary.path,
            ] + Self.workload + (oversubscribe ? ["--capacity-retry", "0.05-0.2"] : [])
        )
        #expect(status == 0, "\(output)")
        let run = try #require(try JSONCoding.parse(Data(contentsOf: summary))["runs"]?.arrayValue?.last, "\(output)")
        let measures = try #require(run["measures"])
        let rows = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
        let sessions = (run["successful"]?.integerValue ?? 0) + (run["failed"]?.integerValue ?? 0)
        #expect(rows.count == sessions && Set(rows.map(\.requestID)).count == rows.count, "one row per session")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.hasSuffix(".hlog") })
        let answered = try #require(measures["steps_answered"]?.integerValue)
        let episodes = try #require(measures["episodes"]?.integerValue)
        #expect(answered > 0 && measures["steps_sent"]?.integerValue == answered, "every step sent is answered")
        // Every finished episode has `steps` steps; each session in flight at the end may stop inside one more.
        #expect(
            (Self.steps * episodes...Self.steps * (episodes + Self.sessions)).contains(answered),
            "\(answered) steps for \(episodes) episodes of \(Self.steps)"
        )
        #expect(measures["sessions_dropped"] == 0)
        let slotWaits = try #require(measures["slot_wait"]?["count"]?.integerValue)
        let unserved = rows.filter { !$0.success }
        if oversubscribe {
            #expect(slotWaits > 0, "over capacity, slot waits are measured")
            #expect(unserved.allSatisfy { $0.errorType == "CAPACITY_REACHED" }, "\(unserved.map(\.errorMessage))")
        } else {
            #expect(slotWaits == 0 && unserved.isEmpty, "\(slotWaits) slot waits; \(unserved.map(\.errorMessage))")
        }
    }

    @Test("the capacity search: every probe up to the limit passes against a server of ample capacity")
    func capacity() async throws {
        let url = try #require(Self.url)
        let file = temporaryDirectory().appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            [
                "capacity", "--url", url, "--profile", "pool", "--start", "2", "--limit", "8", "--duration", "1",
                "--summary-json", file.path,
            ] + Self.workload
        )
        #expect(status == 0, "\(output)")
        let document = try JSONCoding.parse(try Data(contentsOf: file))
        let probes = try #require(document["probes"]?.arrayValue)
        #expect(document["sustainable_concurrency"] == 8 && !probes.isEmpty && probes.allSatisfy { $0["passed"] == true })
        #expect(probes.allSatisfy { $0["run"]?["measures"]?["steps_answered"]?.integerValue ?? 0 > 0 && $0["run"]?["failed"] == 0 })
    }
}
