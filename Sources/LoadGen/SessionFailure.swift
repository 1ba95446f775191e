import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// A session that did not succeed, with the `error_type` its row reports.
public struct SessionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let type: String
    public let message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    public var description: String { "\(type): \(message)" }

    /// Maps any error a session can meet to its row's `error_type`, so refused connections,
    /// TLS failures, timeouts and early closes are each counted apart.
    public static func classify(_ error: any Error) -> SessionFailure {
        if let failure = error as? SessionFailure { return failure }
        let text = String(describing: error)
        if let client = error as? WebSocketClientError {
            let type =
                client.isTimeout
                ? SessionErrorType.timeout
                : client.isNotUpgraded ? SessionErrorType.upgradeRejected : SessionErrorType.closedBeforeReply
            return SessionFailure(type: type, message: client.detail)
        }
        if case ChannelError.connectTimeout = error {
            return SessionFailure(type: SessionErrorType.connectTimeout, message: text)
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .connectTimeout: return SessionFailure(type: SessionErrorType.connectTimeout, message: text)
            case .deadlineExceeded, .readTimeout: return SessionFailure(type: SessionErrorType.timeout, message: text)
            case .remoteConnectionClosed: return SessionFailure(type: SessionErrorType.closedBeforeReply, message: text)
            default: break
            }
        }
        if error is NIOSSLError || error is BoringSSLError {
            let hint =
                text.contains("CERTIFICATE_VERIFY_FAILED")
                ? "the server's certificate is not trusted (self-signed? pass --cacert FILE, or --insecure for a test server): "
                : ""
            return SessionFailure(type: SessionErrorType.tlsError, message: hint + text)
        }
        if isConnectionRefused(error) {
            return SessionFailure(type: SessionErrorType.connectionRefused, message: text)
        }
        return SessionFailure(type: SessionErrorType.connectionError, message: text)
    }

    private static func isConnectionRefused(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED }
        if let connection = error as? NIOConnectionError {
            return connection.connectionErrors.contains { isConnectionRefused($0.error) }
        }
        return false
    }
}
