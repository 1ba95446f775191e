public import BenchResults

/// Everything the report shows, built once from its sources; the HTML and Markdown renderers
/// only lay it out, so the two formats cannot disagree.
public struct Report: Sendable {
    public var sources: [ReportSource]
    /// Trainer-profile runs (their `.hlog`s): step latency over time and its distribution.
    public var profileRuns: [ProfileRunSource]
    /// `openenv-bench capacity` results: sustainable concurrency per profile.
    public var capacities: [CapacitySearchResult]
    /// The two sources the single- vs multi-node figure compares.
    public var comparison: (first: ReportSource, second: ReportSource)?
    public var title: String

    /// - Parameter compare: two source names; default `slurm-single` vs `slurm-multi` when both
    ///   are present, else the first two sources.
    /// - Throws: ``ReportError`` when a name in `compare` is not one of the sources.
    public init(
        sources: [ReportSource],
        profileRuns: [ProfileRunSource] = [],
        capacities: [CapacitySearchResult] = [],
        compare: (String, String)? = nil,
        title: String = "OpenEnv scaling report"
    ) throws {
        self.sources = sources
        self.profileRuns = profileRuns
        self.capacities = capacities
        self.title = title
        func source(_ name: String) throws -> ReportSource {
            guard let found = sources.first(where: { $0.name == name }) else {
                throw ReportError(unknownSource: name, sources: sources.map(\.name))
            }
            return found
        }
        if let compare {
            comparison = (try source(compare.0), try source(compare.1))
        } else if let single = sources.first(where: { $0.name == "slurm-single" }),
            let multi = sources.first(where: { $0.name == "slurm-multi" })
        {
            comparison = (single, multi)
        } else if sources.count >= 2 {
            comparison = (sources[0], sources[1])
        }
    }

    /// Every (mode, wait) any source has, in order: one figure panel each.
    public var keys: [ReportSource.Key] { Set(sources.flatMap(\.keys)).sorted() }

    /// The seed log's "Results Summary": per (mode, wait), the max batch and the figures at it.
    public var resultsSummary: ReportTable {
        let rows = sources.flatMap { source in
            source.keys.map { key -> [String] in
                let maxBatch = source.maxBatch[key]
                let cell = (maxBatch ?? nil).flatMap { source.cells[key]?[$0] }
                let maxText = maxBatch.map { $0.map(String.init) ?? "none" } ?? Format.notMeasured
                return [
                    source.name, key.mode.rawValue, Format.wait(key.wait), maxText, Format.seconds(cell?.p99Total),
                    cell.map { Format.percent($0.successRate) } ?? Format.notMeasured, Format.decimal(cell?.requestsPerSecond),
                ]
            }
        }
        return ReportTable(
            title: "Results summary (figures at the max batch)",
            columns: ["Infrastructure", "Mode", "wait_s", "Max Batch (95%+)", "p99 Latency", "Success %", "RPS"],
            rows: rows
        )
    }

    /// The seed log's "Scaling Behavior": every batch of every (mode, wait).
    public var scalingBehavior: ReportTable {
        let rows = sources.flatMap { source in
            source.keys.flatMap { key in
                (source.cells[key] ?? [:]).sorted { $0.key < $1.key }.map { batch, cell in
                    [
                        source.name, key.mode.rawValue, Format.wait(key.wait), String(batch),
                        cell.successRate.map(Format.percent) ?? cell.successText ?? Format.notMeasured, Format.seconds(cell.p99Total),
                        cell.note ?? "",
                    ]
                }
            }
        }
        return ReportTable(
            title: "Scaling behaviour",
            columns: ["Infrastructure", "Mode", "wait_s", "Batch Size", "Success Rate", "p99 Latency", "Notes"],
            rows: rows
        )
    }

    /// Connect, reset, step and total latency, p50 and p99, per batch.
    public var latencyBreakdown: ReportTable {
        let rows = sources.flatMap { source in
            source.keys.flatMap { key in
                (source.cells[key] ?? [:]).sorted { $0.key < $1.key }.map { batch, cell in
                    let phases = [cell.connect, cell.reset, cell.step].flatMap { [Format.seconds($0?.p50), Format.seconds($0?.p99)] }
                    return [source.name, key.mode.rawValue, Format.wait(key.wait), String(batch)] + phases
                        + [Format.seconds(cell.total?.p50), Format.seconds(cell.p99Total)]
                }
            }
        }
        return ReportTable(
            title: "Latency breakdown (seconds; p99 is the worst repetition's)",
            columns: [
                "Infrastructure", "Mode", "wait_s", "Batch", "connect p50", "connect p99", "reset p50", "reset p99",
                "step p50", "step p99", "total p50", "total p99",
            ],
            rows: rows
        )
    }

    /// Each trainer-profile run's measures in total, as `run` prints them.
    public var profileRunsTable: ReportTable {
        ReportTable(
            title: "Trainer-profile runs (latencies in ms)",
            columns: [
                "Run", "Steps answered / sent", "Episodes", "step p50", "step p90", "step p99", "step p99.9", "step max", "Slot waits",
                "slot wait p99", "Sessions dropped", "Peak held",
            ],
            rows: profileRuns.map { run in
                let total = run.measures.total
                let counts = [run.name, "\(total.stepsAnswered) / \(total.stepsSent)", String(total.episodes)]
                let steps = [50, 90, 99, 99.9, 100].map { (percentile: Double) -> String in
                    Format.milliseconds(total.stepLatency(atPercentile: percentile))
                }
                let slotWaitP99: String = total.slotWait(atPercentile: 99).map(Format.milliseconds) ?? "–"
                let rest = [String(total.slotWaits), slotWaitP99, String(total.sessionsDropped), String(run.measures.peakHeld)]
                return counts + steps + rest
            }
        )
    }

    /// Each `capacity` search: the profile, its bound, the concurrency found and the probes.
    public var capacityTable: ReportTable {
        ReportTable(
            title: "Sustainable concurrency (openenv-bench capacity)",
            columns: ["Search", "Profile", "step p99 bound", "Sustainable concurrency", "Probes"],
            rows: capacities.map { search in
                [
                    search.name, search.profile, Format.seconds(search.stepP99Bound),
                    search.sustainableConcurrency.map(String.init) ?? "none (not even the start passed)",
                    search.probes.map { "N=\($0.sessions) \($0.passed ? "pass" : "fail")" }.joined(separator: ", "),
                ]
            }
        )
    }

    /// The seed's tables, then the profile tables when there are profile runs or searches.
    public var tables: [ReportTable] {
        [resultsSummary, scalingBehavior, latencyBreakdown] + (profileRuns.isEmpty ? [] : [profileRunsTable])
            + (capacities.isEmpty ? [] : [capacityTable])
    }
}

/// A report that cannot be built as asked.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// The `--compare` name that matched no source.
    public let unknownSource: String
    public let sources: [String]

    public var description: String {
        "--compare: no source named '\(unknownSource)'; sources: \(sources.joined(separator: ", "))"
    }
}
