/// A schema document that cannot be used at all.
///
/// Problems local to one keyword (an unknown keyword, a pattern the regex engine cannot
/// compile, a `$ref` that points outside the document) do not throw: that keyword is
/// reported in ``JSONSchema/unchecked`` and validation goes on without it.
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case notASchema
        case tooDeep
        case invalidKeyword
    }

    private let kind: Kind
    /// JSON pointer of the offending subschema or keyword.
    public let schemaPath: String
    /// Human-readable detail.
    public let detail: String

    private init(_ kind: Kind, schemaPath: String, detail: String) {
        self.kind = kind
        self.schemaPath = schemaPath
        self.detail = detail
    }

    /// A (sub)schema is neither an object nor a boolean.
    public static func notASchema(
        at schemaPath: String,
        detail: String = "a schema must be an object or a boolean"
    )
        -> Self
    { Self(.notASchema, schemaPath: schemaPath, detail: detail) }

    /// Subschemas nest deeper than ``JSONSchema/Configuration/maxDepth``.
    public static func tooDeep(at schemaPath: String, limit: Int) -> Self {
        Self(.tooDeep, schemaPath: schemaPath, detail: "subschemas nest deeper than \(limit) levels")
    }

    /// A known keyword whose value has the wrong shape (`"required": "x"`, `"minimum": "0"`).
    public static func invalidKeyword(at schemaPath: String, detail: String) -> Self {
        Self(.invalidKeyword, schemaPath: schemaPath, detail: detail)
    }

    /// Compares the kind and location only, so tests can write
    /// `#expect(throws: JSONSchemaError.tooDeep(at: "#/items", limit: 128))` without the detail text.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kind == rhs.kind && lhs.schemaPath == rhs.schemaPath
    }

    public var description: String { "invalid schema at \(schemaPath): \(detail)" }
}
