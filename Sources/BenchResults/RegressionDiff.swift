/// A whole run against a baseline: every measured (mode, wait, batch) and the capacity figures,
/// judged cell by cell by ``BaselineComparison`` — the logic the Scaling suite asserts with, so
/// `openenv-bench diff` and the suite cannot disagree.
public struct RegressionDiff: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// "ws · wait 1.0 s · batch 32", or "capacity".
        public var scope: String
        public var cell: BaselineComparison.Cell
    }

    public var baseline: String
    public var rows: [Row]

    public var hasRegression: Bool { rows.contains { $0.cell.verdict == .regression } }

    /// - Parameter grid: the batch sizes capacity is judged over; default the batch sizes that ran.
    public init(baseline: Baseline, summaries: [RunSummary], grid: [Int]? = nil) {
        self.baseline = baseline.infrastructure
        var byCase: [CaseKey: [RunSummary]] = [:]
        for summary in summaries {
            byCase[CaseKey(mode: summary.mode, wait: summary.waitSeconds, batch: summary.numRequests), default: []].append(summary)
        }
        var rows: [Row] = []
        for key in byCase.keys.sorted() {
            let comparison = BaselineComparison(
                case: baseline.expected(mode: key.mode, wait: key.wait, batch: key.batch),
                runs: byCase[key] ?? [],
                tolerances: baseline.tolerances
            )
            rows += comparison.cells.map { Row(scope: key.description, cell: $0) }
        }
        // Baseline cells this run did not measure are listed, not silently dropped. Trainer-profile
        // cases are the Scaling suite's: a sweep's results do not say which profile ran.
        for expected in baseline.cases where expected.profile == nil {
            let key = CaseKey(mode: expected.mode, wait: expected.waitSeconds, batch: expected.batchSize)
            guard byCase[key] == nil else { continue }
            rows.append(
                Row(
                    scope: key.description,
                    cell: BaselineComparison.Cell(
                        name: "success / p99 total",
                        baseline: [
                            expected.successRate.map(BaselineComparison.percent) ?? expected.successRateText,
                            expected.p99Total.map(BaselineComparison.seconds),
                        ].compactMap { $0 }.joined(separator: " / "),
                        measured: "not measured",
                        delta: "–",
                        limit: "–",
                        verdict: .notCompared
                    )
                )
            )
        }
        let capacity = BaselineComparison(
            capacity: CapacityAnalysis(summaries: summaries),
            baseline: baseline,
            grid: grid ?? Array(Set(summaries.map(\.numRequests)))
        )
        rows += capacity.cells.map { Row(scope: "capacity", cell: $0) }
        self.rows = rows
    }

    /// The table as Markdown, with a closing verdict line.
    public var markdown: String {
        let regressions = rows.filter { $0.cell.verdict == .regression }.count
        return
            (["| case | figure | baseline | measured | delta | limit | verdict |", "|---|---|---|---|---|---|---|"]
            + rows.map {
                "| \($0.scope) | \($0.cell.name) | \($0.cell.baseline) | \($0.cell.measured) | \($0.cell.delta) | \($0.cell.limit) | \($0.cell.verdict.rawValue) |"
            }
            + [
                "",
                regressions == 0
                    ? "No regression against '\(baseline)'."
                    : "\(regressions) regression\(regressions == 1 ? "" : "s") against '\(baseline)'.",
            ])
            .joined(separator: "\n")
    }

    struct CaseKey: Hashable, Comparable, CustomStringConvertible {
        var mode: LoadMode
        var wait: Double
        var batch: Int

        static func < (lhs: CaseKey, rhs: CaseKey) -> Bool {
            (lhs.mode.rawValue, lhs.wait, lhs.batch) < (rhs.mode.rawValue, rhs.wait, rhs.batch)
        }

        var description: String { "\(mode.rawValue) · wait \(wait) s · batch \(batch)" }
    }
}
