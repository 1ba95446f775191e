import AsyncHTTPClient
public import BenchResults
import EnvClient
import NIOCore
import NIOPosix
import NIOSSL

/// A session that did not succeed: the ``FailureKind`` its row reports, and why.
public struct SessionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let kind: FailureKind
    public let message: String

    public init(_ kind: FailureKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }

    /// Maps any error a session can meet to its row's kind, so refused connections, TLS
    /// failures, timeouts and early closes are each counted apart.
    public static func classify(_ error: any Error) -> SessionFailure {
        if let failure = error as? SessionFailure { return failure }
        let text = String(describing: error)
        if let client = error as? WebSocketClientError {
            let kind: FailureKind =
                client.isTimeout ? .timeout : client.isNotUpgraded ? .upgradeRejected : .closedBeforeReply
            return SessionFailure(kind, client.detail)
        }
        if let invalid = error as? InvalidObservation {
            return SessionFailure(.invalidReply, invalid.description)
        }
        if case ChannelError.connectTimeout = error {
            return SessionFailure(.connectTimeout, text)
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .connectTimeout: return SessionFailure(.connectTimeout, text)
            case .deadlineExceeded, .readTimeout: return SessionFailure(.timeout, text)
            case .remoteConnectionClosed: return SessionFailure(.closedBeforeReply, text)
            default: break
            }
        }
        if let tls = error as? NIOSSLError {
            // NIOSSL exposes no verification result, only BoringSSL's text; a failed handshake
            // is the case where trust is the usual cause, so the hint goes with the kind.
            if case .handshakeFailed = tls {
                return SessionFailure(
                    .tlsError,
                    "TLS handshake failed (a self-signed server? pass --cacert FILE, or --insecure for a test server): \(text)"
                )
            }
            return SessionFailure(.tlsError, text)
        }
        if error is BoringSSLError {
            return SessionFailure(.tlsError, text)
        }
        if isConnectionRefused(error) {
            return SessionFailure(.connectionRefused, text)
        }
        return SessionFailure(.connectionError, text)
    }

    private static func isConnectionRefused(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED }
        if let connection = error as? NIOConnectionError {
            return connection.connectionErrors.contains { isConnectionRefused($0.error) }
        }
        return false
    }
}
