import BenchResults
import Charts
import EnvProtocol
import Histogram
import LoadGen
import Reports
import Synchronization

/// The live page of `openenv-bench run --web`: charts per window of the run in progress
/// (sessions open, steps per second, step latency p50/p99, failures by kind, slot waits), drawn
/// server-side with ``Charts``, a table of the current window and the totals, the sweep's
/// settings and the finished runs' result lines. A small script fetches ``fragment()`` every
/// ``refreshMilliseconds`` and swaps it in: no framework, nothing from the network.
///
/// A fragment is rendered once per board sample, however many pages ask for it.
public final class LivePage: Sendable {
    public let board: LiveBoard
    private let rendered = Mutex<(generation: Int, html: String)?>(nil)

    /// How often the page fetches a new ``fragment()``: the issue's "at least every 2 s", at the
    /// least cost (the sampler samples twice as often, for `/metrics`).
    public static let refreshMilliseconds = 2000

    public init(board: LiveBoard) {
        self.board = board
    }

    /// The whole page; its body is ``fragment()``.
    public func page() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>openenv-bench live</title>
        <style>
        body { font-family: sans-serif; margin: 24px; color: #222; background: #fafafa; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 24px; }
        .panels { display: flex; flex-wrap: wrap; gap: 12px; }
        .panels svg { border: 1px solid #ddd; background: #fff; }
        table { border-collapse: collapse; font-size: 13px; background: #fff; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        th { background: #eee; }
        pre { background: #fff; border: 1px solid #ddd; padding: 8px; font-size: 12px; }
        </style>
        </head>
        <body>
        <h1>openenv-bench live</h1>
        <div id="live">
        \(fragment())
        </div>
        <script>
        setInterval(async () => {
          try {
            const reply = await fetch("live", { cache: "no-store" });
            if (reply.ok) document.getElementById("live").innerHTML = await reply.text();
          } catch (error) { /* the run ended and the process exited: keep the last view */ }
        }, \(Self.refreshMilliseconds));
        </script>
        </body>
        </html>

        """
    }

    /// Everything that changes: the settings, the run in progress and the finished runs.
    public func fragment() -> String {
        let (generation, settings, runs) = board.contents()
        if let rendered = rendered.withLock({ $0 }), rendered.generation == generation { return rendered.html }
        let html = Self.render(settings: settings, runs: runs, window: board.window)
        rendered.withLock { $0 = (generation, html) }
        return html
    }

    static func render(settings: [String], runs: [LiveBoard.Run], window: Double) -> String {
        var html = "<pre class=\"settings\">\(SVG.escape(settings.joined(separator: "\n")))</pre>\n"
        guard let run = runs.last else { return html + "<p>Waiting for the first run to start.</p>\n" }
        let state = run.resultLines.isEmpty ? "running" : "finished"
        html += "<h2 id=\"run\" data-run=\"\(SVG.escape(run.id))\">\(SVG.escape(run.label)) (run=\(SVG.escape(run.id)), \(state))</h2>\n"
        html += "<p class=\"progress\">\(SVG.escape(run.latest.progress.description))</p>\n"
        html += "<div class=\"panels\">\n\(charts(run, window: window).joined(separator: "\n"))\n</div>\n"
        html += table(run).html + "\n"
        let finished = runs.flatMap(\.resultLines)
        if !finished.isEmpty {
            html += "<h2>Finished runs</h2>\n<pre class=\"results\">\(SVG.escape(finished.joined(separator: "\n")))</pre>\n"
        }
        return html
    }

    /// One chart per figure, x the window's start in seconds from the run's start.
    static func charts(_ run: LiveBoard.Run, window: Double) -> [String] {
        let length = run.latest.measures?.window ?? window
        func series(_ name: String, _ color: Int, _ value: (LiveWindow) -> Double) -> LineChart.Series {
            LineChart.Series(
                name: name,
                color: Palette.color(color),
                points: run.windows.enumerated().map { LineChart.Point(x: Double($0.offset) * length, y: value($0.element)) }
            )
        }
        func chart(_ title: String, _ yTitle: String, _ series: [LineChart.Series]) -> String {
            // Nothing above 0 yet (no failures, no slot waits): a 0 to 1 axis, not 0 to 1e-9.
            let flat = series.allSatisfy { $0.points.allSatisfy { $0.y == 0 } }
            return LineChart(
                title: title,
                xTitle: "Window start (s from the run's start)",
                yTitle: yTitle,
                xKind: .linear,
                yDomain: flat ? 0...1 : nil,
                series: series,
                legendWidth: 90,
                frame: ChartFrame(width: 440, height: 280)
            ).svg()
        }
        let kinds = Set(run.windows.flatMap(\.failed.keys)).sorted { $0.rawValue < $1.rawValue }
        let failures = kinds.enumerated().map { index, kind in
            LineChart.Series(
                name: kind.rawValue,
                color: Palette.color(index),
                points: run.windows.indices.map { index in
                    let before = index == 0 ? 0 : run.windows[index - 1].failed[kind, default: 0]
                    return LineChart.Point(x: Double(index) * length, y: Double(run.windows[index].failed[kind, default: 0] - before))
                }
            )
        }
        return [
            chart("Sessions open", "Sessions", [series("open", 0) { Double($0.open) }]),
            chart("Steps answered per second", "Steps/s", [series("steps/s", 0) { $0.stepsPerSecond }]),
            chart("Step latency", "ms", [series("p50", 0) { $0.stepP50 * 1e3 }, series("p99", 1) { $0.stepP99 * 1e3 }]),
            chart("Failed sessions per window", "Sessions", failures.isEmpty ? [series("none", 2) { _ in 0 }] : failures),
            chart("Waiting for a slot", "s", [series("p50", 0) { $0.slotWaitP50 }, series("p99", 1) { $0.slotWaitP99 }]),
        ]
    }

    /// The current window and the totals so far: counts from the measures, the window's
    /// percentiles as the board computed them.
    static func table(_ run: LiveBoard.Run) -> ReportTable {
        let sample = run.latest
        let currentIndex = max(0, (sample.measures?.windows.count ?? 1) - 1)
        let current = sample.measures?.windows.last ?? LoadMeasures.Window()
        let figures = run.windows.indices.contains(currentIndex) ? run.windows[currentIndex] : LiveWindow()
        func ms(_ seconds: Double, _ count: UInt64) -> String { count == 0 ? "–" : SweepReport.format(seconds * 1e3, 1) }
        func column(_ window: LoadMeasures.Window, _ figures: LiveWindow) -> [String] {
            [
                "\(window.stepsSent)", "\(window.stepsAnswered)", SweepReport.format(figures.stepsPerSecond, 1),
                ms(figures.stepP50, window.stepLatency.totalCount), ms(figures.stepP99, window.stepLatency.totalCount),
                "\(window.episodes)", "\(window.slotWait.totalCount)", ms(figures.slotWaitP99, window.slotWait.totalCount),
                "\(window.sessionsDropped)", "\(window.reconnects)",
            ]
        }
        let names = [
            "steps sent", "steps answered", "steps/s", "step p50 (ms)", "step p99 (ms)",
            "episodes", "slot waits", "slot wait p99 (ms)", "sessions dropped", "slot retries",
        ]
        // The totals' percentiles only when a page asks (the sampler computes the windows').
        var totals = LiveWindow()
        totals.measure(sample.total, seconds: sample.progress.elapsed.seconds)
        let (now, total) = (column(current, figures), column(sample.total, totals))
        var rows = names.indices.map { [names[$0], now[$0], total[$0]] }
        rows.append([
            "sessions started / answered / failed / open", "",
            "\(sample.progress.started) / \(sample.sessions.succeeded) / \(sample.failed) / \(sample.progress.open)",
        ])
        rows += sample.sessions.failed.sorted { $0.key.rawValue < $1.key.rawValue }.map { ["failed: \($0.key.rawValue)", "", "\($0.value)"] }
        return ReportTable(
            title: "Current window and totals",
            columns: ["", "window \(currentIndex)", "total (\(SweepReport.format(sample.progress.elapsed.seconds, 1)) s)"],
            rows: rows
        )
    }
}
