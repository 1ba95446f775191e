import ArgumentParser
import EnvServer
import Foundation
import LoadGen

/// `run --profile replay`'s flags: the trace to replay, how fast, and how many times over.
struct ReplayOptions: ParsableArguments {
    @Option(help: "replay: the trace to replay (written by openenv-bench record).")
    var replay: String?

    @Option(
        help: "replay: time compression; 2 replays the trace twice as fast (session starts and message times ÷ X).",
        transform: SettingRule.number(atMost: 1_000_000).transform
    )
    var speed: Double = 1

    @Option(help: "replay: start each recorded session this many times.", transform: SettingRule.integer(in: 1...100_000).transform)
    var scale: Int = 1

    /// Checks the flags against `profile`: `--replay` goes with `--profile replay` and it needs one.
    func validate(for profile: LoadProfileName) throws {
        if profile == .replay && replay == nil { throw ValidationError("--profile replay needs --replay TRACE") }
        if profile != .replay && (replay != nil || speed != 1 || scale != 1) {
            throw ValidationError("--replay, --speed and --scale go with --profile replay")
        }
    }

    /// The trace read and scheduled (a runtime error, naming the line, if it cannot be read).
    func schedule() throws -> ReplaySchedule {
        guard let replay else { throw ValidationError("--profile replay needs --replay TRACE") }
        let text: String
        do {
            text = try String(contentsOfFile: replay, encoding: .utf8)
        } catch {
            throw TraceError(line: 0, reason: "cannot read \(replay): \(error.localizedDescription)")
        }
        let schedule = ReplaySchedule(try Trace.Document(parsing: text), speed: speed, scale: scale)
        guard schedule.count > 0 else { throw TraceError(line: 0, reason: "\(replay) holds no WebSocket session to replay") }
        return schedule
    }
}
