import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client on a bare blocking socket, with no buffering of its own: what it has
/// sent is exactly what the kernel took. The non-reading-client case needs that, since a
/// client library's own queues would hide whether the *server* stops taking requests.
struct RawSocketClient {
    private let descriptor: Int32

    /// Connects to 127.0.0.1:`port`, upgrades to `/ws`, and sets a send timeout.
    init(port: Int, sendTimeout: Duration) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawSocketError(operation: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawSocketError(operation: "connect") }
        var timeout = timeval(tv_sec: Int(sendTimeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let upgrade =
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard try send(Array(upgrade.utf8)) else { throw RawSocketError(operation: "upgrade") }
    }

    /// A masked text frame (a zero mask, which RFC 6455 allows).
    static func textFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        var length: [UInt8] = [0x80 | 127]
        length += withUnsafeBytes(of: UInt64(payload.count).bigEndian, Array.init)
        return [0x81] + length + [0, 0, 0, 0] + payload
    }

    /// Sends all of `bytes`; `false` when the send timed out (the peer stopped reading) or the
    /// connection is gone.
    func send(_ bytes: [UInt8]) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

struct RawSocketError: Error {
    let operation: String
}
