import EnvProtocol
import NIOCore
import NIOWebSocket

/// A server message as one text frame, in a single buffer: the JSON is encoded straight into it
/// after room for the frame header, which the frame encoder then writes in place instead of
/// allocating a buffer of its own.
enum ReplyFrame {
    /// The largest header a server frame needs: 2 bytes and a 64-bit length (servers do not mask).
    static let headerRoom = 10

    /// The frame, and the code of the error it carries, if any. A reply JSON cannot carry — an
    /// environment's NaN or infinity — is answered `EXECUTION_ERROR` instead: the session goes on.
    static func make(
        _ reply: ServerMessage,
        profile: ProtocolProfile,
        allocator: ByteBufferAllocator
    ) -> (WebSocketFrame, ErrorCode?) {
        var buffer = allocator.buffer(capacity: 256)
        buffer.moveWriterIndex(forwardBy: headerRoom)
        buffer.moveReaderIndex(forwardBy: headerRoom)
        var code: ErrorCode?
        do {
            try reply.write(profile, into: &buffer)
            if case .error(let error) = reply { code = error.code }
        } catch {
            buffer.moveWriterIndex(to: headerRoom)
            code = .executionError
            let failure = WireError(code: .executionError, message: "Error encoding the reply: \(error)")
            // An error holds only strings and integers, which always encode.
            if (try? ServerMessage.error(failure).write(profile, into: &buffer)) == nil {
                buffer.moveWriterIndex(to: headerRoom)
                buffer.writeString(#"{"data":{"code":"EXECUTION_ERROR","message":"Error encoding the reply"},"type":"error"}"#)
            }
        }
        return (WebSocketFrame(fin: true, opcode: .text, data: buffer), code)
    }
}
