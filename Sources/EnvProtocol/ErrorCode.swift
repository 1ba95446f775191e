/// The `code` of a WebSocket `{"type":"error"}` reply (PROTOCOL.md §3).
///
/// A struct with static members rather than an enum, so codes can be added without breaking
/// callers that switch over them.
public struct ErrorCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// The frame's text is not JSON. The session stays open.
    public static let invalidJSON = ErrorCode(rawValue: "INVALID_JSON")
    /// `type` is missing or not a known message type. The session stays open.
    public static let unknownType = ErrorCode(rawValue: "UNKNOWN_TYPE")
    /// The message or its action failed validation; `errors` lists why. The session stays open.
    public static let validationError = ErrorCode(rawValue: "VALIDATION_ERROR")
    /// The environment raised during reset or step. The session stays open.
    public static let executionError = ErrorCode(rawValue: "EXECUTION_ERROR")
    /// Sent right after the upgrade when the server is full; then close 1000.
    public static let capacityReached = ErrorCode(rawValue: "CAPACITY_REACHED")
    /// The environment could not be constructed; then close.
    public static let factoryError = ErrorCode(rawValue: "FACTORY_ERROR")
    /// Any other failure; then close.
    public static let sessionError = ErrorCode(rawValue: "SESSION_ERROR")

    /// Whether the session survives this error (PROTOCOL.md §3).
    public var keepsSession: Bool {
        [.invalidJSON, .unknownType, .validationError, .executionError].contains(self)
    }
}
