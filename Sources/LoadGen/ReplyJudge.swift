import BenchResults
import EnvClient
import EnvProtocol

/// What a load-test session accepts as the answer to its request, and which failure each
/// other answer is.
enum ReplyJudge {
    /// The observation of an `observation` reply.
    ///
    /// - Throws: ``SessionFailure`` with the server's code for an `error` reply,
    ///   `InvalidReply` for anything that is not an observation, `ClosedBeforeReply` on close.
    static func observation(_ event: WebSocketEvent) throws -> JSONValue {
        switch event {
        case .text(let text):
            guard let reply = try? JSONCoding.parse(text) else {
                throw SessionFailure(.invalidReply, "not JSON: \(text.prefix(300))")
            }
            switch reply["type"]?.stringValue {
            case "observation":
                return reply["data"]?["observation"] ?? .null
            case "error":
                throw serverError(reply, text)
            default:
                throw SessionFailure(.invalidReply, "unexpected reply: \(text.prefix(300))")
            }
        case .close(let code, let reason):
            throw SessionFailure(.closedBeforeReply, "closed with \(code.map(String.init) ?? "no code") \(reason)")
        case .binary, .pong:
            throw SessionFailure(.invalidReply, "unexpected \(event)")
        }
    }

    /// Accepts an `observation` reply (a reset's), discarding it: by ``ObservationScan`` when it
    /// can read it, else as ``observation(_:)`` judges it.
    ///
    /// - Throws: what ``observation(_:)`` throws.
    static func acceptObservation(_ event: WebSocketEvent) throws {
        if case .text(let text) = event, ObservationScan(text) != nil { return }
        _ = try observation(event)
    }

    /// Records a step's `observation` reply in `row` (``SessionResult/record(_:strict:)``): by
    /// ``ObservationScan`` when it can read the reply and, if `strict`, finds the benchmark's
    /// fields; otherwise by a full parse, which judges and reports the reply exactly as it
    /// always did.
    ///
    /// - Throws: what ``observation(_:)`` and ``SessionResult/record(_:strict:)`` throw.
    static func recordObservation(_ event: WebSocketEvent, in row: inout SessionResult, strict: Bool) throws {
        if case .text(let text) = event, let scan = ObservationScan(text), !strict || scan.hasBenchmarkFields {
            row.record(waitedSeconds: scan.waitedSeconds, pid: scan.pid, sessionHash: scan.sessionHash, hostURL: scan.hostURL)
            return
        }
        try row.record(try observation(event), strict: strict)
    }

    /// Any JSON reply that is not an `error` (a replayed `state`, say).
    ///
    /// - Throws: ``SessionFailure``: the server's code for an `error` reply, `InvalidReply` for
    ///   anything that is not JSON text, `ClosedBeforeReply` on close.
    static func anyReply(_ event: WebSocketEvent) throws {
        switch event {
        case .text(let text):
            guard let reply = try? JSONCoding.parse(text) else { throw SessionFailure(.invalidReply, "not JSON: \(text.prefix(300))") }
            if reply["type"]?.stringValue == "error" { throw serverError(reply, text) }
        case .close(let code, let reason):
            throw SessionFailure(.closedBeforeReply, "closed with \(code.map(String.init) ?? "no code") \(reason)")
        case .binary, .pong:
            throw SessionFailure(.invalidReply, "unexpected \(event)")
        }
    }

    /// An `mcp` reply must carry a JSON-RPC result.
    ///
    /// - Throws: ``SessionFailure``: `MCPError` for a JSON-RPC error, the server's code for an
    ///   `error` reply, `InvalidReply` for anything else.
    static func toolResult(_ event: WebSocketEvent) throws {
        guard case .text(let text) = event, let reply = try? JSONCoding.parse(text) else {
            throw SessionFailure(.invalidReply, "unexpected \(String(describing: event).prefix(300))")
        }
        switch reply["type"]?.stringValue {
        case "mcp":
            try toolResponse(reply["data"] ?? .null)
        case "error":
            throw serverError(reply, text)
        default:
            throw SessionFailure(.invalidReply, "unexpected reply: \(text.prefix(300))")
        }
    }

    /// A `tools/call` response (over the socket or `POST /mcp`) must carry a result; a
    /// JSON-RPC error fails the session.
    static func toolResponse(_ response: JSONValue) throws {
        if let error = response["error"] {
            throw SessionFailure(
                .mcpError,
                "JSON-RPC error \(error["code"].map { "\($0)" } ?? "?"): \(error["message"]?.stringValue ?? "\(error)")"
            )
        }
        guard response["result"] != nil else {
            throw SessionFailure(.invalidReply, "not a JSON-RPC response: \(String(describing: response).prefix(300))")
        }
    }

    private static func serverError(_ reply: JSONValue, _ text: String) -> SessionFailure {
        SessionFailure(
            FailureKind(rawValue: reply["data"]?["code"]?.stringValue ?? "UNKNOWN_ERROR"),
            reply["data"]?["message"]?.stringValue ?? text
        )
    }
}
