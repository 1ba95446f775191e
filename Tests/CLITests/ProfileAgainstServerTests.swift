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
    .enabled(if: TestSettings.current.scriptedRuns.profileURL != nil, "set by ci/fixture-check"),
    .serialized,
    .timeLimit(.minutes(3))
)
struct ProfileAgainstServerTests {
    static let run = TestSettings.current.scriptedRuns
    static let url = run.profileURL
    static let steps = 3
    static let sessions = 8

    static var workload: [String] {
        ["--steps", "\(steps)", "--think", "0.05"]
            + (run.tool.map { ["--tool", $0] } ?? [])
            + (run.toolArguments.map { ["--arguments", $0] } ?? [])
    }

    @Test(
        "one row per session, every step answered and counted per episode, nothing dropped; slot waits, and sessions left waiting for one, only under oversubscribe",
        arguments: ["pool", "refill", "oversubscribe"]
    )
    func profile(_ name: String) async throws {
        let oversubscribe = name == "oversubscribe"
        let server = try #require(
            oversubscribe ? Self.run.profileCappedURL : Self.url,
            "OPENENV_PROFILE_CAPPED_URL: a server of capacity 4"
        )
        let run = try await ProfileCLITests().profile(
            ["run", "--url", server, "--profile", name, "-n", "\(Self.sessions)", "--duration", "3", "--window", "1"]
                + Self.workload + (oversubscribe ? ["--capacity-retry", "0.05-0.2"] : [])
        )
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(run.status == 0, "\(run.output)")
        let measures = run.measures
        let rows = run.rows
        let sessions = (run.summary["successful"]?.integerValue ?? 0) + (run.summary["failed"]?.integerValue ?? 0)
        #expect(rows.count == sessions && Set(rows.map(\.requestID)).count == rows.count, "one row per session")
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
