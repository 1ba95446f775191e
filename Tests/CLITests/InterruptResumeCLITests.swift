import BenchResults
import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import LoadGen
import Testing

/// `openenv-bench run -o DIR` stopped with SIGINT and continued with `--resume`, as a user
/// does it: the built binary, a real signal, the files it leaves.
@Suite("openenv-bench SIGINT and --resume", .serialized, .timeLimit(.minutes(2)))
struct InterruptResumeCLITests {
    /// Two runs of 4 sessions: a short one, then one of 8 s steps, so the signal lands in the
    /// second even on a loaded machine.
    static let arguments = ["-n", "4", "--wait-grid", "0.2,8", "--pause", "0"]

    @Test("SIGINT writes what finished and marks the sweep incomplete; --resume runs only what is left")
    func interruptThenResume() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summaryFile = directory.appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: summaryFile) }
        let interrupted = try LaunchedProcess(
            "openenv-bench",
            Self.arguments + ["-o", directory.path, "--summary-json", summaryFile.path]
        )
        // Interrupt once the first run is written and the second is mid-step.
        try await interrupted.waitForOutput(containing: "[1/2]")
        try await Task.sleep(for: .seconds(1))
        interrupted.send(SIGINT)
        let firstStatus = try await interrupted.waitForExit()
        let firstOutput = interrupted.output
        #expect(firstStatus == 130, "\(firstOutput)")
        #expect(firstOutput.contains("run-state.json marks the sweep incomplete"), "\(firstOutput)")
        var document = try JSONCoding.parse(try Data(contentsOf: summaryFile))
        #expect(document["complete"] == false && document["runs"]?.arrayValue?.count == 1, "\(document)")
        #expect(document["interruption"]?.stringValue?.contains("interrupted during run 2/2") == true, "\(document)")

        var state = try #require(try SweepState.load(from: directory))
        #expect(!state.isComplete && state.finished == [0] && state.interruptedRun == 1)
        #expect(state.partialRawLines == [5...8])
        var rows = try rawRows(directory)
        #expect(rows.count == 4 + 4, "every started session is one row")
        #expect(rows.prefix(4).allSatisfy { $0.success })
        let lastRun = rows.suffix(4).map(\.errorType)
        #expect(lastRun.allSatisfy { $0 == FailureKind.interrupted }, "\(lastRun)")
        let header = CSV.line(RunSummary.columns)
        var summary = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.hasPrefix(header))
        #expect(summary.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "header and the finished run only")

        let (resumedStatus, secondOutput) = try await LaunchedProcess.run(
            "openenv-bench",
            Self.arguments + ["-o", directory.path, "--resume", "--summary-json", summaryFile.path]
        )
        #expect(resumedStatus == 0, "\(secondOutput)")
        document = try JSONCoding.parse(try Data(contentsOf: summaryFile))
        #expect(document["complete"] == true && document["runs"]?.arrayValue?.count == 2, "the resumed run and the new one")
        #expect(secondOutput.contains("[2/2]") && !secondOutput.contains("[1/2]"), "only the unfinished run: \(secondOutput)")
        // The table (and the threshold checks) still cover the run finished before the SIGINT.
        #expect(secondOutput.range(of: #"ws +4 +0\.20 +1 +4"#, options: .regularExpression) != nil, "\(secondOutput)")
        state = try #require(try SweepState.load(from: directory))
        #expect(state.isComplete && state.partialRawLines == [5...8])
        rows = try rawRows(directory)
        #expect(rows.count == 4 + 4 + 4)
        #expect(rows.suffix(4).allSatisfy { $0.success })
        summary = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3)
    }

    @Test("kill -9 mid-run leaves only whole lines of finished runs; --resume runs the killed run again")
    func killThenResume() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let killed = try LaunchedProcess("openenv-bench", Self.arguments + ["-o", directory.path])
        try await killed.waitForOutput(containing: "[1/2]")
        try await Task.sleep(for: .seconds(1))
        killed.send(SIGKILL)
        _ = try await killed.waitForExit()
        // SIGKILL cannot be caught: the killed run's sessions have no rows, the finished run's do.
        var state = try #require(try SweepState.load(from: directory))
        #expect(state.finished == [0] && state.interruptedRun == nil && state.pendingWrite == nil, "\(state)")
        #expect(try rawRows(directory).count == 4)

        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            Self.arguments + ["-o", directory.path, "--resume"]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("[2/2]") && !output.contains("[1/2]"), "only the killed run: \(output)")
        state = try #require(try SweepState.load(from: directory))
        #expect(state.isComplete)
        let rows = try rawRows(directory)
        #expect(rows.count == 8 && rows.allSatisfy(\.success), "\(rows.count) rows")
        #expect(try summaryLines(directory) == 3, "header and two runs")
    }

    @Test("a write cut short by a kill (torn last lines, the state's pending write) is cut back by --resume")
    func tornWriteThenResume() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (firstStatus, firstOutput) = try await LaunchedProcess.run(
            "openenv-bench",
            ["-n", "4", "--wait-grid", "0,0", "--pause", "0", "-o", directory.path]
        )
        #expect(firstStatus == 0, "\(firstOutput)")
        // What a kill in the middle of writing run 2 leaves: the state says run 2's write began
        // where run 1's rows end, and both files end past that in a torn line.
        let raw = directory.appendingPathComponent("raw.jsonl")
        let summary = directory.appendingPathComponent("summary.csv")
        let rawBytes = try Data(contentsOf: raw)
        let summaryBytes = try Data(contentsOf: summary)
        let run1End = ResultsWriter.Offsets(
            raw: UInt64(try #require(offset(afterLine: 4, in: rawBytes))),
            summary: UInt64(try #require(offset(afterLine: 2, in: summaryBytes)))
        )
        try rawBytes.prefix(try #require(offset(afterLine: 5, in: rawBytes)) + 10).write(to: raw)  // row 5 whole, row 6 torn
        try summaryBytes.prefix(Int(run1End.summary) + 6).write(to: summary)
        var state = try #require(try SweepState.load(from: directory))
        state.finished = [0]
        state.pendingWrite = run1End
        try state.save(to: directory)

        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            ["-n", "4", "--wait-grid", "0,0", "--pause", "0", "-o", directory.path, "--resume"]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("dropped the torn last line of raw.jsonl"), "\(output)")
        let rows = try rawRows(directory)
        #expect(rows.count == 8 && rows.allSatisfy(\.success), "every line whole, none of the cut write kept: \(rows.count)")
        #expect(try summaryLines(directory) == 3)
        state = try #require(try SweepState.load(from: directory))
        #expect(state.isComplete && state.pendingWrite == nil)
    }

    @Test("--resume refuses a directory that holds a different sweep")
    func resumeDifferentSweep() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SweepState(runs: ["ws N=1 wait=0.0 rep=1"]).save(to: directory)
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            ["-n", "2", "-w", "0", "-o", directory.path, "--resume"]
        )
        #expect(status == 1, "\(output)")
        #expect(output.contains("holds a different sweep"), "\(output)")
    }

    @Test("--resume refuses a directory whose sweep sent another workload")
    func resumeDifferentWorkload() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SweepState(runs: ["ws N=2 wait=0.0 rep=1"], workload: "tool:echo_message").save(to: directory)
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            ["-n", "2", "-w", "0", "-o", directory.path, "--resume"]
        )
        #expect(status == 1, "\(output)")
        #expect(output.contains("holds a sweep of workload 'tool:echo_message', this run sends 'benchmark'"), "\(output)")
    }

    private func summaryLines(_ directory: URL) throws -> Int {
        try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
            .components(separatedBy: "\r\n").filter { !$0.isEmpty }.count
    }

    /// The byte offset just past the `line`-th newline of `data`.
    private func offset(afterLine line: Int, in data: Data) -> Int? {
        var seen = 0
        for (index, byte) in data.enumerated() where byte == 0x0A {
            seen += 1
            if seen == line { return index + 1 }
        }
        return nil
    }

    /// Every line of `raw.jsonl` must be a whole row: a torn one fails the parse.
    private func rawRows(_ directory: URL) throws -> [SessionResult] {
        try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
    }
}
