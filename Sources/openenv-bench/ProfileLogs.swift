import BenchResults
import Foundation
import LoadGen
import Reports

/// The trainer-profile runs of a results directory, read from their `.hlog`s for `report` and
/// `log-entry` (decoding the logs needs LoadGen's zlib, which the Reports module does not link).
enum ProfileLogs {
    /// One source per `.hlog` in `directory`, oldest first, named `NAME` when there is one log
    /// and `NAME · <log's name>` when there are several; none when the directory cannot be read.
    static func read(_ directory: URL, name: String) throws -> [ProfileRunSource] {
        // A directory that cannot be listed has no summary.csv either: reading that says so.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let logs = files.filter { $0.hasSuffix(".hlog") }.sorted()
        return try logs.map { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let measures: LoadMeasures
            do {
                measures = try IntervalLog.measures(text, window: IntervalLog.window(text) ?? 10)
            } catch {
                throw ResultsFileError(path: directory.appendingPathComponent(file).path, reason: "\(error)")
            }
            return ProfileRunSource(name: logs.count == 1 ? name : "\(name) · \(file.dropLast(5))", measures: measures)
        }
    }
}
