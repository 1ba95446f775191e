public import Foundation

/// Appends results to `raw.jsonl` and `summary.csv` in a directory, run by run, so a crash
/// mid-sweep leaves every finished run intact. Files that already exist are appended to (the
/// CSV header is written only into a new file), as the seed did.
///
/// A process killed part-way through a write (`kill -9`) can leave a torn last line. Before it
/// writes, the writer drops such a tail, so every line it leaves behind is whole; the sweep
/// records ``Offsets`` before each write so that `--resume` can cut back a write that a kill
/// interrupted (see ``SweepState/pendingWrite``).
public struct ResultsWriter: Sendable {
    /// The sizes of `raw.jsonl` and `summary.csv` in bytes: where a write begins.
    public struct Offsets: Sendable, Equatable {
        public var raw: UInt64
        public var summary: UInt64

        public init(raw: UInt64, summary: UInt64) {
            self.raw = raw
            self.summary = summary
        }
    }

    public let directory: URL
    public var rawURL: URL { directory.appendingPathComponent("raw.jsonl") }
    public var summaryURL: URL { directory.appendingPathComponent("summary.csv") }

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Where the next write begins.
    public func offsets() -> Offsets {
        Offsets(raw: Self.size(of: rawURL), summary: Self.size(of: summaryURL))
    }

    /// Cuts both files back to `offsets`: drops what a write interrupted by a kill left behind.
    public func truncate(to offsets: Offsets) throws {
        for (url, size) in [(rawURL, offsets.raw), (summaryURL, offsets.summary)] where Self.size(of: url) > size {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: size)
        }
    }

    /// Drops a torn last line (one without its newline) from both files.
    /// - Returns: the names of the files that had one.
    @discardableResult
    public func dropTornTails() throws -> [String] {
        var torn: [String] = []
        for url in [rawURL, summaryURL] {
            guard let handle = try? FileHandle(forUpdating: url) else { continue }
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            guard size > 0 else { continue }
            let keep = try Self.endOfLastWholeLine(handle, size: size)
            guard keep < size else { continue }
            try handle.truncate(atOffset: keep)
            torn.append(url.lastPathComponent)
        }
        return torn
    }

    /// The offset just past the file's last newline (0 when it has none), reading backwards in
    /// blocks so a big file is not read whole.
    private static func endOfLastWholeLine(_ handle: FileHandle, size: UInt64) throws -> UInt64 {
        var end = size
        while end > 0 {
            let start = end >= 65_536 ? end - 65_536 : 0
            try handle.seek(toOffset: start)
            let block = try handle.read(upToCount: Int(end - start)) ?? Data()
            if let newline = block.lastIndex(of: 0x0A) { return start + UInt64(block.distance(from: block.startIndex, to: newline)) + 1 }
            end = start
        }
        return 0
    }

    /// Writes one run's rows and its summary row.
    public func append(results: [SessionResult], summary: RunSummary) throws {
        try append(rows: results)
        let isNew =
            !FileManager.default.fileExists(atPath: summaryURL.path)
            || ((try? FileManager.default.attributesOfItem(atPath: summaryURL.path)[.size] as? Int) ?? 0) == 0
        try append((isNew ? CSV.line(RunSummary.columns) : "") + CSV.line(summary.csvFields), to: summaryURL)
    }

    /// Writes rows only (an interrupted run has no summary) and returns their `raw.jsonl`
    /// line numbers (1-based), or `nil` for no rows.
    @discardableResult
    public func append(rows results: [SessionResult]) throws -> ClosedRange<Int>? {
        try dropTornTails()
        let existing = FileManager.default.contents(atPath: rawURL.path)?.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } ?? 0
        try append(results.map { $0.jsonLine + "\n" }.joined(), to: rawURL)
        return results.isEmpty ? nil : (existing + 1)...(existing + results.count)
    }

    private static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
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
