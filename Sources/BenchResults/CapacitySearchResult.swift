public import EnvProtocol
public import Foundation

/// What `openenv-bench capacity --summary-json FILE` found, read back: the profile searched,
/// the step p99 bound, the sustainable concurrency (`nil`: not even the start passed) and each
/// probe's N and verdict. The report's "sustainable concurrency per profile" is drawn from it.
public struct CapacitySearchResult: Sendable, Equatable {
    public struct Probe: Sendable, Equatable {
        public var sessions: Int
        public var passed: Bool
    }

    /// The label the report shows (default: the file's name without `.json`).
    public var name: String
    public var profile: String
    public var stepP99Bound: Double
    public var sustainableConcurrency: Int?
    public var probes: [Probe]

    /// - Throws: ``ResultsFileError`` naming the field that is missing.
    public init(json: JSONValue, name: String) throws(ResultsFileError) {
        guard json["tool"]?.stringValue == "openenv-bench capacity" else {
            throw ResultsFileError(reason: "not written by openenv-bench capacity --summary-json")
        }
        guard let profile = json["profile"]?.stringValue, let bound = json["step_p99_bound"]?.numberValue,
            let probes = json["probes"]?.arrayValue
        else { throw ResultsFileError(reason: "a capacity summary needs profile, step_p99_bound and probes") }
        self.name = name
        self.profile = profile
        stepP99Bound = bound
        sustainableConcurrency = json["sustainable_concurrency"]?.integerValue
        self.probes = probes.compactMap { probe in
            guard let sessions = probe["sessions"]?.integerValue, let passed = probe["passed"]?.boolValue else { return nil }
            return Probe(sessions: sessions, passed: passed)
        }
    }

    /// Reads `FILE`, named by its file name unless `name` is given.
    public static func read(_ url: URL, name: String? = nil) throws -> CapacitySearchResult {
        do {
            return try CapacitySearchResult(
                json: try JSONCoding.parse(try Data(contentsOf: url)),
                name: name ?? url.deletingPathExtension().lastPathComponent
            )
        } catch let error as ResultsFileError {
            throw ResultsFileError(path: url.path, reason: error.reason)
        }
    }
}
