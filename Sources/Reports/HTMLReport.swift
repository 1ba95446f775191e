import BenchResults
import Charts

/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, fonts or
/// network, so it can be mailed, attached to CI and opened anywhere.
public enum HTMLReport {
    public static func render(_ report: Report, generatedAt: String) -> String {
        let figures = ReportFigures(report: report).all.map { figure in
            """
            <section class="figure" id="\(figure.id)">
            <h2>\(SVG.escape(figure.title))</h2>
            <p class="caption">\(SVG.escape(figure.caption))</p>
            <div class="panels">
            \(figure.panels.joined(separator: "\n"))
            </div>
            </section>
            """
        }
        let tables = report.tables.map { "<section class=\"table\">\n<h2>\(SVG.escape($0.title))</h2>\n\($0.html)\n</section>" }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(SVG.escape(report.title))</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; background: #fafafa; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
            .panels { display: flex; flex-wrap: wrap; gap: 12px; }
            .panels svg { border: 1px solid #ddd; }
            .caption { color: #555; font-size: 13px; }
            table { border-collapse: collapse; font-size: 13px; background: #fff; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
            th { background: #eee; }
            td.not-measured { color: #999; font-style: italic; }
            </style>
            </head>
            <body>
            <h1>\(SVG.escape(report.title))</h1>
            <p>Generated \(SVG.escape(generatedAt)) by openenv-bench report. Values a source does not give are shown as “not measured”.</p>
            <section class="sources">
            <h2>Sources</h2>
            \(sourcesTable(report).html)
            </section>
            \(figures.joined(separator: "\n"))
            \(tables.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// Where each line of the report comes from.
    public static func sourcesTable(_ report: Report) -> ReportTable {
        ReportTable(
            title: "Sources",
            columns: ["Name", "Kind", "From", "Workload", "Cores", "Description"],
            rows: report.sources.map { source in
                let (kind, from): (String, String)
                switch source.origin {
                case .measured(let directory): (kind, from) = ("results", directory)
                case .baseline(let cited):
                    (kind, from) = ("baseline", [cited.document, cited.run, cited.date].compactMap { $0 }.joined(separator: ", "))
                }
                return [
                    source.name, kind, from, source.workload ?? "not recorded", source.cores.map(String.init) ?? Format.notMeasured,
                    source.description ?? "",
                ]
            }
        )
    }
}
