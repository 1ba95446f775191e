/// The report's tables as Markdown (`openenv-bench report --format markdown`).
public enum MarkdownReport {
    public static func render(_ report: Report, generatedAt: String) -> String {
        (["# \(report.title)", "", "Generated \(generatedAt) by openenv-bench report.", ""]
            + ([HTMLReport.sourcesTable(report)] + report.tables).flatMap { ["## \($0.title)", "", $0.markdown, ""] })
            .joined(separator: "\n")
    }
}
