import Foundation

/// A comma-separated list of numbers, as the sweep flags take them (`--requests-grid 32,128`).
public enum NumberList {
    /// - Throws: ``NumberListError`` naming the flag when the list is empty or an item is not a number.
    public static func parse<T: LosslessStringConvertible>(_ text: String, flag: String) throws(NumberListError) -> [T] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.compactMap { T($0) }
        guard !values.isEmpty, values.count == items.count else { throw NumberListError(flag: flag, text: text) }
        return values
    }
}

/// A flag's value that is not a comma-separated list of numbers.
public struct NumberListError: Error, Sendable, CustomStringConvertible {
    public let flag: String
    public let text: String
    public var description: String { "\(flag) takes comma-separated numbers, got '\(text)'" }
}
