import BenchResults
import EnvProtocol
import Foundation
import Testing

/// Hand-computed expectations for the seed benchmark's statistics.
@Suite("Statistics and analysis")
struct StatisticsTests {
    @Test("percentiles interpolate linearly between closest ranks")
    func percentiles() {
        // k = (n - 1) · p / 100 over [1, 2, 3, 4]: p50 → k = 1.5 → 2.5; p90 → k = 2.7 → 3.7.
        #expect(Percentile.of([4, 1, 3, 2], 50) == 2.5)
        #expect(abs(Percentile.of([4, 1, 3, 2], 90) - 3.7) < 1e-12)
        #expect(Percentile.of([4, 1, 3, 2], 0) == 1)
        #expect(Percentile.of([4, 1, 3, 2], 100) == 4)
        #expect(Percentile.of([7], 99) == 7)
        #expect(Percentile.of([], 99) == 0)
    }

    private func row(
        _ id: Int,
        total: Double,
        success: Bool = true,
        pid: Int = 1,
        hash: String = "a",
        host: String = "h:1"
    )
        -> SessionResult
    {
        var row = SessionResult(
            requestID: id,
            mode: .ws,
            timestamp: "t",
            waitRequested: 1,
            batchSize: 4,
            hardware: "cpu-basic"
        )
        row.success = success
        row.totalLatency = total
        if success {
            (row.connectLatency, row.resetLatency, row.stepLatency) = (0.1 * Double(id + 1), 0.01, 1)
            (row.pid, row.sessionHash, row.hostURL) = (pid, hash, host)
        }
        return row
    }

    @Test("a run summary uses successful sessions only, with the seed's formulas")
    func summary() {
        let results = [
            row(0, total: 1.0, pid: 10, hash: "a", host: "x:1"), row(1, total: 2.0, pid: 11, hash: "b", host: "y:1"),
            row(2, total: 3.0, pid: 10, hash: "c", host: "x:1"), row(3, total: 9.0, success: false),
        ]
        let s = RunSummary(
            results: results,
            mode: .ws,
            url: "u",
            numRequests: 4,
            waitSeconds: 1,
            repetition: 1,
            totalWallTime: 2,
            hardware: "cpu-basic"
        )
        #expect(s.successful == 3 && s.failed == 1 && s.errorRate == 0.25)
        #expect(s.totalMin == 1 && s.totalMax == 3 && s.totalAvg == 2 && s.totalP50 == 2)
        #expect(abs(s.totalP99 - 2.98) < 1e-12)  // k = 2 · 0.99 = 1.98 → 2 + 0.98
        #expect(abs(s.connect.p50 - 0.2) < 1e-12)
        #expect(s.requestsPerSecond == 1.5)  // 3 successful / 2 s
        #expect(s.effectiveConcurrency == 2)  // 4 sessions × 1 s / 2 s
        #expect(s.uniquePIDs == 2 && s.uniqueSessions == 3 && s.uniqueHosts == 2)
    }

    private func summary(
        _ mode: LoadMode = .ws,
        n: Int,
        wait: Double = 1,
        rep: Int = 1,
        success: Double,
        p99: Double
    )
        -> RunSummary
    {
        var s = RunSummary(
            results: [],
            mode: mode,
            url: "u",
            numRequests: n,
            waitSeconds: wait,
            repetition: rep,
            totalWallTime: 1,
            hardware: "h"
        )
        s.errorRate = 1 - success
        s.successful = Int((success * Double(n)).rounded())
        s.failed = n - s.successful
        s.totalP99 = p99
        return s
    }

    @Test("max batch: largest batch whose success averaged over reps reaches the threshold")
    func maxBatch() {
        let summaries = [
            summary(n: 32, success: 1, p99: 1.1), summary(n: 32, rep: 2, success: 1, p99: 1.1),
            summary(n: 512, success: 1, p99: 2.5), summary(n: 512, rep: 2, success: 0.92, p99: 2.9),  // mean 0.96
            summary(n: 2048, success: 1, p99: 3.5), summary(n: 2048, rep: 2, success: 0.8, p99: 4),  // mean 0.90
        ]
        let analysis = CapacityAnalysis(summaries: summaries)
        let key = CapacityAnalysis.Key(mode: .ws, wait: 1)
        #expect(analysis.maxBatch[key] == 512)
        // Latency bound for wait 1 s is 3 s: 512's p99 values 2.5 and 2.9 pass, 2048 fails both ways.
        #expect(analysis.latencyBoundedCapacity[key] == 512)
        #expect(analysis.batchPerCore(key, cores: 2) == 256)
        #expect(CapacityAnalysis(summaries: summaries, threshold: 0.99).maxBatch[key] == 32)
        let slow = CapacityAnalysis(summaries: [summary(n: 32, success: 1, p99: 3.01)])
        #expect(slow.latencyBoundedCapacity[key] == .some(nil), "p99 just above 2 × (wait + 0.5) disqualifies")
    }

    @Test("thresholds: failed runs are named, and a run with no success has no p99 to pass")
    func thresholds() {
        let violations = SweepChecks(minSuccess: 0.95, maxP99: 3).violations(
            [summary(n: 32, success: 1, p99: 1), summary(n: 64, success: 0.5, p99: 4), summary(n: 128, success: 0, p99: 0)])
        #expect(violations.count == 4)
        #expect(violations.allSatisfy { !$0.contains("N=32 ") })
    }

    @Test("host checks: a run served by too few hosts is reported, and fails only with requireHosts")
    func hostChecks() {
        var run = summary(n: 32, success: 1, p99: 1)
        run.uniqueHosts = 1
        let report = SweepChecks(expectedHosts: 2)
        #expect(report.hostShortfall(run)?.contains("1 distinct host_url values served it, expected 2") == true)
        #expect(report.violations([run]).isEmpty)
        #expect(SweepChecks(expectedHosts: 2, requireHosts: true).violations([run]).count == 1)
        run.uniqueHosts = 2
        #expect(SweepChecks(expectedHosts: 2, requireHosts: true).violations([run]).isEmpty)
    }
}

/// The files' formats, compared with the seed's byte for byte.
@Suite("Result files")
struct ResultFileTests {
    /// The header `csv.DictWriter` wrote for the seed's `RunSummary` dataclass.
    static let seedSummaryHeader =
        "mode,url,num_requests,batch_size,wait_seconds,repetition,timestamp,hardware,successful,failed,error_rate,"
        + "total_wall_time,connect_p50,connect_p95,connect_p99,reset_p50,reset_p95,reset_p99,step_p50,step_p95,"
        + "step_p99,total_min,total_max,total_avg,total_p50,total_p90,total_p95,total_p99,requests_per_second,"
        + "effective_concurrency,unique_pids,unique_sessions,unique_hosts\r\n"

    @Test("summary.csv header equals the seed's byte for byte")
    func summaryHeader() {
        #expect(CSV.line(RunSummary.columns) == Self.seedSummaryHeader)
    }

    @Test("raw.jsonl rows carry exactly the seed's keys, in order, and parse back")
    func rawRows() throws {
        var row = SessionResult(
            requestID: 3,
            mode: .http,
            timestamp: "2026-01-13T12:23:22.123456Z",
            waitRequested: 1,
            batchSize: 8,
            hardware: "cpu-basic"
        )
        row.errorType = "CAPACITY_REACHED"
        row.errorMessage = "Server at capacity"
        let line = row.jsonLine
        #expect(line.hasPrefix(#"{"request_id": 3, "mode": "http", "timestamp": "2026-01-13T12:23:22.123456Z""#))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).keys
        #expect(Set(keys) == Set(SessionResult.columns) && keys.count == 17)
        #expect(try SessionResult(jsonLine: line) == row)
    }

    @Test("files are appended run by run; the header is written once")
    func appending() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ResultsWriter(directory: directory)
        let rows = (0..<3).map {
            SessionResult(requestID: $0, mode: .ws, timestamp: "t", waitRequested: 0, batchSize: 3, hardware: "h")
        }
        let summary = RunSummary(
            results: rows,
            mode: .ws,
            url: "u,with comma",
            numRequests: 3,
            waitSeconds: 0,
            repetition: 1,
            totalWallTime: 1,
            hardware: "h"
        )
        try writer.append(results: rows, summary: summary)
        try writer.append(results: rows, summary: summary)
        let csv = try String(contentsOf: writer.summaryURL, encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3)
        #expect(csv.hasPrefix(Self.seedSummaryHeader))
        let fields = CSV.fields(of: csv.components(separatedBy: "\r\n")[1][...])
        #expect(fields.count == RunSummary.columns.count && fields[1] == "u,with comma")
        let raw = try String(contentsOf: writer.rawURL, encoding: .utf8)
        #expect(raw.split(separator: "\n").count == 6)
    }

    @Test("timestamps are UTC with microseconds and a Z")
    func timestamps() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_768_306_002.5)) == "2026-01-13T12:06:42.500000Z")
        // Every field zero-padded to its width.
        #expect(Timestamp.format(Date(timeIntervalSince1970: 946_688_461 + 0x1p-16)) == "2000-01-01T01:01:01.000015Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
    }

    @Test("now() is the current time in the same format")
    func timestampNow() throws {
        let before = Timestamp.format(Date())
        let now = Timestamp.now()
        let after = Timestamp.format(Date())
        #expect(now.utf8.count == 27 && now.hasSuffix("Z"), "\(now)")
        #expect(before <= now && now <= after, "\(before) \(now) \(after)")
    }
}

@Suite("Observations of either protocol")
struct ObservationRecordingTests {
    @Test("a row reads pid, session and host from a 0.3 or a 0.10 observation (metadata, unknown fields ignored)")
    func recordsEitherProtocol() throws {
        let observations: [JSONValue] = [
            ["waited_seconds": 0.5, "pid": 42, "session_hash": "abcdef012345", "host_url": "vm:8000", "step_count": 1],
            [
                "metadata": ["k": 1], "waited_seconds": 0.5, "pid": 42, "session_hash": "abcdef012345", "host_url": "vm:8000",
                "step_count": 1, "board": [[1, 2], [3]],
            ],
        ]
        for observation in observations {
            var row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 0.5, batchSize: 1, hardware: "h")
            try row.record(observation)
            #expect(row.pid == 42 && row.waitedSeconds == 0.5 && row.sessionHash == "abcdef012345" && row.hostURL == "vm:8000")
        }
        var row = SessionResult(requestID: 0, mode: .ws, timestamp: "t", waitRequested: 0.5, batchSize: 1, hardware: "h")
        #expect(throws: InvalidObservation.self) { try row.record(["pid": "not a number"]) }
    }
}
