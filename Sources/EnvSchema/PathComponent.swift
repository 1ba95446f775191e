public import EnvProtocol

/// One step of a location inside a JSON value: an object key or an array index.
///
/// A list of these is a `loc` as pydantic prints it (`["observation", "board", 0, 2]`), so a
/// violation found by ``JSONSchema`` reads like the reference's own validation errors.
public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    /// The component as it appears in a pydantic `loc` list: a string or an integer.
    public var jsonValue: JSONValue {
        switch self {
        case .key(let key): .string(key)
        case .index(let index): .integer(index)
        }
    }

    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }
}

extension Array where Element == PathComponent {
    /// The path joined with dots, as pydantic prints a `loc` (`observation.board.0.2`);
    /// `(root)` for the empty path.
    public var dotted: String {
        isEmpty ? "(root)" : map(\.description).joined(separator: ".")
    }

    /// The path as a pydantic `loc` list (strings and integers).
    public var jsonValue: JSONValue {
        .array(map(\.jsonValue))
    }
}
