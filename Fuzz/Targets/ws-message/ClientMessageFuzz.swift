// libFuzzer target: the WebSocket message decoder on any UTF-8 text (the WebSocket layer closes
// with 1007 before decoding what is not UTF-8), then what the server does with the result:
// validate reset options, and encode the reply an error would get.
import EnvProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        switch try ClientMessage.decode(text) {
        case .reset(let fields): _ = try? ResetOptions(validating: fields)
        case .step, .state, .close, .mcp: break
        }
    } catch {
        for profile in ProtocolProfile.named {
            guard (try? JSONWriter.encode(ServerMessage.error(error).json(profile))) != nil else {
                fatalError("the error reply does not encode: \(error)")
            }
        }
    }
    return 0
}
