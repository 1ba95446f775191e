import EnvTesting
import Foundation
import Testing

/// What headless chromium made of `openenv-bench report` and of the live page of a pool run:
/// `ci/report-render-test` renders them into `OPENENV_RENDERED` (`dom.html` and `report.png`,
/// `live-1`/`live-2` `.html` and `.png` taken 3 s apart). Every figure drawn with its labels,
/// screenshots that are real images, and the live charts drawn and changing while the run goes on.
@Suite(
    "the report and the live page as a browser renders them",
    .enabled(if: TestSettings.current.scriptedRuns.renderedDirectory != nil, "set by ci/report-render-test")
)
struct RenderedPageTests {
    static let directory = TestSettings.current.scriptedRuns.renderedDirectory.map { URL(fileURLWithPath: $0) }

    func file(_ name: String) throws -> Data {
        try Data(contentsOf: try #require(Self.directory).appendingPathComponent(name))
    }

    func dom(_ name: String) throws -> String { String(decoding: try file(name), as: UTF8.self) }

    /// A screenshot's width, height and size; (0, 0) when it is not a PNG.
    func screenshot(_ name: String) throws -> (width: Int, height: Int, bytes: Data) {
        let bytes = try file(name)
        guard bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return (0, 0, bytes) }
        let integer = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (integer(16), integer(20), bytes)
    }

    /// The first match of `pattern` in `text` ("." matches newlines), as a string.
    func first(_ pattern: String, in text: String) throws -> String? {
        try text.firstMatch(of: Regex(pattern).dotMatchesNewlines()).map { String(text[$0.range]) }
    }

    @Test("the report: each figure draws data in an SVG, the axis labels and names are in the page, the screenshot is an image")
    func report() throws {
        let page = try dom("dom.html")
        for figure in [
            "fig-scaling-curves", "fig-max-batch", "fig-batch-per-core", "fig-latency-heatmap", "fig-comparison",
            "fig-step-latency-over-time", "fig-step-latency-cdf", "fig-sustainable-concurrency",
        ] {
            let section = try first(#"<section class="figure" id="\#(figure)">.*?</section>"#, in: page) ?? ""
            let svgs = try section.matches(of: Regex(#"<svg\b.*?</svg>"#).dotMatchesNewlines()).map { String(section[$0.range]) }
            let drawn = svgs.filter {
                $0.contains(#"<path class="series""#) || $0.contains(#"<rect class="bar""#) || $0.contains(#"<rect class="cell""#)
            }
            #expect(!drawn.isEmpty, "\(figure): no SVG with data drawn (\(svgs.count) SVGs)")
        }
        for label in [
            "Batch size (concurrent sessions, log2)", "Success (%)", "Max batch (log2)", "Max batch / cores",
            "p99 total latency (s)", "Batch size", "this-run", "slurm-multi", "95%", "Latency breakdown",
            "Time since the run started (s)", "Step latency (ms)", "pool-run p99", "Steps answered within (%)",
            "pool-search · pool", "Trainer-profile runs",
        ] {
            #expect(page.contains(label), "axis label or name missing: \(label)")
        }
        let shot = try screenshot("report.png")
        #expect(shot.width >= 1000 && shot.height >= 1000 && shot.bytes.count >= 50 * 1024, "\(shot.width)x\(shot.height), \(shot.bytes.count) bytes")
    }

    @Test("the live page: every chart drawn in both screenshots, at least three changed in the 3 s between them")
    func livePage() throws {
        let charts = ["Sessions open", "Steps answered per second", "Step latency", "Failed sessions per window", "Waiting for a slot"]
        var drawn: [[String: String]] = []
        for index in 1...2 {
            let page = try dom("live-\(index).html")
            var svgs: [String: String] = [:]
            for chart in charts {
                let svg = try first(#"<svg\b[^>]*aria-label="\#(chart)".*?</svg>"#, in: page)
                #expect(svg?.contains(#"<path class="series""#) == true, "live page \(index): chart \(chart) missing or without a drawn series")
                svgs[chart] = svg
            }
            drawn.append(svgs)
            let shot = try screenshot("live-\(index).png")
            #expect(
                shot.width >= 1000 && shot.bytes.count >= 30 * 1024,
                "live page \(index): \(shot.width)x\(shot.height), \(shot.bytes.count) bytes"
            )
        }
        let changed = charts.filter { drawn[0][$0] != nil && drawn[1][$0] != nil && drawn[0][$0] != drawn[1][$0] }
        #expect(changed.count >= 3, "charts that changed in 3 s: \(changed)")
        #expect(try file("live-1.png") != file("live-2.png"), "the two screenshots are identical")
    }
}
