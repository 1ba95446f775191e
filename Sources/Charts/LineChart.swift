/// Lines of (x, y) points with markers, an optional dashed reference line and a legend on the
/// right: the scaling curves and the two-run comparison.
public struct LineChart: Sendable {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var color: String
        /// Drawn in x order; a series with one point is a marker only.
        public var points: [Point]

        public init(name: String, color: String, points: [Point]) {
            self.name = name
            self.color = color
            self.points = points.sorted { $0.x < $1.x }
        }
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// A horizontal dashed line, e.g. the 95 % success threshold.
    public struct Reference: Sendable, Equatable {
        public var y: Double
        public var label: String

        public init(y: Double, label: String) {
            self.y = y
            self.label = label
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var xKind: Scale.Kind
    /// The y axis range; `nil` fits 0 to the largest value (and any reference line).
    public var yDomain: ClosedRange<Double>?
    public var series: [Series]
    public var references: [Reference]
    public var legendWidth: Double
    public var frame: ChartFrame

    public init(
        title: String,
        xTitle: String,
        yTitle: String,
        xKind: Scale.Kind = .log2,
        yDomain: ClosedRange<Double>? = nil,
        series: [Series],
        references: [Reference] = [],
        legendWidth: Double = 190,
        frame: ChartFrame = ChartFrame()
    ) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.xKind = xKind
        self.yDomain = yDomain
        self.series = series
        self.references = references
        self.legendWidth = legendWidth
        self.frame = frame
        self.frame.width += legendWidth
        self.frame.right += legendWidth
    }

    /// x spans the smallest to the largest x of all series.
    public var xScale: Scale {
        let xs = series.flatMap { $0.points.map(\.x) }
        let domain = (xs.min() ?? 1)...(xs.max() ?? 1)
        return Scale(xKind, domain: domain, range: (frame.plotLeft, frame.plotRight))
    }

    public var yScale: Scale {
        let top = series.flatMap { $0.points.map(\.y) }.max().map { $0 * 1.1 } ?? 1
        let domain = yDomain ?? 0...max(top, references.map(\.y).max() ?? 0, 1e-9)
        return Scale(.linear, domain: domain, range: (frame.plotBottom, frame.plotTop))
    }

    /// The `d` attribute of a series' polyline.
    public func pathData(_ series: Series) -> String {
        let (x, y) = (xScale, yScale)
        return series.points.enumerated().map { index, point in
            (index == 0 ? "M" : "L") + SVG.number(x.position(point.x)) + "," + SVG.number(y.position(point.y))
        }.joined(separator: " ")
    }

    public func svg() -> String {
        let (x, y) = (xScale, yScale)
        var body = SVG.axes(
            frame: frame,
            x: (x, x.ticks(), SVG.tickLabel),
            y: (y, y.ticks(), SVG.tickLabel),
            xTitle: xTitle,
            yTitle: yTitle
        )
        for reference in references {
            let position = y.position(reference.y)
            body.append(
                SVG.line(
                    x1: frame.plotLeft,
                    y1: position,
                    x2: frame.plotRight,
                    y2: position,
                    attributes: "class=\"reference\" stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\""
                )
            )
            // Below the line: points at 100 % sit above it and would cover the label.
            body.append(
                SVG.text(reference.label, x: frame.plotRight - 4, y: position + 13, anchor: "end", attributes: "font-size=\"11\" fill=\"#c00\"")
            )
        }
        for series in series where !series.points.isEmpty {
            body.append(
                "<path class=\"series\" data-series=\"\(SVG.escape(series.name))\" d=\"\(pathData(series))\" fill=\"none\" "
                    + "stroke=\"\(series.color)\" stroke-width=\"2\"/>"
            )
            for point in series.points {
                body.append(
                    "<circle cx=\"\(SVG.number(x.position(point.x)))\" cy=\"\(SVG.number(y.position(point.y)))\" r=\"3.5\" fill=\"\(series.color)\"/>"
                )
            }
        }
        for (index, series) in series.enumerated() {
            let top = frame.plotTop + Double(index) * 20
            let left = frame.width - legendWidth + 8
            body.append(SVG.line(x1: left, y1: top + 6, x2: left + 22, y2: top + 6, attributes: "stroke=\"\(series.color)\" stroke-width=\"3\""))
            body.append(SVG.text(series.name, x: left + 28, y: top + 10, attributes: "class=\"legend\" font-size=\"11\""))
        }
        return SVG.document(frame: frame, title: title, role: "line-chart", body)
    }
}
