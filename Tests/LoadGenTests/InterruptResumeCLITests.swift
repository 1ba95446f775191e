import EnvProtocol
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
        let log = directory.appendingPathExtension("log")
        defer { try? FileManager.default.removeItem(at: log) }

        let interrupted = try launch(Self.arguments + ["-o", directory.path], output: log)
        // Interrupt once the first run is written and the second is mid-step.
        try await waitForOutput(log, containing: "[1/2]")
        try await Task.sleep(for: .seconds(1))
        interrupted.interrupt()
        try await waitForExit(interrupted)
        let firstOutput = try String(contentsOf: log, encoding: .utf8)
        #expect(interrupted.terminationStatus == 130, "\(firstOutput)")
        #expect(firstOutput.contains("run-state.json marks the sweep incomplete"), "\(firstOutput)")

        var state = try #require(try SweepState.load(from: directory))
        #expect(!state.isComplete && state.finished == [0] && state.interruptedRun == 1)
        #expect(state.partialRawLines == [5...8])
        var rows = try rawRows(directory)
        #expect(rows.count == 4 + 4, "every started session is one row")
        #expect(rows.prefix(4).allSatisfy { $0.success })
        let lastRun = rows.suffix(4).map(\.errorType)
        #expect(lastRun.allSatisfy { $0 == SessionErrorType.interrupted }, "\(lastRun)")
        let header = CSV.line(RunSummary.columns)
        var summary = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.hasPrefix(header))
        #expect(summary.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "header and the finished run only")

        let resumed = try launch(Self.arguments + ["-o", directory.path, "--resume"], output: log)
        try await waitForExit(resumed)
        let secondOutput = try String(contentsOf: log, encoding: .utf8)
        #expect(resumed.terminationStatus == 0, "\(secondOutput)")
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

    @Test("--resume refuses a directory that holds a different sweep")
    func resumeDifferentSweep() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SweepState(runs: ["ws N=1 wait=0.0 rep=1"]).save(to: directory)
        let log = directory.appendingPathComponent("log")
        let process = try launch(["-n", "2", "-w", "0", "-o", directory.path, "--resume"], output: log)
        try await waitForExit(process)
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 1, "\(output)")
        #expect(output.contains("holds a different sweep"), "\(output)")
    }

    private func launch(_ arguments: [String], output: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = try builtExecutable("openenv-bench")
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func waitForOutput(_ log: URL, containing text: String) async throws {
        let end = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            if let output = try? String(contentsOf: log, encoding: .utf8), output.contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no '\(text)' in the output within 60 s")
    }

    private func rawRows(_ directory: URL) throws -> [SessionResult] {
        try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
    }
}
