import EnvProtocol

/// The seven instance types of JSON Schema, with `integer` meaning a number without a
/// fractional part (so JSON `1.0` is an integer, as both JSON Schema 2020-12 and pydantic's
/// lax mode say).
enum JSONType: String, Sendable, Hashable, CaseIterable {
    case null, boolean, integer, number, string, array, object

    /// The narrowest type of a value: whole numbers are `integer`, other numbers `number`.
    init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .integer: self = .integer
        case .number(let number): self = number.isWholeNumber ? .integer : .number
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }

    /// Whether a value of narrowest type `actual` satisfies `"type": self`.
    func admits(_ actual: JSONType) -> Bool {
        self == actual || (self == .number && actual == .integer)
    }

    /// pydantic's word for the type in "Input should be a valid ...".
    var pydanticName: String {
        switch self {
        case .null: "None"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "dictionary"
        }
    }
}

extension Double {
    /// Finite and without a fractional part.
    var isWholeNumber: Bool { isFinite && rounded(.towardZero) == self }
}

extension JSONValue {
    /// The value with every whole `number` that fits an `Int` turned into `integer`, so that
    /// JSON equality (`1 == 1.0`, as `enum`, `const` and `uniqueItems` need) is `==` on the result.
    var canonical: JSONValue {
        switch self {
        case .number(let number):
            if number.isWholeNumber, let whole = Int(exactly: number) { return .integer(whole) }
            return self
        case .array(let items): return .array(items.map(\.canonical))
        case .object(let members): return .object(members.mapValues(\.canonical))
        default: return self
        }
    }

    /// A short rendering for messages, with strings in single quotes as Python's `repr`
    /// prints them in pydantic's messages (`Input should be 'a' or 'b'`).
    var rendered: String {
        switch self {
        case .string(let text): return "'\(text.count > 60 ? String(text.prefix(57)) + "..." : text)'"
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        default:
            let text = JSONCoding.encodeString(self)
            return text.count > 60 ? String(text.prefix(57)) + "..." : text
        }
    }
}

/// Renders a bound as pydantic does: `0`, `0.5`, `8`.
func renderNumber(_ value: Double) -> String {
    if value.isWholeNumber, abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}

/// `'a', 'b' or 'c'`: pydantic's list of allowed values.
func renderAlternatives(_ values: [JSONValue]) -> String {
    let parts = values.map(\.rendered)
    guard parts.count > 1 else { return parts.first ?? "" }
    return parts.dropLast().joined(separator: ", ") + " or " + parts[parts.count - 1]
}
