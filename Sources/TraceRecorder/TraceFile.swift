import Foundation
public import LoadGen
import Synchronization

/// The trace `record` writes: its header at once, then each session or request as it ends, a
/// line at a time (one `write`, so a line is never interleaved with another), synchronized to
/// disk when the recording stops.
public final class TraceFile: Sendable {
    private let handle: Mutex<FileHandle>
    /// Counts what was written, for the closing line.
    private let counts = Mutex((sessions: 0, messages: 0, requests: 0))

    /// - Throws: ``TraceError`` when the file cannot be created.
    public init(path: String, header: Trace.Header) throws(TraceError) {
        guard FileManager.default.createFile(atPath: path, contents: Data((Trace.line(header) + "\n").utf8)),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw TraceError(line: 0, reason: "cannot create \(path)") }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
    }

    func append(_ session: Trace.Session) {
        counts.withLock {
            $0.sessions += 1
            $0.messages += session.messages.count
        }
        write(Trace.line(session))
    }

    func append(_ request: Trace.Request) {
        counts.withLock { $0.requests += 1 }
        write(Trace.line(request))
    }

    /// Flushes the file to disk and says what it holds.
    public func close() -> String {
        handle.withLock { try? $0.synchronize() }
        let counts = counts.withLock { $0 }
        return "\(counts.sessions) sessions (\(counts.messages) messages), \(counts.requests) HTTP requests"
    }

    private func write(_ line: String) {
        handle.withLock { $0.write(Data((line + "\n").utf8)) }
    }
}
