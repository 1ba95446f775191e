/// Why `openenv-bench merge` cannot combine its shards: a shard that cannot be read, shards that
/// are not shards of one load, or an output directory that already holds results.
public struct ShardMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a closed set callers can test (the ``reason`` says the details).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case noShards = "no shards"
            case unreadable = "unreadable shard"
            case mismatch = "shards of different loads"
            case outputExists = "output exists"
        }
        private let value: Value

        /// No shard directory was given.
        public static let noShards = Code(value: .noShards)
        /// A shard's `summary.csv`, `raw.jsonl` or `run-state.json` is missing or malformed, or its
        /// two files disagree.
        public static let unreadable = Code(value: .unreadable)
        /// The shards ran different grids (runs, batch sizes, waits, modes, repetitions) or carry
        /// different `--hardware` labels, or one directory was given twice.
        public static let mismatch = Code(value: .mismatch)
        /// The output directory already has a `raw.jsonl` or `summary.csv` (merge never appends).
        public static let outputExists = Code(value: .outputExists)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// The shard directory or file concerned, when there is one.
    public let path: String?
    public let reason: String

    public init(_ code: Code, path: String? = nil, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { (path.map { "\($0): " } ?? "") + reason }
}
