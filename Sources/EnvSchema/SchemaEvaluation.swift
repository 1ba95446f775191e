import EnvProtocol

/// One validation run: walks a value and the compiled nodes together.
///
/// Recursion depth is bounded by ``JSONSchema/Configuration/maxDepth`` (each nested
/// subschema or value is one level) and the total work by
/// ``JSONSchema/Configuration/maxEvaluations``.
struct SchemaEvaluation {
    let nodes: [FrozenNode]
    let configuration: JSONSchema.Configuration
    /// Location of the value being checked; pushed and popped as the walk descends.
    var path: [PathComponent]
    /// Stop at the first violation (for yes/no questions).
    var firstOnly = false
    private(set) var uncheckedMet: Set<Int> = []
    private var evaluations = 0
    /// The evaluation budget ran out; the result is then a failure whatever else was found.
    private(set) var exhausted = false

    init(nodes: [FrozenNode], configuration: JSONSchema.Configuration, path: [PathComponent], firstOnly: Bool = false) {
        self.nodes = nodes
        self.configuration = configuration
        self.path = path
        self.firstOnly = firstOnly
    }

    private func violation(
        _ keyword: String,
        _ message: String,
        _ node: SchemaNode,
        loc: [PathComponent]? = nil
    )
        -> SchemaViolation
    {
        SchemaViolation(
            loc: loc ?? path,
            keyword: keyword,
            message: message,
            schemaPath: JSONPointer.appending(node.pointer, keyword)
        )
    }

    mutating func check(_ id: Int, _ value: JSONValue, depth: Int, into out: inout [SchemaViolation]) {
        let node = nodes[id].node
        evaluations += 1
        guard evaluations <= configuration.maxEvaluations else {
            // Every check after this point fails, so no branch can pass by being skipped;
            // ``JSONSchema/validate(_:at:)`` folds these into one violation.
            exhausted = true
            out.append(
                violation(
                    "$budget",
                    "Validation stopped after \(configuration.maxEvaluations) subschema evaluations",
                    node
                )
            )
            return
        }
        guard depth <= configuration.maxDepth else {
            out.append(
                violation(
                    node.refText != nil ? "$ref" : "$depth",
                    "Validation stopped at nesting depth \(configuration.maxDepth) (a $ref cycle that consumes no input, "
                        + "or a value nested too deeply)",
                    node
                )
            )
            return
        }
        uncheckedMet.formUnion(node.unchecked)
        if node.rejectsAll {
            out.append(
                SchemaViolation(
                    loc: path,
                    keyword: "false",
                    message: "No value is allowed here",
                    schemaPath: node.pointer
                )
            )
            return
        }

        // A wrong type makes every other keyword of this node moot; report only that, as
        // pydantic does.
        let actual = JSONType(of: value)
        if let types = node.types, !types.contains(where: { $0.admits(actual) }), !(node.nullable && actual == .null) {
            out.append(violation("type", Self.typeMessage(types, actual: actual, value: value), node))
            return
        }
        if let constant = node.constValue, constant.canonical != value.canonical {
            out.append(violation("const", "Input should be \(constant.rendered)", node))
            return
        }
        if let members = node.enumValues, !node.enumSet.contains(value.canonical) {
            out.append(violation("enum", "Input should be \(renderAlternatives(members))", node))
            return
        }

        switch value {
        case .integer, .number: checkNumber(node, value, into: &out)
        case .string(let text): checkString(node, text, into: &out)
        case .array(let items): checkArray(node, items, depth: depth, into: &out)
        case .object(let members): checkObject(node, members, depth: depth, into: &out)
        case .null, .bool: break
        }
        if firstOnly && !out.isEmpty { return }
        checkApplicators(node, value, depth: depth, into: &out)
    }

    private static func typeMessage(_ types: [JSONType], actual: JSONType, value: JSONValue) -> String {
        if types == [.integer], actual == .number {
            return "Input should be a valid integer, got a number with a fractional part"
        }
        let names = types.map { $0 == .null ? "None" : "a valid \($0.pydanticName)" }
        if names.count == 1 { return "Input should be \(names[0])" }
        return "Input should be " + names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    // MARK: numbers

    private func checkNumber(_ node: SchemaNode, _ value: JSONValue, into out: inout [SchemaViolation]) {
        /// -1, 0, 1 as value <, ==, > bound; exact when both are integers.
        func compare(_ bound: NumericBound) -> Int {
            if case .integer(let whole) = value, let limit = bound.integer {
                return whole < limit ? -1 : (whole == limit ? 0 : 1)
            }
            let number = value.numberValue!
            return number < bound.value ? -1 : (number == bound.value ? 0 : 1)
        }
        if let bound = node.minimum, compare(bound) < 0 {
            out.append(violation("minimum", "Input should be greater than or equal to \(bound.rendered)", node))
        }
        if let bound = node.exclusiveMinimum, compare(bound) <= 0 {
            out.append(violation("exclusiveMinimum", "Input should be greater than \(bound.rendered)", node))
        }
        if let bound = node.maximum, compare(bound) > 0 {
            out.append(violation("maximum", "Input should be less than or equal to \(bound.rendered)", node))
        }
        if let bound = node.exclusiveMaximum, compare(bound) >= 0 {
            out.append(violation("exclusiveMaximum", "Input should be less than \(bound.rendered)", node))
        }
        if let multiple = node.multipleOf, !Self.isMultiple(value, of: multiple) {
            out.append(violation("multipleOf", "Input should be a multiple of \(multiple.rendered)", node))
        }
    }

    /// Exact for integers; for floats pydantic-core's rule: the remainder may differ from 0
    /// or from the divisor by at most |value| / 1e9.
    static func isMultiple(_ value: JSONValue, of multiple: NumericBound) -> Bool {
        if case .integer(let whole) = value, let divisor = multiple.integer {
            return whole % divisor == 0
        }
        guard let number = value.numberValue else { return false }
        let remainder = number.truncatingRemainder(dividingBy: multiple.value)
        let threshold = abs(number) / 1e9
        return abs(remainder) <= threshold || abs(abs(remainder) - multiple.value) <= threshold
    }

    // MARK: strings

    private func checkString(_ node: SchemaNode, _ text: String, into out: inout [SchemaViolation]) {
        if node.minLength != nil || node.maxLength != nil {
            let length = text.unicodeScalars.count
            if let minimum = node.minLength, length < minimum {
                out.append(
                    violation(
                        "minLength",
                        "String should have at least \(minimum) character\(minimum == 1 ? "" : "s")",
                        node
                    )
                )
            }
            if let maximum = node.maxLength, length > maximum {
                out.append(
                    violation(
                        "maxLength",
                        "String should have at most \(maximum) character\(maximum == 1 ? "" : "s")",
                        node
                    )
                )
            }
        }
        if let pattern = node.pattern, !pattern.matches(text) {
            out.append(violation("pattern", "String should match pattern '\(pattern.source)'", node))
        }
    }

    // MARK: arrays

    private mutating func checkArray(
        _ node: SchemaNode,
        _ items: [JSONValue],
        depth: Int,
        into out: inout [SchemaViolation]
    ) {
        if let minimum = node.minItems, items.count < minimum {
            out.append(
                violation(
                    "minItems",
                    "List should have at least \(minimum) item\(minimum == 1 ? "" : "s"), not \(items.count)",
                    node
                )
            )
        }
        if let maximum = node.maxItems, items.count > maximum {
            out.append(
                violation(
                    "maxItems",
                    "List should have at most \(maximum) item\(maximum == 1 ? "" : "s"), not \(items.count)",
                    node
                )
            )
        }
        if node.uniqueItems {
            var firstIndex: [JSONValue: Int] = [:]
            for (index, item) in items.enumerated() {
                if let earlier = firstIndex.updateValue(index, forKey: item.canonical) {
                    out.append(
                        violation(
                            "uniqueItems",
                            "List items should be unique; items \(earlier) and \(index) are equal",
                            node
                        )
                    )
                    break
                }
            }
        }
        if firstOnly && !out.isEmpty { return }
        for (index, item) in items.enumerated() {
            let child: Int?
            if index < node.prefixItems.count { child = node.prefixItems[index] } else { child = node.items }
            guard let child else { continue }
            if index >= node.prefixItems.count, nodes[child].node.rejectsAll {
                // `items: false` after prefixItems: pydantic's tuple-length wording.
                out.append(
                    violation(
                        "items",
                        "Tuple should have at most \(node.prefixItems.count) items after validation, not \(items.count)",
                        node
                    )
                )
                break
            }
            path.append(.index(index))
            check(child, item, depth: depth + 1, into: &out)
            path.removeLast()
            if firstOnly && !out.isEmpty { return }
        }
        if let contains = node.contains {
            var matches = 0
            for (index, item) in items.enumerated() {
                path.append(.index(index))
                if passes(contains, item, depth: depth + 1) { matches += 1 }
                path.removeLast()
            }
            let minimum = node.minContains ?? 1
            if matches < minimum {
                out.append(
                    violation(
                        "contains",
                        "List should contain at least \(minimum) matching item(s), found \(matches)",
                        node
                    )
                )
            }
            if let maximum = node.maxContains, matches > maximum {
                out.append(
                    violation(
                        "maxContains",
                        "List should contain at most \(maximum) matching item(s), found \(matches)",
                        node
                    )
                )
            }
        }
    }

    // MARK: objects

    private mutating func checkObject(
        _ node: SchemaNode,
        _ members: [String: JSONValue],
        depth: Int,
        into out: inout [SchemaViolation]
    ) {
        for name in node.required where members[name] == nil {
            out.append(violation("required", "Field required", node, loc: path + [.key(name)]))
        }
        for (name, requires) in node.dependentRequired where members[name] != nil {
            for other in requires where members[other] == nil {
                out.append(
                    violation(
                        "dependentRequired",
                        "Field required when '\(name)' is present",
                        node,
                        loc: path + [.key(other)]
                    )
                )
            }
        }
        if let minimum = node.minProperties, members.count < minimum {
            out.append(
                violation(
                    "minProperties",
                    "Dictionary should have at least \(minimum) item\(minimum == 1 ? "" : "s")",
                    node
                )
            )
        }
        if let maximum = node.maxProperties, members.count > maximum {
            out.append(
                violation(
                    "maxProperties",
                    "Dictionary should have at most \(maximum) item\(maximum == 1 ? "" : "s")",
                    node
                )
            )
        }
        if firstOnly && !out.isEmpty { return }
        let needsEveryKey =
            node.additionalProperties != nil || !node.patternProperties.isEmpty || node.propertyNames != nil
        let names = needsEveryKey ? members.keys.sorted() : node.properties.map(\.name).filter { members[$0] != nil }
        for name in names {
            let member = members[name]!
            path.append(.key(name))
            defer { path.removeLast() }
            if let names = node.propertyNames {
                check(names, .string(name), depth: depth + 1, into: &out)
            }
            var matched = false
            if let child = node.propertyIndex[name] {
                matched = true
                check(child, member, depth: depth + 1, into: &out)
            }
            for (pattern, child) in node.patternProperties where pattern.matches(name) {
                matched = true
                check(child, member, depth: depth + 1, into: &out)
            }
            if !matched, let additional = node.additionalProperties {
                if nodes[additional].node.rejectsAll {
                    out.append(
                        SchemaViolation(
                            loc: path,
                            keyword: "additionalProperties",
                            message: "Extra inputs are not permitted",
                            schemaPath: JSONPointer.appending(node.pointer, "additionalProperties")
                        )
                    )
                } else {
                    check(additional, member, depth: depth + 1, into: &out)
                }
            }
            if firstOnly && !out.isEmpty { return }
        }
    }

    // MARK: applicators

    private mutating func checkApplicators(
        _ node: SchemaNode,
        _ value: JSONValue,
        depth: Int,
        into out: inout [SchemaViolation]
    ) {
        if let ref = node.ref {
            check(ref, value, depth: depth + 1, into: &out)
            if firstOnly && !out.isEmpty { return }
        }
        for branch in node.allOf {
            check(branch, value, depth: depth + 1, into: &out)
            if firstOnly && !out.isEmpty { return }
        }
        if !node.anyOf.isEmpty {
            var failures: [[SchemaViolation]] = []
            var matched = false
            for branch in node.anyOf {
                var branchOut: [SchemaViolation] = []
                check(branch, value, depth: depth + 1, into: &branchOut)
                if branchOut.isEmpty {
                    matched = true
                    break
                }
                failures.append(branchOut)
            }
            if !matched { out.append(contentsOf: explain("anyOf", failures, node)) }
        }
        if !node.oneOf.isEmpty {
            var failures: [[SchemaViolation]] = []
            var matching: [Int] = []
            for (index, branch) in node.oneOf.enumerated() {
                var branchOut: [SchemaViolation] = []
                check(branch, value, depth: depth + 1, into: &branchOut)
                if branchOut.isEmpty { matching.append(index) } else { failures.append(branchOut) }
                if matching.count > 1 { break }
            }
            if matching.isEmpty {
                out.append(contentsOf: explain("oneOf", failures, node))
            } else if matching.count > 1 {
                out.append(
                    violation(
                        "oneOf",
                        "Input matches alternatives \(matching[0]) and \(matching[1]) of oneOf, where exactly one is allowed",
                        node
                    )
                )
            }
        }
        if let not = node.not, passes(not, value, depth: depth + 1) {
            out.append(violation("not", "Input should not match the schema at \(nodes[not].node.pointer)", node))
        }
        if let condition = node.ifSchema {
            let branch = passes(condition, value, depth: depth + 1) ? node.thenSchema : node.elseSchema
            if let branch { check(branch, value, depth: depth + 1, into: &out) }
        }
    }

    /// Yes/no evaluation that leaves `out` alone (for `not`, `if`, `contains`).
    private mutating func passes(_ id: Int, _ value: JSONValue, depth: Int) -> Bool {
        let saved = firstOnly
        firstOnly = true
        defer { firstOnly = saved }
        var scratch: [SchemaViolation] = []
        check(id, value, depth: depth, into: &scratch)
        return scratch.isEmpty
    }

    /// The violations to report when no branch matched: those of the one branch the value
    /// plausibly meant (right type, right `const` tag property) when there is exactly one,
    /// as pydantic does for `Optional[X]` and tagged unions; otherwise one summary.
    private func explain(_ keyword: String, _ failures: [[SchemaViolation]], _ node: SchemaNode) -> [SchemaViolation] {
        let depth = path.count
        func shallow(_ violation: SchemaViolation) -> Bool {
            switch violation.keyword {
            case "type", "false", "enum": violation.loc.count == depth
            // A tagged union's tag is a `const` property one level down.
            case "const": violation.loc.count <= depth + 1
            default: false
            }
        }
        let plausible = failures.filter { !$0.contains(where: shallow) }
        if plausible.count == 1 { return plausible[0] }
        let summary = failures.enumerated().map { index, violations in
            "[\(index)] "
                + (violations.first.map { v in v.loc.count > depth ? "\(v.loc.dotted): \(v.message)" : v.message } ?? "")
        }
        return [
            violation(
                keyword,
                "Input should match one of the \(failures.count) alternatives: " + summary.joined(separator: "; "),
                node
            )
        ]
    }
}
