/// Reads typed fields out of one JSON object and collects every problem it finds, the way a
/// pydantic model validates: all issues are reported at once, not just the first.
///
/// ```swift
/// var reader = FieldReader(object)
/// reader.allowOnly(["wait_seconds", "metadata"])
/// let wait = reader.number("wait_seconds") ?? 0
/// try reader.finish()
/// ```
public struct FieldReader {
    public let object: [String: JSONValue]
    public private(set) var issues: [ValidationIssue] = []

    public init(_ object: [String: JSONValue]) {
        self.object = object
    }

    /// Reports every key outside `allowed` as `extra_forbidden` (pydantic `extra="forbid"`).
    public mutating func allowOnly(_ allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            record("extra_forbidden", key, "Extra inputs are not permitted", object[key] ?? .null)
        }
    }

    /// The value under `key`, or a `missing` issue when absent.
    public mutating func required(_ key: String) -> JSONValue? {
        guard let value = object[key] else {
            record("missing", key, "Field required", .object(object))
            return nil
        }
        return value
    }

    /// A finite JSON number. Strings and booleans are refused: a strict server does not guess.
    public mutating func number(_ key: String) -> Double? {
        guard let value = object[key] else { return nil }
        guard let number = value.numberValue else {
            if case .string = value {
                record("float_parsing", key, "Input should be a valid number, unable to parse string as a number", value)
            } else {
                record("float_type", key, "Input should be a valid number", value)
            }
            return nil
        }
        guard number.isFinite else {
            record("finite_number", key, "Input should be a finite number", value)
            return nil
        }
        return number
    }

    /// A whole number (`42` or `42.0`), optionally with a lower bound.
    public mutating func integer(_ key: String, atLeast minimum: Int? = nil) -> Int? {
        guard let value = object[key], value != .null else { return nil }
        let integer: Int
        switch value {
        case .integer(let number):
            integer = number
        case .number(let number) where number.rounded() == number && abs(number) < 9.0e15:
            integer = Int(number)
        case .number:
            record("int_from_float", key, "Input should be a valid integer, got a number with a fractional part", value)
            return nil
        case .string:
            record("int_parsing", key, "Input should be a valid integer, unable to parse string as an integer", value)
            return nil
        default:
            record("int_type", key, "Input should be a valid integer", value)
            return nil
        }
        if let minimum, integer < minimum {
            record(
                "greater_than_equal",
                key,
                "Input should be greater than or equal to \(minimum)",
                value,
                ctx: ["ge": .integer(minimum)]
            )
            return nil
        }
        return integer
    }

    /// A string, optionally with a maximum length in characters.
    public mutating func string(_ key: String, maxLength: Int? = nil) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let string = value.stringValue else {
            record("string_type", key, "Input should be a valid string", value)
            return nil
        }
        if let maxLength, string.count > maxLength {
            record(
                "string_too_long",
                key,
                "String should have at most \(maxLength) characters",
                value,
                ctx: ["max_length": .integer(maxLength)]
            )
            return nil
        }
        return string
    }

    /// A JSON object.
    public mutating func object(_ key: String) -> [String: JSONValue]? {
        guard let value = object[key] else { return nil }
        guard let nested = value.objectValue else {
            record("dict_type", key, "Input should be a valid dictionary", value)
            return nil
        }
        return nested
    }

    /// Adds an issue found by the caller's own rule (bounds, cross-field checks).
    public mutating func record(
        _ type: String,
        _ key: String,
        _ message: String,
        _ input: JSONValue,
        ctx: [String: JSONValue]? = nil
    ) {
        issues.append(ValidationIssue(type: type, loc: [.string(key)], msg: message, input: input, ctx: ctx))
    }

    /// Throws everything recorded so far.
    public func finish() throws(ValidationFailure) {
        if !issues.isEmpty { throw ValidationFailure(issues) }
    }
}

extension ValidationIssue {
    /// The issue for a model whose input is not a JSON object at all.
    public static func notAnObject(_ input: JSONValue) -> ValidationIssue {
        ValidationIssue(
            type: "model_attributes_type",
            loc: [],
            msg: "Input should be a valid dictionary or object to extract fields from",
            input: input
        )
    }
}
