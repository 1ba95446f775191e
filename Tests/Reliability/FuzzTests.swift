import BenchmarkEnvironment
import EnvProtocol
import EnvServer
import Foundation
import Testing

/// Fuzzes the WebSocket message decoder and the HTTP body decoders with mutated corpus inputs:
/// every input must decode or yield a structured error, and every answer must encode — a
/// crash (a trap in a decoder or an encoder given a non-finite number) ends the test process.
///
/// Normal runs execute 20,000 inputs per target; `OPENENV_FUZZ_ITERATIONS`,
/// `OPENENV_FUZZ_SECONDS` and `OPENENV_FUZZ_SEED` make long runs (docs/RELIABILITY.md).
///
/// The loops are CPU-bound on the shared cooperative pool, so the two targets run one after the
/// other and yield regularly: other suites' servers and clients in the same process keep running.
@Suite("Fuzzing", .serialized, .timeLimit(.minutes(60)))
struct FuzzTests {
    /// Structured errors the WebSocket decoder may answer with; anything else is a bug.
    static let decoderCodes: Set<ErrorCode> = [.invalidJSON, .unknownType, .validationError]

    @Test("WebSocket messages: decode or a structured error, never a crash")
    func webSocketMessages() async throws {
        let budget = FuzzBudget(target: "ws", defaultIterations: 20_000)
        var fuzzer = Fuzzer(seed: budget.seed, corpus: try loadCorpus())
        // Waits are capped at 0, so a mutated step never sleeps.
        let environment = HostedEnvironment.benchmark(maxWaitSeconds: 0)
        let process = ServingProcess(hostURL: "fuzz:0")
        var session = try environment.session(for: process)
        var executed = 0
        var outcomes: [String: Int] = [:]
        while budget.allows(executed) {
            if executed % 50 == 0 { await Task.yield() }
            let input = fuzzer.next()
            budget.record(input)
            // The server only sees valid UTF-8 text (anything else is closed with 1007).
            let text = String(decoding: input, as: UTF8.self)
            do {
                _ = try ClientMessage.decode(text)
            } catch {
                #expect(Self.decoderCodes.contains(error.code), "input \(executed): \(error.code) for \(text.prefix(200))")
            }
            let reply = await MessageDispatcher.answer(text, session: &session)
            // Encoding the reply is part of answering: it must not trap either.
            let encoded = try reply.map { try $0.text(.current) } ?? "close"
            outcomes[Self.kind(of: reply), default: 0] += 1
            #expect(!encoded.isEmpty)
            executed += 1
            if executed % 1000 == 0 { session = try environment.session(for: process) }
        }
        print("fuzz ws: \(executed) inputs executed (seed \(budget.seed)), 0 crashes; outcomes \(outcomes.sorted { $0.key < $1.key })")
        #expect(executed > 0)
        // The mutations reach every branch of the decoder, not only its first error.
        if budget.deadline != nil || budget.iterations >= 5_000 {
            for kind in ["observation", "INVALID_JSON", "UNKNOWN_TYPE", "VALIDATION_ERROR", "state"] {
                #expect(outcomes[kind, default: 0] > 0, "no input produced \(kind): \(outcomes)")
            }
        }
    }

    @Test("HTTP bodies: decode or a structured error, never a crash")
    func httpBodies() async throws {
        let budget = FuzzBudget(target: "http", defaultIterations: 20_000)
        var fuzzer = Fuzzer(seed: budget.seed &+ 1, corpus: try loadCorpus())
        let environment = HostedEnvironment.benchmark(maxWaitSeconds: 0)
        let process = ServingProcess(hostURL: "fuzz:0")
        var executed = 0
        var outcomes: [String: Int] = [:]
        while budget.allows(executed) {
            if executed % 50 == 0 { await Task.yield() }
            let input = fuzzer.next()
            budget.record(input)
            let body: JSONValue?
            do {
                body = input.isEmpty ? nil : try JSONCoding.parse(Data(input))
            } catch {
                #expect(!error.description.isEmpty)
                outcomes["json_invalid", default: 0] += 1
                executed += 1
                continue
            }
            // The routes' own handlers, as `POST /step` and `POST /reset` run them.
            let step = await Self.status { try await HTTPRoutes.step(body: body, environment: environment, process: process) }
            let reset = await Self.status { try await HTTPRoutes.reset(body: body, environment: environment, process: process) }
            outcomes["step:" + step, default: 0] += 1
            outcomes["reset:" + reset, default: 0] += 1
            executed += 1
        }
        print("fuzz http: \(executed) inputs executed (seed \(budget.seed &+ 1)), 0 crashes; outcomes \(outcomes.sorted { $0.key < $1.key })")
        #expect(executed > 0)
        if budget.deadline != nil || budget.iterations >= 5_000 {
            for kind in ["json_invalid", "step:200", "step:422", "reset:200", "reset:422"] {
                #expect(outcomes[kind, default: 0] > 0, "no input produced \(kind): \(outcomes)")
            }
        }
    }

    /// The status the server answers for one route's result, down to the encoded body (encoding
    /// is part of answering: it must not trap either).
    private static func status(of answer: () async throws -> ObservationEnvelope) async -> String {
        do {
            _ = JSONCoding.encode(try await answer().json(.current, .http))
            return "200"
        } catch let failure as ValidationFailure {
            _ = JSONCoding.encode(["detail": failure.issues])
            return "422"
        } catch {
            Issue.record("unstructured error: \(error)")
            return "500"
        }
    }

    private static func kind(of reply: ServerMessage?) -> String {
        switch reply {
        case nil: "close"
        case .observation?: "observation"
        case .state?: "state"
        case .mcp?: "mcp"
        case .error(let error)?: error.code.rawValue
        }
    }
}
