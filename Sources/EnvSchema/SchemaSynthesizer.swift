public import EnvProtocol

/// Writes values for a ``JSONSchema``: one valid value, and invalid variants of it.
///
/// The valid value is the smallest one that says something: only required fields (a field
/// with a `default` is never required in pydantic, so the server fills it in), a subschema's
/// `default` where it has one and it passes, the first `const`/`enum` member, a number inside
/// `minimum`/`maximum`/`multipleOf` (0 when allowed), a string inside the length limits that
/// matches a simple `pattern` (or an example of a known `format`), `minItems` array items,
/// nested objects and `$ref`s followed. For `anyOf`/`oneOf` the first branch that can be
/// written wins, non-null branches first (and branches that would recurse into a model
/// already being written last). The result is always checked against the schema: a value
/// is returned only when ``JSONSchema/accepts(_:)`` says yes.
///
/// ```swift
/// let action = try SchemaSynthesizer(JSONSchema(served["action"]!)).validValue()
/// // {"cell": 0} for the tic-tac-toe fixture, {"tool_name": "sample"} for CallToolAction
/// ```
///
/// The invalid variants change one thing of that value (see ``InvalidVariant/Kind``): an
/// unknown field (only where `additionalProperties` is false), a wrong JSON type, a missing
/// field and a just-out-of-bounds value, for each required field of the top-level object.
/// Every variant is checked to be rejected. A "wrong type" is never a boolean or a numeric
/// string, which pydantic's lax mode would coerce into a number and accept.
public struct SchemaSynthesizer: Sendable {
    /// The schema values are written for.
    public let schema: JSONSchema
    /// Deepest nesting of subschemas followed while writing a value.
    public let maxDepth: Int

    /// - Parameters:
    ///   - schema: the compiled schema.
    ///   - maxDepth: nesting limit while writing, default 64.
    public init(_ schema: JSONSchema, maxDepth: Int = 64) {
        self.schema = schema
        self.maxDepth = maxDepth
    }

    /// A value the schema accepts.
    ///
    /// - Throws: ``SynthesisFailure`` when some part cannot be written (a pattern beyond the
    ///   generator, `false`, contradictory bounds, a required field that always recurses).
    public func validValue() throws(SynthesisFailure) -> JSONValue {
        var builder = ValueBuilder(schema: schema, maxDepth: maxDepth)
        let value = try builder.build(schema.root, variant: 0, depth: 0)
        let result = schema.validate(value)
        guard result.isValid else {
            throw SynthesisFailure(
                loc: [],
                schemaPath: "#",
                reason: "the written value \(JSONCoding.encodeString(value)) is rejected: \(result.violations)"
            )
        }
        return value
    }

    /// Invalid variants of ``validValue()``, each checked to be rejected by the schema.
    ///
    /// - Returns: the base value, the variants, and the variants that could not be made with
    ///   the reason; empty when the schema's values are not objects.
    /// - Throws: ``SynthesisFailure`` when no valid base value can be written.
    public func invalidVariants() throws(SynthesisFailure) -> InvalidVariants {
        let base = try validValue()
        guard case .object(let members) = base else {
            return InvalidVariants(
                base: base,
                variants: [],
                skipped: [.init(kind: .missingRequired, loc: [], reason: "the schema's values are not objects")]
            )
        }
        let shape = ObjectShape(schema: schema, value: base)
        var variants: [InvalidVariant] = []
        var skipped: [InvalidVariants.Skipped] = []

        func keep(_ kind: InvalidVariant.Kind, _ name: String, _ value: [String: JSONValue], _ reason: String) {
            let candidate = JSONValue.object(value)
            if let first = schema.validate(candidate).violations.first {
                variants.append(
                    InvalidVariant(
                        kind: kind,
                        loc: [.key(name)],
                        value: candidate,
                        reason: "\(reason); rejected by \(first.keyword) at \(first.schemaPath)"
                    )
                )
            } else {
                skipped.append(
                    .init(kind: kind, loc: [.key(name)], reason: "\(reason), but the schema still accepts it")
                )
            }
        }

        if shape.closed {
            var name = "openenvkit_unknown_field"
            while shape.properties[name] != nil || members[name] != nil { name += "_" }
            var changed = members
            changed[name] = .integer(1)
            keep(.unknownField, name, changed, "added field '\(name)' where additionalProperties is false")
        } else {
            skipped.append(
                .init(kind: .unknownField, loc: [], reason: "the object is open (additionalProperties is not false)")
            )
        }

        for name in shape.required {
            var missing = members
            missing[name] = nil
            keep(.missingRequired, name, missing, "removed required field '\(name)'")

            guard let property = shape.properties[name] else {
                skipped.append(.init(kind: .wrongType, loc: [.key(name)], reason: "no schema for the field"))
                continue
            }
            let accepted = TypeAnalysis(schema: schema).acceptedTypes(property)
            if let wrong = Self.wrongTypeCandidates.first(where: { !accepted.contains(JSONType(of: $0)) }) {
                var changed = members
                changed[name] = wrong
                keep(
                    .wrongType,
                    name,
                    changed,
                    "set '\(name)' to \(JSONCoding.encodeString(wrong)) (\(JSONType(of: wrong).rawValue)); "
                        + "the field allows \(accepted.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue).joined(separator: ", "))"
                )
            } else {
                skipped.append(
                    .init(
                        kind: .wrongType,
                        loc: [.key(name)],
                        reason: "the field accepts strings, objects, arrays, numbers and null"
                    )
                )
            }
            for (value, what) in ConstraintProbe(schema: schema).outside(property) {
                var changed = members
                changed[name] = value
                keep(.constraint, name, changed, "set '\(name)' to \(JSONCoding.encodeString(value)) (\(what))")
            }
        }
        return InvalidVariants(base: base, variants: variants, skipped: skipped)
    }

    /// Wrong-type values in order of preference. No booleans and no numeric strings: pydantic's
    /// lax mode turns `true` and `"3"` into numbers, `0`/`1` and `"yes"` into booleans, so such
    /// a "wrong type" would be accepted by the very servers the kit checks.
    static let wrongTypeCandidates: [JSONValue] = [
        .string("not a valid value"),
        .object(["unexpected": "object"]),
        .array(["unexpected array"]),
        .number(0.5),
        .null,
    ]
}

// MARK: - writing valid values

struct ValueBuilder {
    let schema: JSONSchema
    let maxDepth: Int
    var path: [PathComponent] = []
    /// `$ref` targets being written right now, to try recursive branches last.
    var refStack: [Int] = []

    init(schema: JSONSchema, maxDepth: Int) {
        self.schema = schema
        self.maxDepth = maxDepth
    }

    private func node(_ id: Int) -> SchemaNode { schema.nodes[id].node }

    private func fail(_ id: Int, _ reason: String) -> SynthesisFailure {
        SynthesisFailure(loc: path, schemaPath: node(id).pointer, reason: reason)
    }

    private func accepts(_ id: Int, _ value: JSONValue) -> Bool {
        schema.accepts(node: id, value)
    }

    mutating func build(_ id: Int, variant: Int, depth: Int) throws(SynthesisFailure) -> JSONValue {
        guard depth <= maxDepth else {
            throw fail(
                id,
                "nesting deeper than \(maxDepth) levels (a required field that always refers back to its own model?)"
            )
        }
        let current = node(id)
        if current.rejectsAll { throw fail(id, "the schema is false: no value is allowed") }
        var failure: SynthesisFailure?

        if variant == 0, let value = current.defaultValue, accepts(id, value) { return value }
        if let constant = current.constValue {
            if accepts(id, constant) { return constant }
            throw fail(id, "the const value \(constant.rendered) is rejected by the keywords beside it")
        }
        if let members = current.enumValues {
            let rotated =
                members.isEmpty
                ? [] : Array(members[(variant % members.count)...] + members[..<(variant % members.count)])
            if let member = rotated.first(where: { accepts(id, $0) }) { return member }
            throw fail(id, "no enum member passes the keywords beside it")
        }
        if let ref = current.ref {
            do {
                refStack.append(ref)
                defer { refStack.removeLast() }
                let value = try build(ref, variant: variant, depth: depth + 1)
                if accepts(id, value) { return value }
                failure = fail(
                    id,
                    "the value written for $ref \(current.refText ?? "") is rejected by the keywords beside it"
                )
            } catch {
                failure = error
            }
        }
        for branch in current.allOf {
            do {
                let value = try build(branch, variant: variant, depth: depth + 1)
                if accepts(id, value) { return value }
                failure = fail(id, "the value written for one allOf branch is rejected by the others")
            } catch {
                failure = error
            }
        }
        for branch in ordered(current.anyOf + current.oneOf) {
            do {
                let value = try build(branch, variant: variant, depth: depth + 1)
                if accepts(id, value) { return value }
                failure = fail(
                    id,
                    "the value written for branch \(node(branch).pointer) is rejected by the schema around it"
                )
            } catch {
                failure = error
            }
        }
        var types = current.types ?? Self.inferredTypes(current)
        if types.isEmpty && current.ref == nil && current.allOf.isEmpty && current.anyOf.isEmpty
            && current.oneOf.isEmpty
        {
            types = [.null]  // `{}` or only annotations: any value, and null is the simplest
        }
        // Non-null first, as pydantic's Optional[X] is meant to carry an X.
        for type in types.filter({ $0 != .null }) + types.filter({ $0 == .null }) {
            do {
                let value = try typed(type, id, variant: variant, depth: depth)
                if accepts(id, value) { return value }
                failure = fail(id, "the \(type.rawValue) written (\(JSONCoding.encodeString(value))) is rejected")
            } catch {
                failure = error
            }
        }
        throw failure ?? fail(id, "no value satisfies this schema")
    }

    /// Branches to try, in order: non-null ones that do not recurse, then null, then the
    /// ones whose `$ref` is already being written (so a recursive Optional stops at null).
    private func ordered(_ branches: [Int]) -> [Int] {
        func isNull(_ id: Int) -> Bool {
            let branch = node(id)
            return branch.types == [.null] || branch.constValue == .null
        }
        func recurses(_ id: Int) -> Bool {
            refStack.contains(id) || node(id).ref.map(refStack.contains) == true
        }
        let plain = branches.filter { !isNull($0) && !recurses($0) }
        let nulls = branches.filter(isNull)
        let recursive = branches.filter { !isNull($0) && recurses($0) }
        return plain + nulls + recursive
    }

    private static func inferredTypes(_ node: SchemaNode) -> [JSONType] {
        if !node.properties.isEmpty || !node.required.isEmpty || node.additionalProperties != nil
            || node.minProperties != nil || !node.patternProperties.isEmpty
        {
            return [.object]
        }
        if node.items != nil || !node.prefixItems.isEmpty || node.minItems != nil || node.contains != nil {
            return [.array]
        }
        if node.minLength != nil || node.maxLength != nil || node.patternSource != nil || node.format != nil {
            return [.string]
        }
        if node.minimum != nil || node.maximum != nil || node.exclusiveMinimum != nil || node.exclusiveMaximum != nil
            || node.multipleOf != nil
        {
            return [.number]
        }
        return []
    }

    private mutating func typed(
        _ type: JSONType,
        _ id: Int,
        variant: Int,
        depth: Int
    ) throws(SynthesisFailure)
        -> JSONValue
    {
        let current = node(id)
        switch type {
        case .null: return .null
        case .boolean: return .bool(variant % 2 == 1)
        case .integer: return try integer(current, id, variant: variant)
        case .number: return try number(current, id, variant: variant)
        case .string: return try string(current, id, variant: variant)
        case .array: return try array(current, variant: variant, depth: depth)
        case .object: return try object(current, id, variant: variant, depth: depth)
        }
    }

    // MARK: numbers

    private func integer(_ node: SchemaNode, _ id: Int, variant: Int) throws(SynthesisFailure) -> JSONValue {
        func whole(_ value: Double) -> Int? {
            value.isFinite && abs(value) < 9e15 ? Int(value) : nil
        }
        var low: Int?
        var high: Int?
        if let bound = node.minimum { low = whole(bound.value.rounded(.up)) }
        if let bound = node.exclusiveMinimum, let value = whole(bound.value.rounded(.down)) {
            low = max(low ?? Int.min, value + 1)
        }
        if let bound = node.maximum, let value = whole(bound.value.rounded(.down)) { high = value }
        if let bound = node.exclusiveMaximum, let value = whole(bound.value.rounded(.up)) {
            high = min(high ?? Int.max, value - 1)
        }
        if let low, let high, low > high {
            throw fail(id, "no integer lies within the bounds (\(low) > \(high))")
        }
        var step = 1
        // 0 when allowed, else the bound nearest to it.
        var start = 0
        if let low, start < low { start = low }
        if let high, start > high { start = high }
        if let multiple = node.multipleOf {
            if let divisor = multiple.integer, divisor > 0 {
                step = divisor
                // The multiple nearest the start that is inside the bounds.
                let up = Self.ceilDiv(start, divisor) * divisor
                let down = Self.floorDiv(start, divisor) * divisor
                start = (high == nil || up <= high!) ? up : down
            } else {
                // A fractional divisor: the first whole multiple from the start upwards.
                var k = (Double(start) / multiple.value).rounded(.up)
                var found: Int?
                for _ in 0..<10_000 {
                    let candidate = k * multiple.value
                    if candidate.isWholeNumber, let value = whole(candidate) {
                        found = value
                        break
                    }
                    k += 1
                }
                guard let found else { throw fail(id, "no integer multiple of \(multiple.rendered) found") }
                start = found
                step = found == 0 ? 1 : abs(found)
            }
        }
        let forward = start.addingReportingOverflow(variant * step)
        if !forward.overflow, high == nil || forward.partialValue <= high! { return .integer(forward.partialValue) }
        let backward = start.subtractingReportingOverflow(variant * step)
        if !backward.overflow, low == nil || backward.partialValue >= low! { return .integer(backward.partialValue) }
        return .integer(start)
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) == (b < 0)) ? q + 1 : q
    }

    private func number(_ node: SchemaNode, _ id: Int, variant: Int) throws(SynthesisFailure) -> JSONValue {
        // (bound, exclusive)
        let low: (value: Double, exclusive: Bool)? =
            node.exclusiveMinimum.map { ($0.value, true) } ?? node.minimum.map { ($0.value, false) }
        let high: (value: Double, exclusive: Bool)? =
            node.exclusiveMaximum.map { ($0.value, true) } ?? node.maximum.map { ($0.value, false) }
        func inside(_ value: Double) -> Bool {
            if let low, low.exclusive ? value <= low.value : value < low.value { return false }
            if let high, high.exclusive ? value >= high.value : value > high.value { return false }
            return true
        }
        // 0 when allowed, else the bound nearest to it (one unit inside an exclusive bound,
        // or the midpoint when the interval is narrower than that).
        var value = 0.0
        if !inside(0) {
            if let low {
                value =
                    low.exclusive
                    ? (inside(low.value + 1) ? low.value + 1 : (low.value + (high?.value ?? low.value + 2)) / 2)
                    : low.value
            } else if let high {
                value = high.exclusive ? (inside(high.value - 1) ? high.value - 1 : high.value) : high.value
            }
        }
        var step = 1.0
        if let multiple = node.multipleOf {
            step = multiple.value
            // The multiple inside the bounds nearest to 0: 0 itself, or one next to a bound.
            var factors: [Double] = [0]
            if let low { factors += [(low.value / step).rounded(.up), (low.value / step).rounded(.up) + 1] }
            if let high { factors += [(high.value / step).rounded(.down), (high.value / step).rounded(.down) - 1] }
            let multiples = factors.map { Self.tidy($0 * step, step: step) }.filter(inside)
            if let nearest = multiples.min(by: { abs($0) < abs($1) }) { value = nearest }
        }
        for candidate in [value + Double(variant) * step, value - Double(variant) * step, value] where inside(candidate) {
            return candidate.isWholeNumber && abs(candidate) < 9e15 ? .integer(Int(candidate)) : .number(candidate)
        }
        throw fail(id, "no number lies within the bounds")
    }

    /// `k * 0.1` is `0.30000000000000004` for k = 3: round to the divisor's decimals, so the
    /// value reads `0.3` (still a multiple within pydantic's relative tolerance).
    static func tidy(_ value: Double, step: Double) -> Double {
        let text = String(step)
        guard !text.contains("e"), let dot = text.firstIndex(of: ".") else { return value }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        guard decimals > 0, decimals <= 12 else { return value }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return rounded.isFinite ? rounded : value
    }

    // MARK: strings

    /// Examples that pydantic parses for the formats it publishes.
    static let formatExamples: [String: String] = [
        "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00", "duration": "PT1S",
        "uuid": "00000000-0000-4000-8000-000000000000", "uuid1": "00000000-0000-1000-8000-000000000000",
        "uuid3": "00000000-0000-3000-8000-000000000000", "uuid4": "00000000-0000-4000-8000-000000000000",
        "uuid5": "00000000-0000-5000-8000-000000000000", "email": "user@example.com",
        "idn-email": "user@example.com", "uri": "https://example.com/", "iri": "https://example.com/",
        "uri-reference": "https://example.com/", "iri-reference": "https://example.com/",
        "multi-host-uri": "https://example.com/", "hostname": "example.com", "idn-hostname": "example.com",
        "ipv4": "127.0.0.1", "ipv6": "::1", "ipvanyaddress": "127.0.0.1", "ipv4network": "127.0.0.0/8",
        "ipv6network": "::1/128", "ipvanynetwork": "127.0.0.0/8", "ipv4interface": "127.0.0.1/8",
        "ipv6interface": "::1/128", "ipvanyinterface": "127.0.0.1/8", "json-string": "{}", "regex": "^a$",
        "name-email": "User <user@example.com>", "color": "red", "payment-card-number": "4242424242424242",
    ]

    private func string(_ node: SchemaNode, _ id: Int, variant: Int) throws(SynthesisFailure) -> JSONValue {
        let minimum = node.minLength ?? 0
        let maximum = node.maxLength ?? Int.max
        if minimum > maximum { throw fail(id, "minLength \(minimum) exceeds maxLength \(maximum)") }
        if let format = node.format, let example = Self.formatExamples[format], accepts(id, .string(example)) {
            return .string(example)
        }
        if let source = node.patternSource {
            guard node.pattern != nil else {
                // The server's engine checks it; a value that cannot be checked here is no
                // known-valid value.
                throw fail(id, "pattern '\(source)' is not supported by the regex engine, so no value can be verified")
            }
            guard let generator = PatternGenerator.parse(source) else {
                throw fail(id, "pattern '\(source)' is beyond the pattern generator")
            }
            // Longer repetitions until the length fits; a variant repeats more, to differ.
            for extra in 0...max(minimum, 8) {
                let candidates =
                    [generator.generate(extra: extra + variant)]
                    + (variant > 0 ? [generator.generate(extra: extra)] : [])
                for candidate in candidates {
                    var padded = candidate
                    if padded.unicodeScalars.count < minimum {
                        padded += String(repeating: "a", count: minimum - padded.unicodeScalars.count)
                    }
                    if accepts(id, .string(padded)) { return .string(padded) }
                }
            }
            throw fail(
                id,
                "could not write a string matching pattern '\(source)' with length \(minimum)...\(node.maxLength.map(String.init) ?? "")"
            )
        }
        var text = variant == 0 ? "sample" : "sample\(variant)"
        if text.count < minimum { text += String(repeating: "x", count: minimum - text.count) }
        if text.count > maximum {
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            text = String(repeating: "s", count: max(minimum, maximum))
            if variant > 0, !text.isEmpty { text = String(text.dropLast()) + String(letters[variant % 26]) }
        }
        return .string(text)
    }

    // MARK: arrays and objects

    private mutating func array(_ node: SchemaNode, variant: Int, depth: Int) throws(SynthesisFailure) -> JSONValue {
        var items: [JSONValue] = []
        let count = node.minItems ?? 0
        for index in 0..<count {
            path.append(.index(index))
            defer { path.removeLast() }
            let child = index < node.prefixItems.count ? node.prefixItems[index] : node.items
            let itemVariant = node.uniqueItems ? variant + index : variant
            if let child {
                items.append(try build(child, variant: itemVariant, depth: depth + 1))
            } else {
                items.append(node.uniqueItems ? .integer(itemVariant) : .null)
            }
        }
        if let contains = node.contains {
            let needed = node.minContains ?? 1
            let present = items.filter { schema.accepts(node: contains, $0) }.count
            for index in 0..<max(0, needed - present) {
                path.append(.index(items.count))
                defer { path.removeLast() }
                items.append(try build(contains, variant: variant + index, depth: depth + 1))
            }
        }
        return .array(items)
    }

    private mutating func object(
        _ node: SchemaNode,
        _ id: Int,
        variant: Int,
        depth: Int
    ) throws(SynthesisFailure)
        -> JSONValue
    {
        var members: [String: JSONValue] = [:]
        var names: [String] = []
        for name in node.required where !names.contains(name) { names.append(name) }
        var index = 0
        while index < names.count {
            for (trigger, requires) in node.dependentRequired where trigger == names[index] {
                for other in requires where !names.contains(other) { names.append(other) }
            }
            index += 1
        }
        for name in names {
            members[name] = try member(name, of: node, variant: variant, depth: depth)
        }
        if let minimum = node.minProperties, members.count < minimum {
            for (name, _) in node.properties where members[name] == nil && members.count < minimum {
                if let value = try? member(name, of: node, variant: variant, depth: depth) { members[name] = value }
            }
            var extra = 1
            while members.count < minimum && extra <= minimum + 8 {
                let name = "key\(extra)"
                extra += 1
                if members[name] != nil || node.propertyIndex[name] != nil { continue }
                if let value = try? member(name, of: node, variant: variant, depth: depth) { members[name] = value }
            }
            if members.count < minimum {
                throw fail(id, "could not reach minProperties \(minimum)")
            }
        }
        return .object(members)
    }

    /// The value of one property: its own schema, else a matching patternProperties schema,
    /// else additionalProperties.
    private mutating func member(
        _ name: String,
        of node: SchemaNode,
        variant: Int,
        depth: Int
    ) throws(SynthesisFailure)
        -> JSONValue
    {
        path.append(.key(name))
        defer { path.removeLast() }
        let child =
            node.propertyIndex[name] ?? node.patternProperties.first { $0.pattern.matches(name) }?.node
            ?? node.additionalProperties
        guard let child else { return .null }
        if schema.nodes[child].node.rejectsAll {
            throw SynthesisFailure(
                loc: path,
                schemaPath: node.pointer,
                reason: "field '\(name)' is required but not allowed by the schema"
            )
        }
        return try build(child, variant: variant, depth: depth + 1)
    }
}

// MARK: - reading a schema for the invalid variants

/// The top-level object keywords of a schema, gathered through `$ref`, `allOf`, and the
/// `anyOf`/`oneOf` branch the base value matches.
struct ObjectShape {
    var required: [String] = []
    var properties: [String: Int] = [:]
    /// `additionalProperties: false` with no `patternProperties`: an unknown field is refused.
    var closed = false

    init(schema: JSONSchema, value: JSONValue) {
        var visited: Set<Int> = []
        var pending = [schema.root]
        while let id = pending.popLast(), visited.count < 256 {
            guard visited.insert(id).inserted else { continue }
            let node = schema.nodes[id].node
            for name in node.required where !required.contains(name) { required.append(name) }
            for (name, child) in node.properties where properties[name] == nil { properties[name] = child }
            if let additional = node.additionalProperties, schema.nodes[additional].node.rejectsAll,
                node.patternProperties.isEmpty
            {
                closed = true
            }
            if let ref = node.ref { pending.append(ref) }
            pending.append(contentsOf: node.allOf)
            if let branch = (node.anyOf + node.oneOf).first(where: { schema.accepts(node: $0, value) }) {
                pending.append(branch)
            }
        }
    }
}

/// Which JSON types a subschema can accept at all: an over-approximation (anything the
/// analysis cannot see through counts as accepting every type), so a value of a type outside
/// the result is certainly rejected.
struct TypeAnalysis {
    let schema: JSONSchema

    func acceptedTypes(_ id: Int) -> Set<JSONType> {
        var visiting: Set<Int> = []
        return types(id, &visiting)
    }

    private func types(_ id: Int, _ visiting: inout Set<Int>) -> Set<JSONType> {
        let all = Set(JSONType.allCases)
        guard visiting.insert(id).inserted else { return all }
        defer { visiting.remove(id) }
        let node = schema.nodes[id].node
        if node.rejectsAll { return [] }
        var result = all
        if let declared = node.types {
            var expanded = Set(declared)
            if expanded.contains(.number) { expanded.insert(.integer) }
            if node.nullable { expanded.insert(.null) }
            result.formIntersection(expanded)
        }
        if let constant = node.constValue { result.formIntersection([JSONType(of: constant)]) }
        if let members = node.enumValues { result.formIntersection(Set(members.map(JSONType.init(of:)))) }
        if let ref = node.ref { result.formIntersection(types(ref, &visiting)) }
        for branch in node.allOf { result.formIntersection(types(branch, &visiting)) }
        for branches in [node.anyOf, node.oneOf] where !branches.isEmpty {
            var union: Set<JSONType> = []
            for branch in branches { union.formUnion(types(branch, &visiting)) }
            result.formIntersection(union)
        }
        return result
    }
}

/// Values of the right type just outside a field's constraints.
struct ConstraintProbe {
    let schema: JSONSchema

    /// Candidate out-of-bounds values with a description; the caller checks each is rejected.
    func outside(_ id: Int) -> [(JSONValue, String)] {
        var found: [(JSONValue, String)] = []
        var visited: Set<Int> = []
        var pending = [id]
        while let next = pending.popLast(), visited.count < 64 {
            guard visited.insert(next).inserted else { continue }
            let node = schema.nodes[next].node
            let integral = node.types == [.integer]
            func number(_ value: Double) -> JSONValue {
                integral || (value.isWholeNumber && abs(value) < 9e15) ? .integer(Int(value)) : .number(value)
            }
            if let bound = node.maximum { found.append((number(bound.value + 1), "above maximum \(bound.rendered)")) }
            if let bound = node.exclusiveMaximum {
                found.append((number(bound.value), "not below exclusiveMaximum \(bound.rendered)"))
            }
            if let bound = node.minimum { found.append((number(bound.value - 1), "below minimum \(bound.rendered)")) }
            if let bound = node.exclusiveMinimum {
                found.append((number(bound.value), "not above exclusiveMinimum \(bound.rendered)"))
            }
            if let minimum = node.minLength, minimum > 0 {
                found.append((.string(String(repeating: "a", count: minimum - 1)), "shorter than minLength \(minimum)"))
            }
            if let maximum = node.maxLength, maximum < 10_000 {
                found.append((.string(String(repeating: "a", count: maximum + 1)), "longer than maxLength \(maximum)"))
            }
            if let minimum = node.minItems, minimum > 0 {
                found.append((.array([]), "fewer items than minItems \(minimum)"))
            }
            if let minimum = node.minProperties, minimum > 0 {
                found.append((.object([:]), "fewer members than minProperties \(minimum)"))
            }
            if let members = node.enumValues {
                if members.allSatisfy({ $0.stringValue != nil }) {
                    found.append((.string("not_one_of_the_enum"), "not one of the enum members"))
                } else if members.allSatisfy({ $0.integerValue != nil }),
                    let largest = members.compactMap(\.integerValue).max()
                {
                    found.append((.integer(largest + 1), "not one of the enum members"))
                }
            }
            if let constant = node.constValue {
                if let text = constant.stringValue {
                    found.append((.string(text + "_not"), "not the const value"))
                } else if let whole = constant.integerValue {
                    found.append((.integer(whole + 1), "not the const value"))
                }
            }
            if let ref = node.ref { pending.append(ref) }
            pending.append(contentsOf: node.allOf + node.anyOf + node.oneOf)
        }
        var seen: Set<JSONValue> = []
        return found.filter { seen.insert($0.0).inserted }
    }
}
