import Benchmark
import CostGateSupport
import EnvProtocol

/// Decoding each client frame as the server does (`ClientMessage.decode`, and for `mcp` the
/// JSON-RPC request inside), encoding each server reply as the server sends it
/// (`ServerMessage.text`, through `JSONWriter`), and parsing each reply as the load generator
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
                for _ in 0..<CostGate.repeats { blackHole(message.text(.current)) }
            }
        }
        let text = message.text(.current)
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

/// The load generator's parsing of one reply (what `SessionDriver` does with each frame).
private func parseAsClient(_ text: String) -> JSONValue {
    do {
        return try JSONCoding.parse(text)
    } catch {
        fatalError("cost-gate reply \(text) does not parse: \(error)")
    }
}
