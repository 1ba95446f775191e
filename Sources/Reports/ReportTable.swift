import Charts
import Foundation

/// A table the report shows, rendered the same way into HTML and Markdown.
public struct ReportTable: Sendable, Equatable {
    public var title: String
    public var columns: [String]
    public var rows: [[String]]

    public init(title: String, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    public var markdown: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([line(columns), "|" + columns.map { _ in "---" }.joined(separator: "|") + "|"] + rows.map(line)).joined(separator: "\n")
    }

    public var html: String {
        let head = "<tr>" + columns.map { "<th>\(SVG.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { row in
            "<tr>"
                + row.map { cell in
                    cell == Format.notMeasured ? "<td class=\"not-measured\">\(cell)</td>" : "<td>\(SVG.escape(cell))</td>"
                }.joined() + "</tr>"
        }
        return (["<table>", "<thead>\(head)</thead>", "<tbody>"] + body + ["</tbody>", "</table>"]).joined(separator: "\n")
    }
}

/// Numbers as the seed's experiment log writes them: `96.6%`, `100%`, `2.90s`, `682.4`.
public enum Format {
    public static let notMeasured = "not measured"

    public static func percent(_ rate: Double?) -> String {
        guard let rate else { return notMeasured }
        let percent = rate * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : String(format: "%.1f%%", percent)
    }

    public static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.2fs", $0) } ?? notMeasured
    }

    /// Seconds shown as milliseconds, `105.3`: step latencies of a few ms would read `0.00s`.
    public static func milliseconds(_ seconds: Double?) -> String {
        decimal(seconds.map { $0 * 1000 })
    }

    public static func decimal(_ value: Double?, _ digits: Int = 1) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? notMeasured
    }

    /// A wait time as the seed wrote it: `1.0`, `0.2`.
    public static func wait(_ value: Double) -> String {
        value.description
    }
}
