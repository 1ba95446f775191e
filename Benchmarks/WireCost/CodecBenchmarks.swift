import Benchmark
import CostGateSupport
import EnvProtocol

/// Decoding each client frame as the server does (`ClientMessage.decode`, and for `mcp` the
/// JSON-RPC request inside), encoding each server reply as the server sends it
/// (`ServerMessage.write`, through `JSONWriter` into a byte buffer), and parsing each reply as the load generator
/// does (`JSONCoding.parse`).
func registerCodecBenchmarks() {
    let codec = CostGate.configuration(scalingFactor: .kilo, warmup: 2, maxIterations: 50, maxDuration: .seconds(2))
    for (kind, text) in WireFrames.client {
        Benchmark("decode-\(kind)", configuration: codec) { benchmark in
            for _ in benchmark.scaledIterations {
                for _ in 0..<CostGate.repeats { blackHole(decodeAsServer(text)) }
            }
        }
    }
    for (kind, message) in WireFrames.server {
        Benchmark("encode-\(kind)", configuration: codec) { benchmark in
            for _ in benchmark.scaledIterations {
                for _ in 0..<CostGate.repeats { blackHole(encodeAsServer(message)) }
            }
        }
        let text = String(decoding: encodeAsServer(message), as: UTF8.self)
        Benchmark("parse-reply-\(kind)", configuration: codec) { benchmark in
            for _ in benchmark.scaledIterations {
                for _ in 0..<CostGate.repeats { blackHole(parseAsClient(text)) }
            }
        }
    }
}

/// The server's decoding of one frame; a frame that does not decode stops the run, since its
/// count would gate the error path instead of the message.
private func decodeAsServer(_ text: String) -> ClientMessage {
    let message: ClientMessage
    do {
        message = try ClientMessage.decode(text)
    } catch {
        fatalError("cost-gate frame \(text) does not decode: \(error)")
    }
    if case .mcp(let request) = message, case .failure(let error) = JSONRPCRequest.parse(request) {
        fatalError("cost-gate frame \(text) is not a JSON-RPC request: \(error)")
    }
    return message
}

/// The server's encoding of one reply: straight into a fresh buffer, as it writes the frame.
private func encodeAsServer(_ message: ServerMessage) -> [UInt8] {
    var bytes: [UInt8] = []
    do {
        try message.write(.current, into: &bytes)
    } catch {
        fatalError("cost-gate reply \(message) does not encode: \(error)")
    }
    return bytes
}

/// The load generator's parsing of one reply (what `SessionDriver` does with each frame).
private func parseAsClient(_ text: String) -> JSONValue {
    do {
        return try JSONCoding.parse(text)
    } catch {
        fatalError("cost-gate reply \(text) does not parse: \(error)")
    }
}
