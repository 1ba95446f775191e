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
///
/// At most ``reportedLimit`` issues are kept; the rest are only counted. The reference (pydantic)
/// reports every one, so a 1 MiB object of 96,000 unknown keys would be answered with a 12 MB
/// error: an amplification a strict server refuses. A client still sees the first issues and
/// how many more there were.
public struct ValidationFailure: Error, Sendable, Equatable {
    public static let reportedLimit = 100

    public private(set) var issues: [ValidationIssue]
    /// Issues found beyond ``reportedLimit``.
    public private(set) var omitted: Int

    public init(_ issues: [ValidationIssue]) {
        self.issues = Array(issues.prefix(Self.reportedLimit))
        self.omitted = max(0, issues.count - Self.reportedLimit)
    }

    /// Every reported issue's message, for logs and the WebSocket `message` field.
    public var summary: String {
        let messages = issues.map { issue in
            let path = issue.loc.map { $0.stringValue ?? "\($0.numberValue.map { Int($0) } ?? 0)" }
            return path.isEmpty ? issue.msg : "\(path.joined(separator: ".")): \(issue.msg)"
        }
        let more = omitted > 0 ? ["and \(omitted) more issues"] : []
        return (messages + more).joined(separator: "; ")
    }

    public func prefixed(by prefix: JSONValue...) -> ValidationFailure {
        var copy = self
        copy.issues = issues.map { issue in
            var copy = issue
            copy.loc = prefix + issue.loc
            return copy
        }
        return copy
    }
}
