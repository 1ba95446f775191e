import EnvProtocol

/// Turns a schema document into ``SchemaNode``s.
///
/// Subschemas are compiled where they appear; `$ref` targets are compiled afterwards from a
/// work list (each document location once), so a chain of references never deepens the
/// call stack and a cycle of references is just a cycle of node indices.
struct SchemaCompiler {
    private let document: JSONValue
    private let maxDepth: Int
    private(set) var nodes: [SchemaNode] = []
    private(set) var unchecked: [UncheckedKeyword] = []
    private var nodeAtPointer: [String: Int] = [:]
    private var pendingRefs: [(node: Int, reference: String)] = []

    /// Keywords that only describe (or that pydantic adds for documentation and tooling) and
    /// never constrain a value; skipped silently. `$defs`/`definitions` are compiled when a
    /// `$ref` reaches into them. `discriminator` (OpenAPI) only names the property that tells
    /// `oneOf` branches apart; the `oneOf` itself is validated.
    private static let annotations: Set<String> = [
        "$schema", "$id", "$anchor", "$comment", "$defs", "definitions", "$vocabulary",
        "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "discriminator", "contentEncoding", "contentMediaType", "contentSchema",
    ]

    /// Keywords understood as the same thing in every draft pydantic or MCP servers use.
    private static let assertions: Set<String> = [
        "type", "enum", "const", "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "pattern", "format",
        "prefixItems", "items", "additionalItems", "minItems", "maxItems", "uniqueItems",
        "contains", "minContains", "maxContains",
        "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "dependentRequired", "nullable",
    ]

    init(document: JSONValue, maxDepth: Int) {
        self.document = document
        self.maxDepth = maxDepth
    }

    /// Compiles the whole document; returns the root node's index.
    mutating func compileDocument() throws(JSONSchemaError) -> Int {
        let root = try compile(document, at: "#", depth: 0)
        while let pending = pendingRefs.popLast() {
            nodes[pending.node].ref = try resolve(pending.reference, from: pending.node)
        }
        return root
    }

    private mutating func resolve(_ reference: String, from node: Int) throws(JSONSchemaError) -> Int? {
        let pointer = nodes[node].pointer
        guard let tokens = JSONPointer.tokens(ofFragment: reference) else {
            note(pointer, node, "$ref", "reference '\(reference)' is not a local JSON pointer; not followed")
            return nil
        }
        let canonical = JSONPointer.fragment(tokens)
        if let existing = nodeAtPointer[canonical] { return existing }
        guard let target = JSONPointer.resolve(tokens, in: document) else {
            note(pointer, node, "$ref", "reference '\(reference)' points at nothing in the document; not followed")
            return nil
        }
        return try compile(target, at: canonical, depth: 0)
    }

    private mutating func note(_ pointer: String, _ node: Int, _ keyword: String, _ reason: String) {
        nodes[node].unchecked.append(unchecked.count)
        unchecked.append(UncheckedKeyword(schemaPath: pointer, keyword: keyword, reason: reason))
    }

    private mutating func compile(_ schema: JSONValue, at pointer: String, depth: Int) throws(JSONSchemaError) -> Int {
        if let existing = nodeAtPointer[pointer] { return existing }
        guard depth <= maxDepth else { throw .tooDeep(at: pointer, limit: maxDepth) }
        let id = nodes.count
        nodes.append(SchemaNode(pointer: pointer))
        nodeAtPointer[pointer] = id
        switch schema {
        case .bool(true):
            return id
        case .bool(false):
            nodes[id].rejectsAll = true
            return id
        case .object(let keywords):
            try fill(id, from: keywords, depth: depth)
            return id
        default:
            throw .notASchema(at: pointer)
        }
    }

    // One long function on purpose: every keyword is read in exactly one place.
    private mutating func fill(_ id: Int, from keywords: [String: JSONValue], depth: Int) throws(JSONSchemaError) {
        let pointer = nodes[id].pointer
        var node = nodes[id]
        func at(_ keyword: String) -> String { JSONPointer.appending(pointer, keyword) }

        for keyword in keywords.keys.sorted() where !Self.assertions.contains(keyword) {
            if Self.annotations.contains(keyword) || keyword.hasPrefix("x-") { continue }
            let reason: String
            switch keyword {
            case "unevaluatedProperties", "unevaluatedItems", "dependentSchemas", "dependencies",
                "$dynamicRef", "$recursiveRef", "$dynamicAnchor", "$recursiveAnchor":
                reason = "keyword is not supported; not checked"
            default:
                reason = "unknown keyword; ignored"
            }
            node.unchecked.append(unchecked.count)
            unchecked.append(UncheckedKeyword(schemaPath: pointer, keyword: keyword, reason: reason))
        }

        if let type = keywords["type"] {
            node.types = try Self.types(type, at: at("type"))
        }
        if case .bool(let flag)? = keywords["nullable"] { node.nullable = flag }
        if let constant = keywords["const"] { node.constValue = constant }
        if let values = keywords["enum"] {
            guard case .array(let members) = values else {
                throw .invalidKeyword(at: at("enum"), detail: "enum must be an array")
            }
            node.enumValues = members
            node.enumSet = Set(members.map(\.canonical))
        }
        if let reference = keywords["$ref"] {
            guard case .string(let text) = reference else {
                throw .invalidKeyword(at: at("$ref"), detail: "$ref must be a string")
            }
            node.refText = text
            pendingRefs.append((id, text))
        }
        node.allOf = try schemaList(keywords["allOf"], at: at("allOf"), depth: depth)
        node.anyOf = try schemaList(keywords["anyOf"], at: at("anyOf"), depth: depth)
        node.oneOf = try schemaList(keywords["oneOf"], at: at("oneOf"), depth: depth)
        node.not = try subschema(keywords["not"], at: at("not"), depth: depth)
        node.ifSchema = try subschema(keywords["if"], at: at("if"), depth: depth)
        if node.ifSchema != nil {
            node.thenSchema = try subschema(keywords["then"], at: at("then"), depth: depth)
            node.elseSchema = try subschema(keywords["else"], at: at("else"), depth: depth)
        }

        node.minimum = try Self.bound(keywords["minimum"], at: at("minimum"))
        node.maximum = try Self.bound(keywords["maximum"], at: at("maximum"))
        // Draft 4 spelled exclusivity as a boolean modifier of minimum/maximum.
        switch keywords["exclusiveMinimum"] {
        case .bool(true)?: (node.exclusiveMinimum, node.minimum) = (node.minimum, nil)
        case .bool(false)?, nil: break
        case let value?: node.exclusiveMinimum = try Self.bound(value, at: at("exclusiveMinimum"))
        }
        switch keywords["exclusiveMaximum"] {
        case .bool(true)?: (node.exclusiveMaximum, node.maximum) = (node.maximum, nil)
        case .bool(false)?, nil: break
        case let value?: node.exclusiveMaximum = try Self.bound(value, at: at("exclusiveMaximum"))
        }
        node.multipleOf = try Self.bound(keywords["multipleOf"], at: at("multipleOf"))
        if let multiple = node.multipleOf, multiple.value <= 0 {
            throw .invalidKeyword(at: at("multipleOf"), detail: "multipleOf must be greater than 0")
        }

        node.minLength = try Self.count(keywords["minLength"], at: at("minLength"))
        node.maxLength = try Self.count(keywords["maxLength"], at: at("maxLength"))
        if let pattern = keywords["pattern"] {
            guard case .string(let source) = pattern else {
                throw .invalidKeyword(at: at("pattern"), detail: "pattern must be a string")
            }
            node.patternSource = source
            switch SchemaPattern.compile(source) {
            case .success(let compiled): node.pattern = compiled
            case .failure(let error):
                node.unchecked.append(unchecked.count)
                unchecked.append(
                    UncheckedKeyword(
                        schemaPath: pointer,
                        keyword: "pattern",
                        reason:
                            "pattern '\(source)' is not supported by the regex engine (\(error.message)); not checked"
                    )
                )
            }
        }
        if case .string(let format)? = keywords["format"] {
            node.format = format
            node.unchecked.append(unchecked.count)
            unchecked.append(
                UncheckedKeyword(schemaPath: pointer, keyword: "format", reason: "format '\(format)' is not checked")
            )
        }

        switch keywords["items"] {
        case .array(let tuple)?:
            // Draft 7 tuple form: the array is 2020-12's prefixItems, additionalItems its items.
            node.prefixItems = try schemaList(.array(tuple), at: at("items"), depth: depth)
            node.items = try subschema(keywords["additionalItems"], at: at("additionalItems"), depth: depth)
        case let items?:
            node.items = try subschema(items, at: at("items"), depth: depth)
        case nil:
            break
        }
        if keywords["prefixItems"] != nil {
            node.prefixItems = try schemaList(keywords["prefixItems"], at: at("prefixItems"), depth: depth)
        }
        node.minItems = try Self.count(keywords["minItems"], at: at("minItems"))
        node.maxItems = try Self.count(keywords["maxItems"], at: at("maxItems"))
        if case .bool(let flag)? = keywords["uniqueItems"] { node.uniqueItems = flag }
        node.contains = try subschema(keywords["contains"], at: at("contains"), depth: depth)
        node.minContains = try Self.count(keywords["minContains"], at: at("minContains"))
        node.maxContains = try Self.count(keywords["maxContains"], at: at("maxContains"))

        if let properties = keywords["properties"] {
            guard case .object(let members) = properties else {
                throw .invalidKeyword(at: at("properties"), detail: "properties must be an object")
            }
            for name in members.keys.sorted() {
                let child = try compile(
                    members[name]!,
                    at: JSONPointer.appending(pointer, "properties", name),
                    depth: depth + 1
                )
                node.properties.append((name, child))
                node.propertyIndex[name] = child
            }
        }
        if let required = keywords["required"] {
            guard case .array(let names) = required, let strings = Self.strings(names) else {
                throw .invalidKeyword(at: at("required"), detail: "required must be an array of strings")
            }
            node.required = strings
        }
        node.additionalProperties = try subschema(
            keywords["additionalProperties"],
            at: at("additionalProperties"),
            depth: depth
        )
        if let patterns = keywords["patternProperties"] {
            guard case .object(let members) = patterns else {
                throw .invalidKeyword(at: at("patternProperties"), detail: "patternProperties must be an object")
            }
            for source in members.keys.sorted() {
                let child = try compile(
                    members[source]!,
                    at: JSONPointer.appending(pointer, "patternProperties", source),
                    depth: depth + 1
                )
                switch SchemaPattern.compile(source) {
                case .success(let compiled): node.patternProperties.append((compiled, child))
                case .failure(let error):
                    node.unchecked.append(unchecked.count)
                    unchecked.append(
                        UncheckedKeyword(
                            schemaPath: pointer,
                            keyword: "patternProperties",
                            reason: "pattern '\(source)' is not supported by the regex engine (\(error.message)); "
                                + "its properties are not checked"
                        )
                    )
                }
            }
        }
        node.propertyNames = try subschema(keywords["propertyNames"], at: at("propertyNames"), depth: depth)
        node.minProperties = try Self.count(keywords["minProperties"], at: at("minProperties"))
        node.maxProperties = try Self.count(keywords["maxProperties"], at: at("maxProperties"))
        if let dependent = keywords["dependentRequired"] {
            guard case .object(let members) = dependent else {
                throw .invalidKeyword(at: at("dependentRequired"), detail: "dependentRequired must be an object")
            }
            for name in members.keys.sorted() {
                guard case .array(let names)? = members[name], let strings = Self.strings(names) else {
                    throw .invalidKeyword(
                        at: at("dependentRequired"),
                        detail: "dependentRequired values must be string arrays"
                    )
                }
                node.dependentRequired.append((name, strings))
            }
        }
        node.defaultValue = keywords["default"]
        nodes[id] = node
    }

    private mutating func subschema(_ value: JSONValue?, at pointer: String, depth: Int) throws(JSONSchemaError) -> Int? {
        guard let value else { return nil }
        return try compile(value, at: pointer, depth: depth + 1)
    }

    private mutating func schemaList(
        _ value: JSONValue?,
        at pointer: String,
        depth: Int
    ) throws(JSONSchemaError)
        -> [Int]
    {
        guard let value else { return [] }
        guard case .array(let schemas) = value else {
            throw .invalidKeyword(at: pointer, detail: "must be an array of schemas")
        }
        var result: [Int] = []
        for (index, schema) in schemas.enumerated() {
            result.append(try compile(schema, at: JSONPointer.appending(pointer, String(index)), depth: depth + 1))
        }
        return result
    }

    private static func types(_ value: JSONValue, at pointer: String) throws(JSONSchemaError) -> [JSONType] {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let list): names = list
        default: throw .invalidKeyword(at: pointer, detail: "type must be a string or an array of strings")
        }
        var result: [JSONType] = []
        for name in names {
            guard case .string(let text) = name, let type = JSONType(rawValue: text) else {
                throw .invalidKeyword(at: pointer, detail: "unknown type \(name.rendered)")
            }
            result.append(type)
        }
        return result
    }

    private static func bound(_ value: JSONValue?, at pointer: String) throws(JSONSchemaError) -> NumericBound? {
        guard let value else { return nil }
        guard let bound = NumericBound(value) else {
            throw .invalidKeyword(at: pointer, detail: "must be a number")
        }
        return bound
    }

    private static func count(_ value: JSONValue?, at pointer: String) throws(JSONSchemaError) -> Int? {
        guard let value else { return nil }
        guard let count = value.integerValue, count >= 0 else {
            throw .invalidKeyword(at: pointer, detail: "must be a non-negative integer")
        }
        return count
    }

    private static func strings(_ values: [JSONValue]) -> [String]? {
        var result: [String] = []
        for value in values {
            guard case .string(let text) = value else { return nil }
            result.append(text)
        }
        return result
    }
}
