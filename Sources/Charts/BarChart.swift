import Foundation

/// One bar per label, its value printed above it; a bar without a value shows why instead
/// ("not measured", "none ≥ 95 %"), so a missing figure is never drawn as zero.
public struct BarChart: Sendable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double?
        /// Printed above the bar, or in its place when `value` is nil.
        public var text: String
        public var color: String

        public init(label: String, value: Double?, text: String, color: String) {
            self.label = label
            self.value = value
            self.text = text
            self.color = color
        }
    }

    /// A bar's rectangle in pixels.
    public struct Rect: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
    }

    public var title: String
    public var yTitle: String
    /// `.log2` for figures spanning orders of magnitude (max batch); bars then rise from 1.
    public var yKind: Scale.Kind
    public var bars: [Bar]
    public var frame: ChartFrame

    public init(title: String, yTitle: String, yKind: Scale.Kind = .linear, bars: [Bar], frame: ChartFrame = ChartFrame(bottom: 96)) {
        self.title = title
        self.yTitle = yTitle
        self.yKind = yKind
        self.bars = bars
        self.frame = frame
    }

    /// Linear: 0 to 1.15 × the largest value. Log2: 1 to twice the largest value's power of two.
    public var yScale: Scale {
        let largest = bars.compactMap(\.value).max() ?? 1
        let domain: ClosedRange<Double>
        switch yKind {
        case .linear: domain = 0...max(largest * 1.15, 1e-9)
        case .log2: domain = 1...max(2, Double(1 << (Int(log2(max(largest, 1)).rounded(.up)) + 1)))
        }
        return Scale(yKind, domain: domain, range: (frame.plotBottom, frame.plotTop))
    }

    /// Each label gets an equal band; its bar fills the middle 60 %.
    public func rect(_ index: Int) -> Rect? {
        guard let value = bars[index].value else { return nil }
        let band = (frame.plotRight - frame.plotLeft) / Double(bars.count)
        let top = yScale.position(value)
        return Rect(x: frame.plotLeft + band * (Double(index) + 0.2), y: top, width: band * 0.6, height: frame.plotBottom - top)
    }

    public func svg() -> String {
        let y = yScale
        var body = SVG.axes(frame: frame, x: nil, y: (y, y.ticks(), SVG.tickLabel), xTitle: "", yTitle: yTitle)
        let band = (frame.plotRight - frame.plotLeft) / Double(max(bars.count, 1))
        for (index, bar) in bars.enumerated() {
            let center = frame.plotLeft + band * (Double(index) + 0.5)
            if let rect = rect(index) {
                body.append(
                    "<rect class=\"bar\" data-label=\"\(SVG.escape(bar.label))\" x=\"\(SVG.number(rect.x))\" y=\"\(SVG.number(rect.y))\" "
                        + "width=\"\(SVG.number(rect.width))\" height=\"\(SVG.number(rect.height))\" fill=\"\(bar.color)\"/>"
                )
                body.append(SVG.text(bar.text, x: center, y: rect.y - 4, anchor: "middle", attributes: "class=\"value\" font-size=\"11\""))
            } else {
                // Upright along the empty band, so it fits however narrow the band is.
                let (x, y) = (SVG.number(center + 4), SVG.number(frame.plotBottom - 6))
                body.append(
                    "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"start\" class=\"missing\" font-size=\"11\" fill=\"#777\" "
                        + "transform=\"rotate(-90 \(x) \(y))\">\(SVG.escape(bar.text))</text>"
                )
            }
            // Labels are rotated so long infrastructure names fit under narrow bars.
            let labelY = frame.plotBottom + 12
            body.append(
                "<text x=\"\(SVG.number(center))\" y=\"\(SVG.number(labelY))\" text-anchor=\"end\" class=\"tick\" font-size=\"11\" "
                    + "transform=\"rotate(-35 \(SVG.number(center)) \(SVG.number(labelY)))\">\(SVG.escape(bar.label))</text>"
            )
        }
        return SVG.document(frame: frame, title: title, role: "bar-chart", body)
    }
}
