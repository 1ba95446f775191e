import Foundation

/// Writes a command's output file; a failure is a runtime error (exit 1), not a usage error.
enum OutputFile {
    static func write(_ text: String, to path: String) throws(OutputFileError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw OutputFileError(path: path, reason: error.localizedDescription)
        }
    }
}

/// An output file that could not be written.
struct OutputFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot write \(path): \(reason)" }
}
