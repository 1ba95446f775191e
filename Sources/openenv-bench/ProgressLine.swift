import Foundation
import LoadGen
import Synchronization

/// The live line of `openenv-bench run` on a terminal, as k6 and Locust users expect: the run
/// in progress (sessions started / answered / failed, elapsed, the slowest open session),
/// redrawn in place — carriage return, clear line — at most 4 times a second, and replaced by
/// the run's result line when it finishes.
///
/// When standard output is not a terminal it draws nothing: the result lines are printed as
/// plain lines, so CI logs and files stay clean.
final class ProgressLine: Sendable {
    /// Carriage return and "erase to end of line": the next text overwrites the line in place.
    static let redraw = "\r\u{1B}[K"

    /// Whether standard output is a terminal.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    private let isEnabled: Bool
    private let interval: Duration
    private let state = Mutex<State>(State())

    private struct State {
        var progress: RunProgress?
        var isShowing = false
    }

    /// - Parameters:
    ///   - isEnabled: draw the line (default: when standard output is a terminal).
    ///   - interval: between redraws (default 250 ms).
    init(isEnabled: Bool = ProgressLine.isTerminal, interval: Duration = .milliseconds(250)) {
        self.isEnabled = isEnabled
        self.interval = interval
    }

    /// Redraws the line every interval until cancelled, then erases it.
    func run() async {
        guard isEnabled else { return }
        while (try? await Task.sleep(for: interval)) != nil {
            state.withLock { draw(&$0) }
        }
        state.withLock { state in
            if state.isShowing { write(Self.redraw) }
            state = State()
        }
    }

    /// Shows `progress`, the run that starts now, from now on.
    func show(_ progress: RunProgress) {
        guard isEnabled else { return }
        state.withLock { state in
            state.progress = progress
            draw(&state)
        }
    }

    /// Replaces the line with `lines` (the run's result line and what follows it) and shows
    /// nothing until the next run starts.
    func finish(with lines: [String]) {
        state.withLock { state in
            let text = lines.map { $0 + "\n" }.joined()
            write(state.isShowing ? Self.redraw + text : text)
            state = State()
        }
    }

    private func draw(_ state: inout State) {
        guard let progress = state.progress else { return }
        write(Self.redraw + Self.fitted(progress.snapshot().description))
        state.isShowing = true
    }

    /// Cut to the terminal's width: a wrapped line would not be erased by the next redraw.
    private static func fitted(_ line: String) -> String {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1, line.count >= Int(size.ws_col) else {
            return line
        }
        return String(line.prefix(Int(size.ws_col) - 2)) + "…"
    }

    /// Writes through `print`, as every other line of the command, and flushes at once (the
    /// line has no newline to flush it; `fflush(nil)` avoids the `stdout` global).
    private func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }
}
