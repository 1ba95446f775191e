/// Measured figures against a baseline, cell by cell, with the baseline's tolerances.
///
/// The one comparison logic of the kit: the Scaling suite asserts with it and attaches its table.
public struct BaselineComparison: Sendable, Equatable {
    public enum Verdict: String, Sendable, Codable {
        case pass
        case regression
        /// The baseline has no figure for this cell, or the run could not measure it.
        case notCompared = "not compared"
    }

    /// One compared figure.
    public struct Cell: Sendable, Equatable, Codable {
        public var name: String
        public var baseline: String
        public var measured: String
        public var delta: String
        public var limit: String
        public var verdict: Verdict
    }

    public var cells: [Cell]

    public var hasRegression: Bool { cells.contains { $0.verdict == .regression } }

    /// Compares one case's runs (repetitions of one mode, wait and batch) with its baseline case.
    ///
    /// Success is the mean over repetitions; p99 is the worst repetition's.
    public init(case expected: Baseline.Case?, runs: [RunSummary], tolerances: Baseline.Tolerances) {
        let success = runs.meanSuccessRate
        let p99 = runs.worstServedP99
        var cells: [Cell] = []
        if let success {
            if let base = expected?.successRate {
                let floor = base - tolerances.successDropPoints / 100
                cells.append(
                    Cell(
                        name: "success",
                        baseline: Self.percent(base),
                        measured: Self.percent(success),
                        delta: Self.signedPoints(success - base),
                        limit: "≥ \(Self.percent(max(0, floor)))",
                        verdict: success >= floor - 1e-9 ? .pass : .regression
                    )
                )
            } else {
                cells.append(
                    Cell(
                        name: "success",
                        baseline: expected?.successRateText ?? "–",
                        measured: Self.percent(success),
                        delta: "–",
                        limit: "–",
                        verdict: .notCompared
                    )
                )
            }
        }
        if let base = expected?.p99Total {
            let ceiling = tolerances.p99Ceiling(base)
            if let p99 {
                cells.append(
                    Cell(
                        name: "p99 total",
                        baseline: Self.seconds(base),
                        measured: Self.seconds(p99),
                        delta: Self.signedPercent(p99 / base - 1),
                        limit: "≤ \(Self.seconds(ceiling))",
                        verdict: p99 <= ceiling ? .pass : .regression
                    )
                )
            } else {
                // No session succeeded: there is no p99, and that is itself a failure to serve.
                cells.append(
                    Cell(
                        name: "p99 total",
                        baseline: Self.seconds(base),
                        measured: "not measured (no success)",
                        delta: "–",
                        limit: "≤ \(Self.seconds(ceiling))",
                        verdict: .regression
                    )
                )
            }
        } else if let p99 {
            cells.append(
                Cell(name: "p99 total", baseline: "–", measured: Self.seconds(p99), delta: "–", limit: "–", verdict: .notCompared)
            )
        }
        self.cells = cells
    }

    /// Compares capacity figures (max batch, latency-bounded capacity) over the grid that ran.
    ///
    /// A baseline figure that is not one of the batch sizes that ran cannot be checked and is
    /// not compared.
    public init(capacity analysis: CapacityAnalysis, baseline: Baseline, grid: [Int]) {
        let sortedGrid = grid.sorted()
        var cells: [Cell] = []
        func compare(_ name: String, expected: Int??, measured: Int??, gridSteps: Int) {
            guard let expected else { return }
            let measuredValue = measured ?? nil
            let measuredText = measuredValue.map(String.init) ?? "none"
            guard let expectedValue = expected else {
                cells.append(Cell(name: name, baseline: "none", measured: measuredText, delta: "–", limit: "–", verdict: .notCompared))
                return
            }
            guard let expectedIndex = sortedGrid.firstIndex(of: expectedValue) else {
                cells.append(
                    Cell(
                        name: name,
                        baseline: String(expectedValue),
                        measured: measuredText,
                        delta: "–",
                        limit: "grid \(sortedGrid) does not contain \(expectedValue)",
                        verdict: .notCompared
                    )
                )
                return
            }
            let floorIndex = max(0, expectedIndex - gridSteps)
            let floor = sortedGrid[floorIndex]
            let passes = (measuredValue ?? 0) >= floor
            cells.append(
                Cell(
                    name: name,
                    baseline: String(expectedValue),
                    measured: measuredText,
                    delta: measuredValue.map { String($0 - expectedValue) } ?? "–",
                    limit: "≥ \(floor)",
                    verdict: passes ? .pass : .regression
                )
            )
        }
        for key in analysis.maxBatch.keys.sorted() {
            let label = "\(key.mode.rawValue) wait \(key.wait) s"
            let expected = baseline.maxBatch.first { $0.mode == key.mode && $0.waitSeconds == key.wait }.map { $0.maxBatch }
            compare(
                "max batch (\(label))",
                expected: expected,
                measured: analysis.maxBatch[key],
                gridSteps: baseline.tolerances.maxBatchGridSteps
            )
            let expectedBounded = baseline.latencyBoundedCapacity?.first { $0.mode == key.mode && $0.waitSeconds == key.wait }
                .map { $0.capacity }
            compare(
                "latency-bounded capacity (\(label))",
                expected: expectedBounded,
                measured: analysis.latencyBoundedCapacity[key],
                gridSteps: baseline.tolerances.latencyBoundedGridSteps ?? baseline.tolerances.maxBatchGridSteps
            )
        }
        self.cells = cells
    }

    /// A Markdown table: baseline, measured, delta, limit, verdict per cell.
    public var markdown: String {
        (["| figure | baseline | measured | delta | limit | verdict |", "|---|---|---|---|---|---|"]
            + cells.map { "| \($0.name) | \($0.baseline) | \($0.measured) | \($0.delta) | \($0.limit) | \($0.verdict.rawValue) |" })
            .joined(separator: "\n")
    }

    static func percent(_ rate: Double) -> String { SweepReport.format(rate * 100, 1) + "%" }
    static func seconds(_ value: Double) -> String { SweepReport.format(value, 3) + " s" }
    static func signedPoints(_ value: Double) -> String { (value >= 0 ? "+" : "") + SweepReport.format(value * 100, 1) + " pt" }
    static func signedPercent(_ value: Double) -> String { (value >= 0 ? "+" : "") + SweepReport.format(value * 100, 0) + "%" }
}
