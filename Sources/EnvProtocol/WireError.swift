/// The `data` of a WebSocket error reply: `{"message", "code", ...extra fields}`.
public struct WireError: Error, Sendable, Equatable, Encodable {
    public var code: ErrorCode
    public var message: String
    /// Present for `VALIDATION_ERROR`.
    public var errors: [ValidationIssue]?
    /// Present for `CAPACITY_REACHED`.
    public var activeSessions: Int?
    /// Present for `CAPACITY_REACHED`.
    public var maxSessions: Int?

    public init(
        code: ErrorCode,
        message: String,
        errors: [ValidationIssue]? = nil,
        activeSessions: Int? = nil,
        maxSessions: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.errors = errors
        self.activeSessions = activeSessions
        self.maxSessions = maxSessions
    }

    /// The error reply's `data` object.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .string(code.rawValue), "message": .string(message)]
        if let errors { object["errors"] = .array(errors.map(\.json)) }
        if let activeSessions { object["active_sessions"] = .integer(activeSessions) }
        if let maxSessions { object["max_sessions"] = .integer(maxSessions) }
        return .object(object)
    }

    enum CodingKeys: String, CodingKey {
        case code, message, errors
        case activeSessions = "active_sessions"
        case maxSessions = "max_sessions"
    }

    public static func invalidJSON(_ detail: String) -> WireError {
        WireError(code: .invalidJSON, message: "Invalid JSON: \(detail)")
    }

    public static func unknownType(_ type: String) -> WireError {
        WireError(code: .unknownType, message: "Unknown message type: \(type)")
    }

    public static func validation(_ failure: ValidationFailure) -> WireError {
        WireError(code: .validationError, message: "Invalid message: \(failure.summary)", errors: failure.issues)
    }

    public static func capacityReached(active: Int, max: Int) -> WireError {
        WireError(
            code: .capacityReached,
            message: "Server at capacity: \(active)/\(max) sessions active. Cannot accept new connections.",
            activeSessions: active,
            maxSessions: max
        )
    }
}
