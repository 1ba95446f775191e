import Foundation

/// A grid of coloured cells, rows × columns, each printing its value; a cell without a value is
/// grey and says so. Colour runs light → dark on a log scale (p99 spans seconds to minutes).
public struct Heatmap: Sendable {
    public var title: String
    public var xTitle: String
    public var rows: [String]
    public var columns: [String]
    /// `values[row][column]`; `nil` = not measured.
    public var values: [[Double?]]
    public var format: @Sendable (Double) -> String
    public var missingText: String
    public var cellWidth: Double = 64
    public var cellHeight: Double = 28
    public var rowLabelWidth: Double = 220

    public init(
        title: String,
        xTitle: String,
        rows: [String],
        columns: [String],
        values: [[Double?]],
        missingText: String = "–",
        format: @escaping @Sendable (Double) -> String
    ) {
        self.title = title
        self.xTitle = xTitle
        self.rows = rows
        self.columns = columns
        self.values = values
        self.missingText = missingText
        self.format = format
    }

    public var frame: ChartFrame {
        ChartFrame(
            width: rowLabelWidth + cellWidth * Double(columns.count) + 20,
            height: 40 + cellHeight * Double(rows.count) + 48,
            top: 40,
            right: 20,
            bottom: 48,
            left: rowLabelWidth
        )
    }

    /// Position of 0 (lightest) … 1 (darkest) of `value` between the smallest and largest value.
    public func intensity(_ value: Double) -> Double {
        let present = values.flatMap { $0 }.compactMap { $0 }.filter { $0 > 0 }
        guard let low = present.min(), let high = present.max(), high > low, value > 0 else { return 0.5 }
        return min(1, max(0, (log(value) - log(low)) / (log(high) - log(low))))
    }

    /// Light yellow (#fff5c0) to dark red (#a50f15).
    public func color(_ value: Double) -> String {
        let t = intensity(value)
        let (from, to) = ((255.0, 245.0, 192.0), (165.0, 15.0, 21.0))
        let channel = { (a: Double, b: Double) in Int((a + (b - a) * t).rounded()) }
        return String(format: "#%02x%02x%02x", channel(from.0, to.0), channel(from.1, to.1), channel(from.2, to.2))
    }

    public func svg() -> String {
        let frame = self.frame
        var body: [String] = []
        for (column, name) in columns.enumerated() {
            let x = frame.plotLeft + cellWidth * (Double(column) + 0.5)
            body.append(SVG.text(name, x: x, y: frame.plotBottom + 16, anchor: "middle", attributes: "class=\"tick\" font-size=\"11\""))
        }
        for (row, name) in rows.enumerated() {
            let y = frame.plotTop + cellHeight * Double(row)
            body.append(
                SVG.text(name, x: frame.plotLeft - 8, y: y + cellHeight / 2 + 4, anchor: "end", attributes: "class=\"tick\" font-size=\"11\"")
            )
            for column in columns.indices {
                let x = frame.plotLeft + cellWidth * Double(column)
                let value = values[row][column]
                let fill = value.map(color) ?? "#eeeeee"
                let ink = value.map { intensity($0) > 0.55 ? "#ffffff" : "#222222" } ?? "#888888"
                body.append(
                    "<rect class=\"cell\" x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(cellWidth - 2))\" "
                        + "height=\"\(SVG.number(cellHeight - 2))\" fill=\"\(fill)\"/>"
                )
                body.append(
                    SVG.text(
                        value.map(format) ?? missingText,
                        x: x + cellWidth / 2 - 1,
                        y: y + cellHeight / 2 + 3,
                        anchor: "middle",
                        attributes: "font-size=\"10\" fill=\"\(ink)\""
                    )
                )
            }
        }
        body.append(
            SVG.text(
                xTitle,
                x: frame.plotLeft + cellWidth * Double(columns.count) / 2,
                y: frame.height - 10,
                anchor: "middle",
                attributes: "class=\"axis-title\" font-size=\"12\""
            )
        )
        return SVG.document(frame: frame, title: title, role: "heatmap", body)
    }
}
