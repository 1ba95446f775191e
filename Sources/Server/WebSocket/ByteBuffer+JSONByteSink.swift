public import EnvProtocol
public import NIOCore

/// Lets ``JSONWriter`` encode a reply straight into the buffer written to the socket: one
/// allocation per reply, no `[UInt8]` or `String` in between.
extension ByteBuffer: JSONByteSink {
    public mutating func append(_ byte: UInt8) {
        writeInteger(byte)
    }

    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        writeBytes(bytes)
    }
}
