import BenchResults
import Foundation
import Testing

/// ``ShardMerge`` and ``ShardResults``: shards written with ``ResultsWriter`` as the run
/// command writes them, merged, and read back. Run with `swift test --filter ShardMergeTests`.
@Suite struct ShardMergeTests {
    /// A run's end: every shard's runs end around here.
    static let end = 1_800_000_000.0

    /// A fresh directory under the temporary folder (removed by the caller).
    func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("shard-merge-\(UUID().uuidString)")
    }

    /// Rows of one shard's run: one per latency, `nil` for a failed session.
    func rows(
        _ latencies: [Double?],
        n: Int? = nil,
        mode: LoadMode = .ws,
        wait: Double = 0.1,
        host: String = "node1:8001"
    )
        -> [SessionResult]
    {
        latencies.enumerated().map { id, latency in
            var row = SessionResult(
                requestID: id,
                mode: mode,
                timestamp: Timestamp.format(Date(timeIntervalSince1970: Self.end - 1)),
                waitRequested: wait,
                batchSize: n ?? latencies.count,
                hardware: "ci"
            )
            if let latency {
                row.success = true
                row.connectLatency = latency / 4
                row.resetLatency = latency / 4
                row.stepLatency = latency / 2
                row.totalLatency = latency
                row.pid = 100 + id
                row.sessionHash = "\(host)-\(id)"
                row.hostURL = host
            } else {
                row.errorType = FailureKind(rawValue: "CAPACITY_REACHED")
                row.errorMessage = "full"
            }
            return row
        }
    }

    /// One run of a shard as the sweep would summarise it.
    struct ShardRun {
        var rows: [SessionResult]
        var wait = 0.1
        var repetition = 1
        var wall = 1.0
        var end = ShardMergeTests.end
        var hardware = "ci"
    }

    /// Writes a shard directory holding `runs`.
    @discardableResult
    func shard(_ runs: [ShardRun], at url: URL? = nil) throws -> URL {
        let url = url ?? directory()
        let writer = try ResultsWriter(directory: url)
        for run in runs {
            let summary = RunSummary(
                results: run.rows,
                mode: run.rows.first?.mode ?? .ws,
                url: "http://head:8000",
                numRequests: run.rows.count,
                waitSeconds: run.wait,
                repetition: run.repetition,
                totalWallTime: run.wall,
                hardware: run.hardware,
                timestamp: Timestamp.format(Date(timeIntervalSince1970: run.end))
            )
            try writer.append(results: run.rows, summary: summary)
        }
        return url
    }

    func merge(_ urls: [URL]) throws -> ShardMerge {
        try ShardMerge(shards: urls.map { try ShardResults(directory: $0) })
    }

    func remove(_ urls: URL...) {
        for url in urls { try? FileManager.default.removeItem(at: url) }
    }

    /// Expects `body` to throw a ``ShardMergeError`` with `code`, and returns its description.
    @discardableResult
    func expectError(
        _ code: ShardMergeError.Code,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) -> String {
        do {
            try body()
            Issue.record("expected a \(code) error, got none", sourceLocation: sourceLocation)
        } catch let error as ShardMergeError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error.description
        } catch {
            Issue.record("expected a ShardMergeError, got \(error)", sourceLocation: sourceLocation)
        }
        return ""
    }

    @Test("percentiles are taken over the union of the shards' sessions, not averaged")
    func percentilesOverTheUnion() throws {
        let a = try shard([ShardRun(rows: rows([1, 2, 3]))])
        let b = try shard([ShardRun(rows: rows([10, nil, nil], host: "node2:8001"))])
        defer { remove(a, b) }
        let summary = try #require(try merge([a, b]).summaries.first)
        #expect(summary.successful == 4 && summary.failed == 2)
        // Successful union [1, 2, 3, 10]: p50 at rank 1.5 = 2.5; the shards' own p50s (2 and 10) average 6.
        #expect(summary.totalP50 == 2.5)
        #expect(summary.totalP99 == Percentile.of([1, 2, 3, 10], 99))
        #expect(summary.totalMin == 1 && summary.totalMax == 10 && summary.totalAvg == 4)
        #expect(summary.step.p50 == 1.25, "phases too: step latencies [0.5, 1, 1.5, 5]")
        #expect(summary.uniqueHosts == 2, "hosts counted over both shards")
    }

    @Test("one summary row per run, every row kept, ids unique and batch_size the merged burst")
    func oneRowPerRunEveryRowKept() throws {
        let a = try shard([ShardRun(rows: rows([1, 1, 1])), ShardRun(rows: rows([1, 1, 1, 1, 1]), repetition: 2)])
        let b = try shard([ShardRun(rows: rows([2, nil, 2])), ShardRun(rows: rows([2, 2, 2, 2, 2]), repetition: 2)])
        let output = directory()
        defer { remove(a, b, output) }
        let merged = try merge([a, b])
        #expect(merged.summaries.map(\.numRequests) == [6, 10])
        #expect(merged.summaries.map(\.repetition) == [1, 2])
        #expect(merged.summaries.map(\.successful) == [5, 10] && merged.summaries.map(\.failed) == [1, 0])
        #expect(merged.summaries[0].errorRate == 1.0 / 6)
        #expect(merged.runs.map(\.shardSessions) == [[3, 3], [5, 5]])
        #expect(merged.runs[0].rows.map(\.requestID) == [0, 1, 2, 3, 4, 5])
        #expect(merged.runs[1].rows.allSatisfy { $0.batchSize == 10 })
        #expect(merged.runs[0].rows.filter { !$0.success }.map(\.errorType?.rawValue) == ["CAPACITY_REACHED"], "failures are kept")

        try merged.write(to: output)
        let raw = try String(contentsOf: output.appendingPathComponent("raw.jsonl"), encoding: .utf8)
        #expect(raw.split(separator: "\n").count == 16)
        #expect(try RunSummary.read(resultsDirectory: output) == merged.summaries, "summary.csv reads back as written")
        let reread = try ShardResults(directory: output)
        #expect(reread.runs.map(\.rows) == merged.runs.map(\.rows), "raw.jsonl holds every merged row, in order")
    }

    @Test("wall time runs from the earliest shard's start to the latest shard's end")
    func wallTime() throws {
        let a = try shard([ShardRun(rows: rows([1, 1]), wall: 2, end: Self.end)])
        let b = try shard([ShardRun(rows: rows([1, 1]), wall: 1.5, end: Self.end + 1)])
        defer { remove(a, b) }
        let merged = try merge([a, b])
        let run = try #require(merged.runs.first)
        #expect(abs(run.summary.totalWallTime - 3) < 1e-5, "from end - 2 to end + 1")
        #expect(abs(run.startSpread - 1.5) < 1e-5)
        #expect(abs(run.summary.requestsPerSecond - 4.0 / 3) < 1e-5)
        #expect(abs(run.summary.effectiveConcurrency - 4 * 0.1 / 3) < 1e-5)
        #expect(Timestamp.parse(run.summary.timestamp).map { abs($0 - (Self.end + 1)) < 1e-5 } == true, "ends with the last shard")
        #expect(abs(merged.startedAt - (Self.end - 2)) < 1e-5)
    }

    @Test("shards of different grids, run counts or hardware, or one directory twice, are refused")
    func mismatches() throws {
        let a = try shard([ShardRun(rows: rows([1, 1]))])
        let otherN = try shard([ShardRun(rows: rows([1, 1, 1]))])
        let otherWait = try shard([ShardRun(rows: rows([1, 1], wait: 0.5), wait: 0.5)])
        let otherMode = try shard([ShardRun(rows: rows([1, 1], mode: .http))])
        let longer = try shard([ShardRun(rows: rows([1, 1])), ShardRun(rows: rows([1, 1]), repetition: 2)])
        let otherHardware = try shard([ShardRun(rows: rows([1, 1]), hardware: "gpu")])
        defer { remove(a, otherN, otherWait, otherMode, longer, otherHardware) }
        let message = expectError(.mismatch) { _ = try merge([a, otherN]) }
        #expect(message.contains("run 1 is ws N=3 wait=0.1 rep=1") && message.contains("ws N=2"), "\(message)")
        expectError(.mismatch) { _ = try merge([a, otherWait]) }
        expectError(.mismatch) { _ = try merge([a, otherMode]) }
        expectError(.mismatch) { _ = try merge([a, longer]) }
        expectError(.mismatch) { _ = try merge([a, otherHardware]) }
        expectError(.mismatch) { _ = try merge([a, URL(fileURLWithPath: a.path + "/.")]) }
        expectError(.noShards) { _ = try ShardMerge(shards: []) }
    }

    @Test("missing files, and a raw.jsonl that does not add up to its summary.csv, are unreadable")
    func unreadableShards() throws {
        let empty = directory()
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let noRaw = try shard([ShardRun(rows: rows([1]))])
        try FileManager.default.removeItem(at: noRaw.appendingPathComponent("raw.jsonl"))
        let short = try shard([ShardRun(rows: rows([1, 1]))])
        let raw = short.appendingPathComponent("raw.jsonl")
        let lines = try String(contentsOf: raw, encoding: .utf8).split(separator: "\n")
        try (lines[0] + "\n").write(to: raw, atomically: true, encoding: .utf8)
        let garbage = try shard([ShardRun(rows: rows([1, 1]))])
        let garbageRaw = garbage.appendingPathComponent("raw.jsonl")
        let garbageLines = try String(contentsOf: garbageRaw, encoding: .utf8).split(separator: "\n")
        try (garbageLines[0] + "\n{\"request_id\": 1, \"mo\n" + garbageLines[1] + "\n").write(to: garbageRaw, atomically: true, encoding: .utf8)
        let nanCount = try shard([ShardRun(rows: rows([1]))])
        let summaryURL = nanCount.appendingPathComponent("summary.csv")
        let csv = try String(contentsOf: summaryURL, encoding: .utf8).components(separatedBy: "\r\n")
        var fields = csv[1].components(separatedBy: ",")
        fields[RunSummary.columns.firstIndex(of: "num_requests")!] = "nan"
        try [csv[0], fields.joined(separator: ","), ""].joined(separator: "\r\n").write(to: summaryURL, atomically: true, encoding: .utf8)
        let hugeID = try shard([ShardRun(rows: rows([1]))])
        let hugeRaw = hugeID.appendingPathComponent("raw.jsonl")
        try String(contentsOf: hugeRaw, encoding: .utf8).replacingOccurrences(of: #""request_id": 0"#, with: #""request_id": 9223372036854775807"#)
            .write(to: hugeRaw, atomically: true, encoding: .utf8)
        defer { remove(empty, noRaw, short, garbage, nanCount, hugeID) }
        #expect(expectError(.unreadable) { _ = try ShardResults(directory: nanCount) }.contains("num_requests 'nan' is not a count"))
        #expect(expectError(.unreadable) { _ = try ShardResults(directory: hugeID) }.contains("line 1: request_id or batch_size is out of range"))
        #expect(expectError(.unreadable) { _ = try ShardResults(directory: empty) }.contains("no summary.csv"))
        #expect(expectError(.unreadable) { _ = try ShardResults(directory: noRaw) }.contains("no raw.jsonl"))
        let message = expectError(.unreadable) { _ = try ShardResults(directory: short) }
        #expect(message.contains("run 1 of summary.csv has 2 sessions, raw.jsonl only 1 rows left"), "\(message)")
        #expect(expectError(.unreadable) { _ = try ShardResults(directory: garbage) }.contains("line 2 is not a raw.jsonl row"))
    }

    @Test("a torn last line and rows of an unfinished run are counted and dropped, not fatal")
    func tornAndUnfinished() throws {
        let url = try shard([ShardRun(rows: rows([1, 1]))])
        defer { remove(url) }
        try ResultsWriter(directory: url).append(rows: rows([1, 1, 1]))
        let handle = try FileHandle(forWritingTo: url.appendingPathComponent("raw.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"request_id": 3, "mode": "w"#.utf8))
        try handle.close()
        let shard = try ShardResults(directory: url)
        #expect(shard.tornLastLine && shard.unfinishedRows == 3)
        #expect(shard.runs.map(\.rows.count) == [2])
        #expect(shard.droppedNotes.count == 2, "\(shard.droppedNotes)")
        #expect(try ShardMerge(shards: [shard]).summaries.map(\.numRequests) == [2])
    }

    @Test("rows of an interrupted run that --resume re-ran (run-state.json) are skipped")
    func supersededRows() throws {
        let url = directory()
        defer { remove(url) }
        let writer = try ResultsWriter(directory: url)
        let partial = try #require(try writer.append(rows: rows([1, nil])))
        var state = SweepState(runs: ["ws N=2 wait=0.1 rep=1"])
        state.partialRawLines = [partial]
        state.finished = [0]
        try state.save(to: url)
        try shard([ShardRun(rows: rows([1, 1]))], at: url)
        let shard = try ShardResults(directory: url)
        #expect(shard.supersededRows == 2 && shard.unfinishedRows == 0)
        #expect(shard.runs.first?.rows.allSatisfy(\.success) == true)
    }

    @Test("the shards' workload (run-state.json) must agree and is written to the merged run-state.json")
    func workloads() throws {
        let a = try shard([ShardRun(rows: rows([1, 1]))])
        let b = try shard([ShardRun(rows: rows([1, 1]))])
        let other = try shard([ShardRun(rows: rows([1, 1]))])
        let merged = directory()
        defer { remove(a, b, other, merged) }
        for url in [a, b] { try SweepState(runs: ["ws N=2 wait=0.1 rep=1"], workload: "tool:add").save(to: url) }
        try SweepState(runs: ["ws N=2 wait=0.1 rep=1"], workload: "benchmark").save(to: other)
        let message = expectError(.mismatch) { _ = try merge([a, other]) }
        #expect(message.contains("different workloads (benchmark, tool:add)"), "\(message)")
        try merge([a, b]).write(to: merged)
        let state = try #require(try SweepState.load(from: merged))
        #expect(state.workload == "tool:add" && state.isComplete && state.runs == ["ws N=4 wait=0.1 rep=1"])
    }

    @Test("an output directory that already holds results is refused, never appended to")
    func outputExists() throws {
        let a = try shard([ShardRun(rows: rows([1]))])
        defer { remove(a) }
        expectError(.outputExists) { try merge([a]).write(to: a) }
        #expect(try RunSummary.read(resultsDirectory: a).count == 1, "the shard is left as it was")
    }

    @Test("timestamps read back as written; anything else is nil")
    func timestamps() {
        let date = Date(timeIntervalSince1970: 1_768_306_002.123456)
        #expect(Timestamp.parse(Timestamp.format(date)).map { abs($0 - date.timeIntervalSince1970) < 1e-5 } == true)
        #expect(Timestamp.parse("2026-01-13T12:23:22Z") == 1_768_307_002)
        for text in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-01-13T12:23", "2026-01-13T12:23:22.Z", "99999999999-01-01T00:00:00Z"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
