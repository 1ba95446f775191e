public import BenchResults

/// A trainer-profile run in the report: its measures as the run's `.hlog` holds them. The
/// executable decodes the log (it is zlib-compressed, and Reports links no NIO) and hands the
/// measures here.
public struct ProfileRunSource: Sendable {
    public var name: String
    public var measures: LoadMeasures

    public init(name: String, measures: LoadMeasures) {
        self.name = name
        self.measures = measures
    }
}
