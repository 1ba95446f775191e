import BenchResults

/// Everything the report shows, built once from its sources; the HTML and Markdown renderers
/// only lay it out, so the two formats cannot disagree.
public struct Report: Sendable {
    public var sources: [ReportSource]
    /// The two sources the single- vs multi-node figure compares.
    public var comparison: (first: ReportSource, second: ReportSource)?
    public var title: String

    /// - Parameter compare: two source names; default `slurm-single` vs `slurm-multi` when both
    ///   are present, else the first two sources.
    /// - Throws: ``ReportError`` when a name in `compare` is not one of the sources.
    public init(sources: [ReportSource], compare: (String, String)? = nil, title: String = "OpenEnv scaling report") throws {
        self.sources = sources
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

    public var tables: [ReportTable] { [resultsSummary, scalingBehavior, latencyBreakdown] }
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
