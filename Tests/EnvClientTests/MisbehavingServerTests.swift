import BenchResults
import EnvClient
import LoadGen
import Testing

/// A server that misbehaves is recorded as a failure of its own kind, never as a success (and
/// never crashes or hangs the load generator).
@Suite("Misbehaving servers", .timeLimit(.minutes(1)))
struct MisbehavingServerTests {
    static let observation = Array(#"{"type":"observation","data":{"observation":{"pid":7}}}"#.utf8)

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let frames: [UInt8]
        let closeAfterWrite: Bool
        let errorType: FailureKind
        var testDescription: String { "\(name) → \(errorType)" }
    }

    static let cases: [Case] = [
        Case(
            name: "answers garbage",
            frames: RawWebSocketServer.frame(opcode: 0x1, Array("garbage".utf8)),
            closeAfterWrite: false,
            errorType: FailureKind.invalidReply
        ),
        Case(
            name: "answers a binary frame",
            frames: RawWebSocketServer.frame(opcode: 0x2, [1, 2]),
            closeAfterWrite: false,
            errorType: FailureKind.invalidReply
        ),
        Case(
            name: "answers an observation whose pid does not fit an Int",
            frames: [
                Array(#"{"type":"observation","data":{"observation":{}}}"#.utf8),
                Array(#"{"type":"observation","data":{"observation":{"pid":1e300}}}"#.utf8),
            ]
            .flatMap { RawWebSocketServer.frame(opcode: 0x1, $0) },
            closeAfterWrite: false,
            errorType: FailureKind.invalidReply
        ),
        Case(
            name: "sends one reply more than asked for",
            frames: (0..<3).flatMap { _ in RawWebSocketServer.frame(opcode: 0x1, observation) },
            closeAfterWrite: false,
            errorType: FailureKind.unsolicitedReply
        ),
        Case(
            name: "closes with a close frame before replying",
            frames: RawWebSocketServer.frame(opcode: 0x8, [0x03, 0xE8]),
            closeAfterWrite: false,
            errorType: FailureKind.closedBeforeReply
        ),
        Case(
            name: "drops the connection before replying",
            frames: [],
            closeAfterWrite: true,
            errorType: FailureKind.closedBeforeReply
        ),
        Case(name: "never replies", frames: [], closeAfterWrite: false, errorType: FailureKind.timeout),
    ]

    @Test("each misbehaviour is its own error type", arguments: cases)
    func misbehaviour(_ input: Case) async throws {
        let server = try await RawWebSocketServer.start(framesAfterUpgrade: input.frames, closeAfterWrite: input.closeAfterWrite)
        // Short only where the timeout is the verdict: a busy machine (the whole suite runs in
        // parallel) can take seconds to connect, which is no misbehaviour of the server.
        let timeout: Duration = input.errorType == .timeout ? .seconds(5) : .seconds(10)
        let driver = SessionDriver(mode: .ws, wait: 0, timeout: timeout, batchSize: 1, hardware: "test")
        let row = await driver.run(requestID: 0, endpoint: ServerEndpoint(host: "127.0.0.1", port: server.port), http: nil)
        try await server.stop()
        #expect(!row.success)
        #expect(row.errorType == input.errorType, "\(row.errorType?.rawValue ?? "nil"): \(row.errorMessage ?? "")")
    }

    @Test("a well-behaved reply sequence is a success (the checks above are not always failing)")
    func wellBehaved() async throws {
        let frames =
            (0..<2).flatMap { _ in RawWebSocketServer.frame(opcode: 0x1, Self.observation) }
            + RawWebSocketServer.frame(opcode: 0x8, [0x03, 0xE8])
        let server = try await RawWebSocketServer.start(framesAfterUpgrade: frames)
        let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 1, hardware: "test")
        let row = await driver.run(requestID: 0, endpoint: ServerEndpoint(host: "127.0.0.1", port: server.port), http: nil)
        try await server.stop()
        #expect(row.success, "\(row.errorType?.rawValue ?? ""): \(row.errorMessage ?? "")")
        #expect(row.pid == 7)
    }
}
