import EnvTesting
import Foundation
import Testing

/// A program that runs a command under a pseudo-terminal, the way a person at a terminal runs
/// it, and records every byte the command wrote there (carriage returns and escapes included).
enum PseudoTerminal: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// util-linux's `script` (Debian: bsdutils): `script -qfec CMD /dev/null`.
    case script
    /// `tmux`: a detached session whose pane is piped to a file (`pipe-pane`).
    case tmux

    /// The ones installed on this machine.
    static var available: [PseudoTerminal] { allCases.filter { $0.executable != nil } }

    var testDescription: String { rawValue }

    /// The program on `PATH`, if installed.
    var executable: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(rawValue) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `command` (program and arguments) on a terminal and returns its exit status and
    /// everything it wrote to the terminal.
    func run(_ command: [String], within limit: Duration = .seconds(90)) async throws -> (status: Int32, output: String) {
        let program = try #require(executable, "\(rawValue) is not installed")
        let line = command.map(Self.quoted).joined(separator: " ")
        switch self {
        case .script:
            // -e: script exits with the command's status; the terminal's bytes go to stdout.
            let launched = try LaunchedProcess(executable: program, ["-qfec", line, "/dev/null"])
            let status = try await launched.waitForExit(within: limit)
            return (status, launched.output)
        case .tmux:
            return try await runInTmux(program, line, within: limit)
        }
    }

    /// tmux has no "run and print" mode. Its server runs in the foreground (`-D`, so that
    /// Foundation's `Process` sees it exit: a daemonized server would hold the descriptor by
    /// which `Process` notices an exit). A configuration sourced into it opens a 200-column pane
    /// piped to a file; the command there waits until the pipe is set up, runs, prints its exit
    /// status as a last line, and once that line is in the file stops the server.
    private func runInTmux(_ tmux: URL, _ line: String, within limit: Duration) async throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-tmux-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = { (name: String) in Self.quoted(directory.appendingPathComponent(name).path) }
        let socket = directory.appendingPathComponent("socket")
        let sentinel = "openenv-pty-exit="
        try """
        # Each wait is bounded (10 s), so nothing outlives a test that failed.
        i=0; while [ ! -e \(file("go")) ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
        \(line)
        printf '\\n\(sentinel)%d\\n' "$?"
        i=0; while ! grep -q '\(sentinel)' \(file("pane.log")) && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
        \(Self.quoted(tmux.path)) -S \(file("socket")) kill-server
        """.write(to: directory.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
        try """
        new-session -d -s run -x 200 -y 50 "sh \(file("run.sh"))"
        pipe-pane -t run "cat >> \(file("pane.log"))"
        run-shell "touch \(file("go"))"
        """.write(to: directory.appendingPathComponent("tmux.conf"), atomically: true, encoding: .utf8)
        let server = try LaunchedProcess(executable: tmux, ["-S", socket.path, "-f", "/dev/null", "-D"])
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socket.path) {
            guard server.process.isRunning, ContinuousClock.now < deadline else {
                Issue.record("the tmux server did not start: \(server.output)")
                return (-1, "")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let configure = try LaunchedProcess(
            executable: tmux,
            ["-S", socket.path, "source-file", directory.appendingPathComponent("tmux.conf").path]
        )
        #expect(try await configure.waitForExit() == 0, "\(configure.output)")
        try await server.waitForExit(within: limit)
        let output = try String(contentsOf: directory.appendingPathComponent("pane.log"), encoding: .utf8)
        let status = output.components(separatedBy: sentinel).last.flatMap { Int32($0.prefix { $0.isNumber }) }
        return (try #require(status, "no exit status in: \(output)"), output)
    }

    /// `word` for `sh`, in single quotes.
    private static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
