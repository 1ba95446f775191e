public import EnvProtocol

/// Why a load-test session failed: its row's `error_type`.
///
/// Either a code the server answered (`CAPACITY_REACHED`, …) or one of the client's own kinds
/// below. A struct rather than an enum, so a server's new code is recorded as it was sent.
public struct FailureKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The kind for an error code the server answered.
    public init(server code: ErrorCode) { self.rawValue = code.rawValue }

    public var description: String { rawValue }

    public static let connectionRefused: Self = "ConnectionRefused"
    public static let connectTimeout: Self = "ConnectTimeout"
    public static let tlsError: Self = "TLSError"
    public static let upgradeRejected: Self = "UpgradeRejected"
    public static let timeout: Self = "Timeout"
    public static let closedBeforeReply: Self = "ClosedBeforeReply"
    public static let invalidReply: Self = "InvalidReply"
    public static let httpStatus: Self = "HTTPStatus"
    public static let connectionError: Self = "ConnectionError"
    /// The server sent a message nobody asked for (replies would be shifted by one).
    public static let unsolicitedReply: Self = "UnsolicitedReply"
    /// A tool call answered with a JSON-RPC error.
    public static let mcpError: Self = "MCPError"
    /// The run was stopped (SIGINT) while this session was in flight.
    public static let interrupted: Self = "Interrupted"
}
