/// One validation problem, shaped like a pydantic error item (`type`, `loc`, `msg`, `input`).
///
/// OpenEnv's Python reference reports validation failures as lists of these, both in HTTP 422
/// bodies (`{"detail": [...]}`) and in WebSocket `VALIDATION_ERROR` replies (`errors`), and
/// clients print them; keeping the same shape keeps their output readable.
public struct ValidationIssue: Codable, Sendable, Equatable {
    /// Machine-readable kind, e.g. `missing`, `extra_forbidden`, `float_parsing`.
    public var type: String
    /// Path to the offending value: keys and array indices.
    public var loc: [JSONValue]
    /// Human-readable message.
    public var msg: String
    /// The offending value (for `missing`, the object that lacks the field).
    public var input: JSONValue
    /// Constraint parameters, e.g. `{"ge": 0}`.
    public var ctx: [String: JSONValue]?

    public init(type: String, loc: [JSONValue], msg: String, input: JSONValue, ctx: [String: JSONValue]? = nil) {
        self.type = type
        self.loc = loc
        self.msg = msg
        self.input = input
        self.ctx = ctx
    }

    /// The issue as a JSON object, keys as the reference writes them.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type), "loc": .array(loc), "msg": .string(msg), "input": input]
        if let ctx { object["ctx"] = .object(ctx) }
        return .object(object)
    }

    /// The same issue one level deeper, e.g. under `body` or `action`.
    public func prefixed(by prefix: JSONValue...) -> ValidationIssue {
        var copy = self
        copy.loc = prefix + loc
        return copy
    }
}

/// Validation failed: one or more ``ValidationIssue``s.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) {
        self.issues = issues
    }

    /// The first issue's message, for logs and the WebSocket `message` field.
    public var summary: String {
        issues.map { issue in
            let path = issue.loc.map { $0.stringValue ?? "\($0.numberValue.map { Int($0) } ?? 0)" }
            return path.isEmpty ? issue.msg : "\(path.joined(separator: ".")): \(issue.msg)"
        }.joined(separator: "; ")
    }

    public func prefixed(by prefix: JSONValue...) -> ValidationFailure {
        ValidationFailure(issues.map { issue in
            var copy = issue
            copy.loc = prefix + issue.loc
            return copy
        })
    }
}
