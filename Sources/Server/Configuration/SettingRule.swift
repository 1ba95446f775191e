import Foundation

/// What one setting accepts, said once for its flag and its environment variable, so that both
/// accept the same values and refuse a bad one with the same message. The message is
/// ArgumentParser's own form, "The value 'V' is invalid for 'NAME': expected …": a flag's
/// `transform` throws the "expected …" part and ArgumentParser names the flag; a variable's
/// ``ConfigurationError`` says the whole line.
public struct SettingRule<Value: Sendable>: Sendable {
    /// What a valid value is, in words ("an integer in 0...65535").
    public let expected: String
    private let convert: @Sendable (String) -> Value?

    public init(expected: String, convert: @escaping @Sendable (String) -> Value?) {
        self.expected = expected
        self.convert = convert
    }

    /// `text`, given as the setting `name` (a variable or a flag), as a value.
    public func value(_ text: String, for name: String) throws(ConfigurationError) -> Value {
        guard let value = convert(text) else { throw ConfigurationError(name: name, value: text, expected: expected) }
        return value
    }

    /// The flag's `@Option(transform:)`.
    public var transform: @Sendable (String) throws -> Value {
        { [convert, expected] text in
            guard let value = convert(text) else { throw Mismatch(description: "expected \(expected)") }
            return value
        }
    }

    private struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }
}

extension SettingRule where Value == Int {
    public static func integer(in range: ClosedRange<Int>) -> Self {
        .init(expected: "an integer in \(range)") { Int($0).flatMap { range.contains($0) ? $0 : nil } }
    }

    public static func integer(atLeast minimum: Int) -> Self {
        .init(expected: "an integer ≥ \(minimum)") { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }

    public static let port = integer(in: 0...65535)
}

extension SettingRule where Value == Double {
    /// A finite number > 0 (≥ 0 with `allowingZero`), at most `maximum`.
    public static func number(allowingZero: Bool = false, atMost maximum: Double = .infinity, unit: String = "") -> Self {
        let bound = allowingZero ? "≥ 0" : "> 0"
        let limit = maximum.isFinite ? " and ≤ \(maximum.formatted)" : ""
        return .init(expected: "a finite number\(unit) \(bound)\(limit)") { text in
            Double(text).flatMap { value in
                value.isFinite && (allowingZero ? value >= 0 : value > 0) && value <= maximum ? value : nil
            }
        }
    }

    /// Seconds: a finite number > 0 (≥ 0 with `allowingZero`), at most `maximum`.
    public static func seconds(allowingZero: Bool = false, atMost maximum: Double = .infinity) -> Self {
        number(allowingZero: allowingZero, atMost: maximum, unit: " of seconds")
    }
}

extension SettingRule where Value == Bool {
    /// `1` or `0` (also `true`/`false`, `yes`/`no`).
    public static let flag = SettingRule(expected: "1 or 0") { text in
        switch text.lowercased() {
        case "1", "true", "yes": true
        case "0", "false", "no": false
        default: nil
        }
    }
}

extension SettingRule {
    /// A comma-separated list of at least one positive number (`32,512`; ≥ 0 with `allowingZero`).
    public static func numbers<Number: LosslessStringConvertible & Comparable & Numeric & Sendable>(
        allowingZero: Bool = false
    ) -> SettingRule<[Number]> {
        .init(expected: "a comma-separated list of \(allowingZero ? "numbers ≥ 0" : "positive numbers")") { text in
            var values: [Number] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = Number(String(part).trimmingCharacters(in: .whitespaces)),
                    allowingZero ? value >= .zero : value > .zero
                else { return nil }
                values.append(value)
            }
            return values
        }
    }
}

extension Double {
    /// 86400 rather than 86400.0 in a message.
    fileprivate var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
