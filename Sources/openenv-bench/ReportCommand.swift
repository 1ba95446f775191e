import ArgumentParser
import BenchResults
import EnvServer
import Foundation
import Reports

/// `openenv-bench report`: results directories and checked-in baselines in one self-contained
/// HTML page (the seed's five figures and its tables, and for trainer-profile runs and
/// `capacity` searches their own), or the tables as Markdown.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render results directories and baselines as one HTML report (or Markdown tables).",
        discussion: """
            RESULTS_DIR is a directory written by `openenv-bench run -o DIR`; name it with NAME=DIR \
            (default: the directory's name). --baseline takes a name of a bundled baseline (or one in \
            --baselines DIR / OPENENV_BASELINES) or a path to a baseline JSON file, and may be repeated. \
            A results directory's .hlog files (profile runs) add step latency over time and its \
            distribution; --capacity FILE (from capacity --summary-json) sustainable concurrency.
            Exit status: 0 when written, 1 when an input cannot be read, 64 for a usage error.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument {
        case html, markdown
    }

    @Argument(help: "Results directories (raw.jsonl + summary.csv), optionally NAME=DIR.")
    var results: [String] = []

    @Option(name: .customLong("baseline"), help: "A baseline to show alongside (a name, or a path).")
    var baselines: [String] = []

    @Option(
        name: [.customLong("baselines"), .customLong("baselines-dir")],
        help: "Where baseline names are looked up (env OPENENV_BASELINES; default: the bundled baselines)."
    )
    var baselinesDirectory: String?

    @Option(
        name: .customLong("capacity"),
        help: "A capacity search's --summary-json file, optionally NAME=FILE: sustainable concurrency per profile; repeatable."
    )
    var capacities: [String] = []

    @Option(
        help: "Cores that served the results directories, for batch per core (baselines carry their own).",
        transform: SettingRule.integer(atLeast: 1).transform
    )
    var cores: Int?

    @Option(help: "The two sources the comparison figure shows, e.g. slurm-single,slurm-multi.")
    var compare: String?

    @Option(help: "html or markdown.")
    var format: OutputFormat = .html

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Option(help: "Report title.")
    var title = "OpenEnv scaling report"

    func validate() throws {
        if results.isEmpty && baselines.isEmpty { throw ValidationError("give at least one RESULTS_DIR or --baseline NAME") }
        if let compare, compare.split(separator: ",").count != 2 { throw ValidationError("--compare takes two names: A,B") }
    }

    func run() throws {
        var sources: [ReportSource] = []
        var profileRuns: [ProfileRunSource] = []
        for argument in results {
            let (name, path) = Self.split(argument)
            let source = try ReportSource(results: URL(fileURLWithPath: path), name: name, cores: cores)
            sources.append(source)
            profileRuns += try ProfileLogs.read(URL(fileURLWithPath: path), name: source.name)
        }
        let searches = try capacities.map { argument in
            let (name, path) = Self.split(argument)
            return try CapacitySearchResult.read(URL(fileURLWithPath: path), name: name)
        }
        if !baselines.isEmpty {
            let directory = try BaselineDirectory.resolve(override: baselinesDirectory)
            sources += try baselines.map { ReportSource(baseline: try Baseline.resolve($0, directory: directory)) }
        }
        let pair = compare.map { $0.split(separator: ",").map(String.init) }.map { ($0[0], $0[1]) }
        let report = try Report(sources: sources, profileRuns: profileRuns, capacities: searches, compare: pair, title: title)
        let text =
            switch format {
            case .html: HTMLReport.render(report, generatedAt: Timestamp.now())
            case .markdown: MarkdownReport.render(report, generatedAt: Timestamp.now())
            }
        if let output {
            try OutputFile.write(text, to: output)
            print("Report (\(sources.count) sources) written to \(output)")
        } else {
            print(text, terminator: "")
        }
    }

    /// `NAME=DIR` → (NAME, DIR); a bare `DIR` keeps its own name.
    static func split(_ argument: String) -> (name: String?, path: String) {
        guard let equals = argument.firstIndex(of: "="), !argument[..<equals].contains("/") else { return (nil, argument) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
