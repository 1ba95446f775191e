import Foundation

/// Maps data values onto a pixel range, linearly or on a log2 axis (batch sizes double).
public struct Scale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case linear
        case log2
    }

    public var kind: Kind
    /// Data values at the two ends of the axis (for `.log2`, both > 0).
    public var domain: ClosedRange<Double>
    /// Pixel positions the two ends map to (may run backwards, as y does in SVG).
    public var range: (start: Double, end: Double)

    public init(_ kind: Kind, domain: ClosedRange<Double>, range: (start: Double, end: Double)) {
        self.kind = kind
        self.domain = domain
        self.range = range
    }

    /// The pixel position of `value`; a zero-width domain maps everything to the middle.
    public func position(_ value: Double) -> Double {
        let (low, high, v) = (transform(domain.lowerBound), transform(domain.upperBound), transform(value))
        let fraction = high == low ? 0.5 : (v - low) / (high - low)
        return range.start + fraction * (range.end - range.start)
    }

    /// Tick values: powers of two on a log2 axis, about six round steps on a linear one.
    public func ticks() -> [Double] {
        switch kind {
        case .log2:
            let low = Int(Foundation.log2(domain.lowerBound).rounded(.up))
            let high = Int(Foundation.log2(domain.upperBound).rounded(.down))
            guard low <= high else { return [domain.lowerBound] }
            return (low...high).map { pow(2, Double($0)) }
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            guard span > 0 else { return [domain.lowerBound] }
            let step = Self.niceStep(span / 6)
            let first = (domain.lowerBound / step).rounded(.up) * step
            return stride(from: first, through: domain.upperBound + step * 1e-9, by: step).map { $0 }
        }
    }

    private func transform(_ value: Double) -> Double {
        kind == .log2 ? Foundation.log2(max(value, .leastNormalMagnitude)) : value
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (Foundation.log10(raw)).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw - 1e-12 } ?? 10 * magnitude
    }

    public static func == (lhs: Scale, rhs: Scale) -> Bool {
        lhs.kind == rhs.kind && lhs.domain == rhs.domain && lhs.range == rhs.range
    }
}
