import Foundation

/// Appends results to `raw.jsonl` and `summary.csv` in a directory, run by run, so a crash
/// mid-sweep leaves every finished run intact. Files that already exist are appended to (the
/// CSV header is written only into a new file), as the seed did.
public struct ResultsWriter: Sendable {
    public let directory: URL
    public var rawURL: URL { directory.appendingPathComponent("raw.jsonl") }
    public var summaryURL: URL { directory.appendingPathComponent("summary.csv") }

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes one run's rows and its summary row.
    public func append(results: [SessionResult], summary: RunSummary) throws {
        try append(rows: results)
        let isNew = !FileManager.default.fileExists(atPath: summaryURL.path)
            || ((try? FileManager.default.attributesOfItem(atPath: summaryURL.path)[.size] as? Int) ?? 0) == 0
        try append((isNew ? CSV.line(RunSummary.columns) : "") + CSV.line(summary.csvFields), to: summaryURL)
    }

    /// Writes rows only (an interrupted run has no summary) and returns their `raw.jsonl`
    /// line numbers (1-based), or `nil` for no rows.
    @discardableResult
    public func append(rows results: [SessionResult]) throws -> ClosedRange<Int>? {
        let existing = FileManager.default.contents(atPath: rawURL.path)?.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } ?? 0
        try append(results.map { $0.jsonLine + "\n" }.joined(), to: rawURL)
        return results.isEmpty ? nil : (existing + 1)...(existing + results.count)
    }

    private func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }
}
