import Foundation

/// The little SVG vocabulary the charts share: escaped text, fixed-precision numbers, axes.
public enum SVG {
    /// Text safe inside XML elements and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A coordinate with one decimal, so the markup is stable and tests can predict it.
    public static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// `<svg>` with a viewBox, a title for screen readers and a white background.
    static func document(frame: ChartFrame, title: String, role: String, _ body: [String]) -> String {
        let size = "width=\"\(number(frame.width))\" height=\"\(number(frame.height))\""
        return
            ([
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart \(role)\" \(size) "
                    + "viewBox=\"0 0 \(number(frame.width)) \(number(frame.height))\" role=\"img\" aria-label=\"\(escape(title))\">",
                "<title>\(escape(title))</title>",
                "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(number(frame.width))\" height=\"\(number(frame.height))\" fill=\"#ffffff\"/>",
                text(title, x: frame.width / 2, y: 22, anchor: "middle", attributes: "class=\"chart-title\" font-size=\"15\" font-weight=\"bold\""),
            ] + body + ["</svg>"]).joined(separator: "\n")
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", attributes: String = "") -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" \(attributes)>\(escape(content))</text>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, attributes: String) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" \(attributes)/>"
    }

    /// Left and bottom axes with grid lines, tick labels and axis titles.
    static func axes(
        frame: ChartFrame,
        x: (scale: Scale, ticks: [Double], label: (Double) -> String)?,
        y: (scale: Scale, ticks: [Double], label: (Double) -> String),
        xTitle: String,
        yTitle: String
    ) -> [String] {
        var parts: [String] = []
        for tick in y.ticks {
            let position = y.scale.position(tick)
            parts.append(line(x1: frame.plotLeft, y1: position, x2: frame.plotRight, y2: position, attributes: "stroke=\"#e3e3e3\""))
            parts.append(text(y.label(tick), x: frame.plotLeft - 6, y: position + 4, anchor: "end", attributes: "class=\"tick\" font-size=\"11\""))
        }
        if let x {
            for tick in x.ticks {
                let position = x.scale.position(tick)
                parts.append(line(x1: position, y1: frame.plotTop, x2: position, y2: frame.plotBottom, attributes: "stroke=\"#f0f0f0\""))
                parts.append(
                    text(x.label(tick), x: position, y: frame.plotBottom + 16, anchor: "middle", attributes: "class=\"tick\" font-size=\"11\"")
                )
            }
        }
        parts.append(line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, attributes: "stroke=\"#333\""))
        parts.append(line(x1: frame.plotLeft, y1: frame.plotTop, x2: frame.plotLeft, y2: frame.plotBottom, attributes: "stroke=\"#333\""))
        parts.append(
            text(
                xTitle,
                x: (frame.plotLeft + frame.plotRight) / 2,
                y: frame.height - 12,
                anchor: "middle",
                attributes: "class=\"axis-title\" font-size=\"12\""
            )
        )
        let middle = (frame.plotTop + frame.plotBottom) / 2
        parts.append(
            "<text x=\"16\" y=\"\(number(middle))\" text-anchor=\"middle\" class=\"axis-title\" font-size=\"12\" "
                + "transform=\"rotate(-90 16 \(number(middle)))\">\(escape(yTitle))</text>"
        )
        return parts
    }

    /// A compact number for tick labels: 16384 → "16384", 0.5 → "0.5", 2.0 → "2".
    public static func tickLabel(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%g", value)
    }
}

/// Pixel layout of a chart: the canvas and the plot area inside its margins.
public struct ChartFrame: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public var top: Double
    public var right: Double
    public var bottom: Double
    public var left: Double

    public init(width: Double = 560, height: Double = 340, top: Double = 40, right: Double = 20, bottom: Double = 56, left: Double = 64) {
        self.width = width
        self.height = height
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    public var plotLeft: Double { left }
    public var plotRight: Double { width - right }
    public var plotTop: Double { top }
    public var plotBottom: Double { height - bottom }
}

/// Colour-blind-safe colours (Okabe–Ito), handed out by index so one infrastructure keeps its
/// colour in every figure.
public enum Palette {
    public static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255"]

    public static func color(_ index: Int) -> String { colors[index % colors.count] }
}
