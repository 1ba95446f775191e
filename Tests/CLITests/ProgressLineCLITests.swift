import EnvTesting
import Foundation
import Testing

/// `openenv-bench`'s live progress line, with the built binary under a pseudo-terminal (`script`
/// or tmux, each that is installed) and with its output going to a file.
@Suite("openenv-bench progress line", .serialized, .timeLimit(.minutes(3)))
struct ProgressLineCLITests {
    /// Two runs of 4 sessions with 1 s steps: long enough to be worth a progress line.
    static let arguments = ["-n", "4", "-w", "1", "--reps", "2", "--pause", "0"]
    /// Carriage return, then "erase to end of line".
    static let redraw = "\r\u{1B}[K"

    @Test(
        "on a terminal a progress line redraws in place, and each run's result line replaces it",
        .enabled(
            if: !PseudoTerminal.available.isEmpty,
            "neither script (util-linux; Debian package bsdutils) nor tmux is installed: no pseudo-terminal to run under"
        ),
        arguments: PseudoTerminal.available
    )
    func onATerminal(terminal: PseudoTerminal) async throws {
        let bench = try LaunchedProcess.builtExecutable("openenv-bench")
        let (status, output) = try await terminal.run([bench.path] + Self.arguments)
        #expect(status == 0, "\(output)")
        for (run, total) in [(1, 2), (2, 2)] {
            let label = "[\(run)/\(total)] [WS] N=4, wait=1.0s, rep=\(run)"
            let progress = try Regex(
                #"\r\x1B\[K"# + NSRegularExpression.escapedPattern(for: label)
                    + #": \d+ started, \d+ answered, \d+ failed, \d+\.\ds elapsed, slowest open (\d+\.\ds|n/a)"#
            )
            #expect(output.contains(progress), "run \(run): no progress redraw in \(output.debugDescription)")
            #expect(
                output.contains(Self.redraw + label + " -> 4/4 success"),
                "run \(run): the result line does not replace the progress line in \(output.debugDescription)"
            )
        }
        #expect(output.contains("ws wait=1.0s: max batch 4"), "\(output)")
    }

    @Test("not on a terminal only the plain lines are printed: no carriage return, no progress")
    func notOnATerminal() async throws {
        let (status, output) = try await LaunchedProcess.run("openenv-bench", Self.arguments)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("\r"), "\(output.debugDescription)")
        #expect(!output.contains(" started, "), "\(output)")
        #expect(output.contains("\n[1/2] [WS] N=4, wait=1.0s, rep=1 -> 4/4 success"), "\(output)")
        #expect(output.contains("\n[2/2] [WS] N=4, wait=1.0s, rep=2 -> 4/4 success"), "\(output)")
    }
}
