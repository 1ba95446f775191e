import Foundation

/// A seeded mutation fuzzer: inputs are corpus entries with a few random edits each, so a run
/// is reproducible from its seed and needs neither libFuzzer nor coverage instrumentation.
///
/// The edits are the ones that break JSON decoders: flipped bits, deleted and doubled ranges,
/// splices of two inputs, and tokens at the edges of the grammar (`NaN`, `1e400`, `\ud800`,
/// deep brackets, invalid UTF-8).
struct Fuzzer {
    private var random: SplitMix64
    private let corpus: [[UInt8]]
    /// Inputs are capped so a run stays fast; the server's own 1 MB limit is tested elsewhere.
    private let maxLength = 64 << 10

    init(seed: UInt64, corpus: [[UInt8]]) {
        precondition(!corpus.isEmpty, "the fuzzer needs a corpus")
        self.random = SplitMix64(seed: seed)
        self.corpus = corpus
    }

    /// The next input: a corpus entry (now and then unchanged) with one to four mutations.
    mutating func next() -> [UInt8] {
        var input = corpus[Int.random(in: 0..<corpus.count, using: &random)]
        guard Int.random(in: 0..<10, using: &random) != 0 else { return input }
        // Mostly one edit, so many inputs stay close to valid and reach the validators.
        let edits = [1, 1, 1, 2, 2, 3, 4][Int.random(in: 0..<7, using: &random)]
        for _ in 0..<edits {
            mutate(&input)
        }
        return Array(input.prefix(maxLength))
    }

    static let tokens: [String] = [
        "NaN", "Infinity", "-Infinity", "-0", "1e400", "-1e400", "1e308", "1e-400", "9223372036854775808",
        "123456789012345678901234567890", "null", "true", "false", #""type""#, #""reset""#, #""step""#,
        #""state""#, #""close""#, #""mcp""#, #""data""#, #""wait_seconds""#, #""seed""#, #""episode_id""#,
        #""action""#, #""timeout_s""#, #""jsonrpc":"2.0""#, #""id""#, #"\u0000"#, #"\ud800"#, #"\udfff\ud800"#,
        "{", "}", "[", "]", "[[[[[[[[", "]]]]]]]]", ",", ":", #"""#, #"\"#, "{}", "[]", #""":"#, " ", "\t\n",
    ]

    static let bytes: [UInt8] = [0x00, 0x7F, 0x80, 0xC0, 0xC3, 0xED, 0xF4, 0xFF] + Array("{}[]\":,\\-.e019 ".utf8)

    private mutating func mutate(_ input: inout [UInt8]) {
        let position = input.isEmpty ? 0 : Int.random(in: 0...input.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0 where !input.isEmpty:
            input[min(position, input.count - 1)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1 where !input.isEmpty:
            input[min(position, input.count - 1)] = UInt8.random(in: 0...255, using: &random)
        case 2:
            input.insert(Self.bytes[Int.random(in: 0..<Self.bytes.count, using: &random)], at: position)
        case 3:
            input.insert(contentsOf: Array(Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)].utf8), at: position)
        case 4 where !input.isEmpty:
            let end = min(input.count, position + Int.random(in: 1...16, using: &random))
            input.removeSubrange(min(position, end)..<end)
        case 5 where !input.isEmpty:
            let end = min(input.count, position + Int.random(in: 1...32, using: &random))
            input.insert(contentsOf: input[min(position, end)..<end], at: end)
        case 6:
            let other = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            let cut = other.isEmpty ? 0 : Int.random(in: 0...other.count, using: &random)
            input = Array(input.prefix(position)) + other.suffix(from: cut)
        case 7:
            // Mostly shallow; sometimes around the server's depth limit (128) and the
            // encoder's (512).
            let depth = [
                Int.random(in: 1...32, using: &random), Int.random(in: 120...136, using: &random),
                Int.random(in: 500...520, using: &random),
            ][Int.random(in: 0..<3, using: &random)]
            let open = Bool.random(using: &random) ? "[" : #"{"a":"#
            let close = open == "[" ? "]" : "}"
            input =
                Array((String(repeating: open, count: depth)).utf8) + input
                + Array(String(repeating: close, count: depth).utf8)
        default:
            input = Array(input.prefix(position))
        }
    }
}

/// A tiny, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// How long a fuzz run lasts: `OPENENV_FUZZ_ITERATIONS` inputs (default `defaultIterations`)
/// or, when `OPENENV_FUZZ_SECONDS` is set, as many as fit in that time; `OPENENV_FUZZ_SEED`
/// picks the sequence.
struct FuzzBudget {
    var iterations: Int
    var deadline: ContinuousClock.Instant?
    var seed: UInt64
    /// `OPENENV_FUZZ_LAST_INPUT=PREFIX`: each input is written to `PREFIX.<target>` before it
    /// runs, so a crash leaves the input that caused it behind (long runs: a file write per input).
    var lastInputPath: String?

    init(
        target: String,
        defaultIterations: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        iterations = environment["OPENENV_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? defaultIterations
        deadline = environment["OPENENV_FUZZ_SECONDS"].flatMap { Double($0) }.map { .now + .seconds($0) }
        seed = environment["OPENENV_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0008
        lastInputPath = environment["OPENENV_FUZZ_LAST_INPUT"].map { "\($0).\(target)" }
    }

    func allows(_ executed: Int) -> Bool {
        if let deadline { return ContinuousClock.now < deadline }
        return executed < iterations
    }

    func record(_ input: [UInt8]) {
        guard let lastInputPath else { return }
        _ = FileManager.default.createFile(atPath: lastInputPath, contents: Data(input))
    }
}

/// The checked-in corpus: `Tests/Reliability/Corpus/*`.
func loadCorpus(filePath: String = #filePath) throws -> [[UInt8]] {
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
    return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
        .map { Array(try Data(contentsOf: $0)) }
}
