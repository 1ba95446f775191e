/// Why a WebSocket client operation failed. Each kind maps to its own load-test `error_type`.
public struct WebSocketClientError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: String, Sendable {
        case timeout, notUpgraded, closedBeforeReply
    }

    private let kind: Kind
    public let detail: String

    public static func timeout(_ detail: String) -> Self { .init(kind: .timeout, detail: detail) }
    public static func notUpgraded(_ detail: String) -> Self { .init(kind: .notUpgraded, detail: detail) }
    public static func closedBeforeReply(_ detail: String) -> Self { .init(kind: .closedBeforeReply, detail: detail) }
    /// The connection was used again after one of its waits timed out.
    static let timedOutEarlier = Self(kind: .timeout, detail: "connection dropped after an earlier timeout")

    public var isTimeout: Bool { kind == .timeout }
    public var isNotUpgraded: Bool { kind == .notUpgraded }
    public var isClosedBeforeReply: Bool { kind == .closedBeforeReply }

    public var description: String { "\(kind.rawValue): \(detail)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind }
}
