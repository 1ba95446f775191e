import Charts
import Foundation
import Testing

/// The charting module on its own: scales, geometry and the markup each chart emits.
@Suite("Charts")
struct ChartsTests {
    @Test("a log2 scale puts each doubling the same distance apart; a linear one is proportional")
    func scales() {
        let log = Scale(.log2, domain: 4...64, range: (0, 400))
        #expect(log.position(4) == 0)
        #expect(log.position(8) == 100)
        #expect(log.position(64) == 400)
        #expect(log.ticks() == [4, 8, 16, 32, 64])
        let linear = Scale(.linear, domain: 0...105, range: (284, 40))
        #expect(linear.position(0) == 284)
        #expect(abs(linear.position(105) - 40) < 1e-9)
        #expect(linear.ticks() == [0, 20, 40, 60, 80, 100])
        #expect(Scale(.linear, domain: 2...2, range: (0, 10)).position(2) == 5, "a single value sits in the middle")
    }

    @Test("a line chart's path visits its points in x order, and the reference line is dashed")
    func lineChart() {
        // Frame: plot x 64…540 (560 + 190 legend − 20 − 190), y 284…40.
        let chart = LineChart(
            title: "t",
            xTitle: "Batch size",
            yTitle: "Success (%)",
            yDomain: 0...100,
            series: [.init(name: "a", color: "#000", points: [.init(x: 16, y: 50), .init(x: 4, y: 100)])],
            references: [.init(y: 95, label: "95%")]
        )
        // x: 4 → 64, 16 → 540 (the two ends); y: 100 → 40, 50 → 284 − 122 = 162.
        #expect(chart.pathData(chart.series[0]) == "M64.0,40.0 L540.0,162.0")
        let svg = chart.svg()
        #expect(svg.contains("d=\"M64.0,40.0 L540.0,162.0\""))
        // 95 % → 284 − 0.95 × 244 = 52.2.
        #expect(svg.contains("<line x1=\"64.0\" y1=\"52.2\" x2=\"540.0\" y2=\"52.2\" class=\"reference\""))
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains(">Batch size</text>") && svg.contains(">Success (%)</text>"))
    }

    @Test("bars rise from the axis to their value; a bar without a value draws no rectangle but its text")
    func barChart() throws {
        // Plot y 244…40 (height 340, bottom 96); domain 0…(10 × 1.15) = 0…11.5.
        let chart = BarChart(
            title: "t",
            yTitle: "y",
            bars: [.init(label: "a", value: 10, text: "10", color: "#111"), .init(label: "b", value: nil, text: "not measured", color: "#222")]
        )
        let rect = try #require(chart.rect(0))
        // Band 476 / 2 = 238; bar at 64 + 0.2 × 238 = 111.6, width 142.8; top 244 − 10/11.5 × 204.
        #expect(abs(rect.x - 111.6) < 1e-9 && abs(rect.width - 142.8) < 1e-9)
        #expect(abs(rect.y - (244 - 10 / 11.5 * 204)) < 1e-9)
        #expect(abs(rect.y + rect.height - 244) < 1e-9)
        #expect(chart.rect(1) == nil)
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "class=\"bar\"").count == 2, "one bar drawn")
        #expect(svg.contains(">not measured</text>"))
    }

    @Test("a log2 bar chart rises from 1, so 16 of a 1…32 axis is four fifths of the height")
    func logBars() throws {
        let chart = BarChart(title: "t", yTitle: "y", yKind: .log2, bars: [.init(label: "a", value: 16, text: "16", color: "#111")])
        #expect(chart.yScale.domain == 1...32)
        let rect = try #require(chart.rect(0))
        #expect(abs(rect.height - 0.8 * 204) < 1e-9)
    }

    @Test("heatmap cells print their value, missing cells are grey, colours run light to dark")
    func heatmap() {
        let map = Heatmap(
            title: "t",
            xTitle: "Batch size",
            rows: ["r"],
            columns: ["1", "2", "3"],
            values: [[1, nil, 100]],
            format: { String(format: "%.2f", $0) }
        )
        #expect(map.color(1) == "#fff5c0")
        #expect(map.color(100) == "#a50f15")
        #expect(abs(map.intensity(10) - 0.5) < 1e-9, "log scale: 10 is halfway between 1 and 100")
        let svg = map.svg()
        #expect(svg.contains(">1.00</text>") && svg.contains(">100.00</text>") && svg.contains(">–</text>"))
        #expect(svg.contains("fill=\"#eeeeee\""))
        #expect(svg.components(separatedBy: "class=\"cell\"").count == 4)
    }

    @Test("text is escaped, so a name cannot break the markup")
    func escaping() {
        #expect(SVG.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
        let chart = BarChart(title: "<script>", yTitle: "y", bars: [.init(label: "x&y", value: 1, text: "1", color: "#000")])
        #expect(!chart.svg().contains("<script>"))
        #expect(chart.svg().contains("x&amp;y"))
    }
}
