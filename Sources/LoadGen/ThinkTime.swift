import Foundation

/// How long a trainer "thinks" before each step (the model generating the next action): a
/// distribution parsed from `--think SPEC` and sampled with a seeded generator, so a run can
/// be repeated exactly.
///
/// ```swift
/// let think = try ThinkTime(parsing: "lognormal:1.0,0.5")
/// var random = SeededRandom(seed: 42, stream: 7)
/// let gap = think.sample(using: &random)   // seconds, ≥ 0
/// ```
public struct ThinkTime: Sendable, Equatable, CustomStringConvertible {
    private enum Distribution: Sendable, Equatable {
        case constant(Double)
        case exponential(mean: Double)
        case uniform(low: Double, high: Double)
        case logNormal(median: Double, sigma: Double)
    }

    private let distribution: Distribution

    /// No think time: the next step is sent as soon as the reply arrives (bursts, the seed).
    public static let none = ThinkTime(distribution: .constant(0))

    private init(distribution: Distribution) {
        self.distribution = distribution
    }

    /// Always `seconds`.
    public static func constant(_ seconds: Double) -> ThinkTime {
        ThinkTime(distribution: .constant(max(0, seconds)))
    }

    /// Parses `SECONDS`, `exp:MEAN`, `uniform:LO,HI` or `lognormal:MEDIAN,SIGMA` (seconds).
    ///
    /// - Throws: ``WorkloadError`` for `--think` saying which form was expected.
    public init(parsing spec: String) throws(WorkloadError) {
        func numbers(_ text: Substring, count: Int) throws(WorkloadError) -> [Double] {
            let values = text.split(separator: ",", omittingEmptySubsequences: false).compactMap {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
            guard values.count == count, values.allSatisfy({ $0 >= 0 && $0 <= 86_400 }) else {
                throw WorkloadError(
                    flag: "--think",
                    reason: "'\(spec)': expected SECONDS, exp:MEAN, uniform:LO,HI or lognormal:MEDIAN,SIGMA with numbers from 0 to 86400"
                )
            }
            return values
        }
        let parts = spec.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else {
            distribution = .constant(try numbers(Substring(spec), count: 1)[0])
            return
        }
        switch parts[0].lowercased() {
        case "exp":
            distribution = .exponential(mean: try numbers(parts[1], count: 1)[0])
        case "uniform":
            let bounds = try numbers(parts[1], count: 2)
            guard bounds[0] <= bounds[1] else { throw WorkloadError(flag: "--think", reason: "'\(spec)': LO must be ≤ HI") }
            distribution = .uniform(low: bounds[0], high: bounds[1])
        case "lognormal":
            let values = try numbers(parts[1], count: 2)
            distribution = .logNormal(median: values[0], sigma: values[1])
        default:
            throw WorkloadError(
                flag: "--think",
                reason: "'\(spec)': unknown distribution '\(parts[0])' (exp, uniform, lognormal)"
            )
        }
    }

    public var description: String {
        switch distribution {
        case .constant(let seconds): "\(seconds)"
        case .exponential(let mean): "exp:\(mean)"
        case .uniform(let low, let high): "uniform:\(low),\(high)"
        case .logNormal(let median, let sigma): "lognormal:\(median),\(sigma)"
        }
    }

    /// Whether every sample is 0 (no timer is needed between steps).
    public var isZero: Bool { distribution == .constant(0) }

    /// One think time in seconds (≥ 0).
    public func sample(using random: inout SeededRandom) -> Double {
        switch distribution {
        case .constant(let seconds):
            return seconds
        case .exponential(let mean):
            return -mean * Foundation.log(1 - random.unit())
        case .uniform(let low, let high):
            return low + (high - low) * random.unit()
        case .logNormal(let median, let sigma):
            // Box–Muller: one standard normal from two uniforms.
            let normal = (-2 * Foundation.log(1 - random.unit())).squareRoot() * cos(2 * Double.pi * random.unit())
            return median * exp(sigma * normal)
        }
    }
}

/// SplitMix64: a small, fast generator whose stream depends only on its seed, so every
/// session of a run draws the same think times and backoffs whenever it runs (`--seed`).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator of one session: `seed` is the run's, `stream` the session's request id.
    public init(seed: UInt64, stream: Int) {
        state = seed &+ UInt64(truncatingIfNeeded: stream) &* 0x9E37_79B9_7F4A_7C15
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
