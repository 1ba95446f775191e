public import Foundation

extension RunSummary {
    /// Reads `summary.csv` of a results directory written by `openenv-bench run -o DIR`.
    ///
    /// - Throws: ``ResultsFileError`` when there is no `summary.csv`, or it holds no runs.
    public static func read(resultsDirectory directory: URL) throws -> [RunSummary] {
        let url = directory.appendingPathComponent("summary.csv")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ResultsFileError(path: directory.path, reason: "no summary.csv (write one with openenv-bench run -o \(directory.path))")
        }
        let summaries = try read(contentsOf: url)
        guard !summaries.isEmpty else { throw ResultsFileError(path: url.path, reason: "no runs") }
        return summaries
    }

    /// Reads every row of a `summary.csv` (ours or the seed's), by column name, so a file with
    /// extra or reordered columns still reads.
    ///
    /// - Throws: ``ResultsFileError`` naming the file, line and column that could not be read.
    public static func read(contentsOf url: URL) throws -> [RunSummary] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard let header = lines.first.map(CSV.fields(of:)) else { return [] }
        return try lines.dropFirst().enumerated().map { offset, line in
            let row = Dictionary(zip(header, CSV.fields(of: line)), uniquingKeysWith: { first, _ in first })
            do {
                return try RunSummary(csvRow: row)
            } catch let error as ResultsFileError {
                throw ResultsFileError(path: url.path, line: offset + 2, reason: error.reason)
            }
        }
    }

    /// One `summary.csv` row, keyed by column name.
    public init(csvRow row: [String: String]) throws {
        func text(_ column: String) throws -> String {
            guard let value = row[column] else { throw ResultsFileError(reason: "no column '\(column)'") }
            return value
        }
        func number(_ column: String) throws -> Double {
            let value = try text(column)
            guard let number = Double(value) else { throw ResultsFileError(reason: "\(column) '\(value)' is not a number") }
            return number
        }
        // A count: `Int(_:)` of NaN, an infinity or 1e300 would trap, and a negative count
        // means nothing (the seed wrote counts as integers, some tools as `32.0`).
        func count(_ column: String) throws -> Int {
            let value = try number(column)
            guard value >= 0, value <= Double(1 << 53), value.rounded() == value else {
                throw ResultsFileError(reason: "\(column) '\(try text(column))' is not a count")
            }
            return Int(value)
        }
        let modeText = try text("mode")
        guard let mode = LoadMode(rawValue: modeText) else { throw ResultsFileError(reason: "mode '\(modeText)' is not ws or http") }
        self.init(
            results: [],
            mode: mode,
            url: try text("url"),
            numRequests: try count("num_requests"),
            waitSeconds: try number("wait_seconds"),
            repetition: try count("repetition"),
            totalWallTime: 0,
            hardware: try text("hardware"),
            timestamp: try text("timestamp")
        )
        successful = try count("successful")
        failed = try count("failed")
        errorRate = try number("error_rate")
        totalWallTime = try number("total_wall_time")
        connect = try Quantiles(p50: number("connect_p50"), p95: number("connect_p95"), p99: number("connect_p99"))
        reset = try Quantiles(p50: number("reset_p50"), p95: number("reset_p95"), p99: number("reset_p99"))
        step = try Quantiles(p50: number("step_p50"), p95: number("step_p95"), p99: number("step_p99"))
        totalMin = try number("total_min")
        totalMax = try number("total_max")
        totalAvg = try number("total_avg")
        totalP50 = try number("total_p50")
        totalP90 = try number("total_p90")
        totalP95 = try number("total_p95")
        totalP99 = try number("total_p99")
        requestsPerSecond = try number("requests_per_second")
        effectiveConcurrency = try number("effective_concurrency")
        uniquePIDs = try count("unique_pids")
        uniqueSessions = try count("unique_sessions")
        uniqueHosts = try count("unique_hosts")
    }
}

extension RunSummary.Quantiles {
    init(p50: Double, p95: Double, p99: Double) {
        self.init()
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }
}

/// A results file (`summary.csv`, `raw.jsonl`) that cannot be read.
public struct ResultsFileError: Error, Sendable, CustomStringConvertible {
    /// The file or directory, when known.
    public let path: String?
    /// The 1-based line, when the problem is in one.
    public let line: Int?
    public let reason: String

    public init(path: String? = nil, line: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        [path, line.map { "line \($0)" }].compactMap { $0 }.joined(separator: " ") + (path == nil ? "" : ": ") + reason
    }
}
