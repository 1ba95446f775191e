import EnvProtocol

/// A numeric bound with the spelling it had in the schema, for messages.
struct NumericBound: Sendable {
    var value: Double
    /// The bound as an exact integer when it is one, so integers compare without rounding.
    var integer: Int?

    init?(_ json: JSONValue) {
        switch json {
        case .integer(let whole):
            value = Double(whole)
            integer = whole
        case .number(let number) where number.isFinite:
            value = number
            integer = number.isWholeNumber ? Int(exactly: number) : nil
        default:
            return nil
        }
    }

    var rendered: String { integer.map(String.init) ?? renderNumber(value) }
}

/// One compiled subschema. Nodes live in ``JSONSchema``'s arena and refer to each other by
/// index, so recursive schemas (`$ref` back to an ancestor) are plain cycles of indices.
struct SchemaNode: Sendable {
    /// JSON pointer of this subschema in the document.
    var pointer: String
    /// `false`, or a subschema that nothing can satisfy.
    var rejectsAll = false

    var types: [JSONType]?
    /// OpenAPI 3.0's `nullable: true`: `null` passes the `type` check.
    var nullable = false
    var constValue: JSONValue?
    var enumValues: [JSONValue]?
    /// `enumValues`, canonical, for membership tests.
    var enumSet: Set<JSONValue> = []

    var ref: Int?
    var refText: String?
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var ifSchema: Int?
    var thenSchema: Int?
    var elseSchema: Int?

    var minimum: NumericBound?
    var maximum: NumericBound?
    var exclusiveMinimum: NumericBound?
    var exclusiveMaximum: NumericBound?
    var multipleOf: NumericBound?

    var minLength: Int?
    var maxLength: Int?
    var pattern: SchemaPattern?
    /// The `pattern` text, also when the regex engine could not compile it.
    var patternSource: String?

    var prefixItems: [Int] = []
    /// `items` (2020-12) or `additionalItems` after an array-form `items` (draft 7).
    var items: Int?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var contains: Int?
    var minContains: Int?
    var maxContains: Int?

    /// Sorted by name, so violations come out in a stable order.
    var properties: [(name: String, node: Int)] = []
    var propertyIndex: [String: Int] = [:]
    var required: [String] = []
    var additionalProperties: Int?
    var patternProperties: [(pattern: SchemaPattern, node: Int)] = []
    var propertyNames: Int?
    var minProperties: Int?
    var maxProperties: Int?
    var dependentRequired: [(name: String, requires: [String])] = []

    var format: String?
    var defaultValue: JSONValue?
    /// Indices into ``JSONSchema/unchecked`` of this node's own unchecked keywords.
    var unchecked: [Int] = []

    init(pointer: String) {
        self.pointer = pointer
    }
}

/// A finished node behind a reference, so that the evaluator's many lookups retain one
/// object instead of copying a struct of some thirty fields.
final class FrozenNode: Sendable {
    let node: SchemaNode

    init(_ node: SchemaNode) {
        self.node = node
    }
}
