public import EnvProtocol

extension RunSummary {
    /// The `summary.csv` columns that hold text; every other column is a number.
    static let textColumns: Set<String> = ["mode", "url", "timestamp", "hardware"]

    /// The run as one JSON object: the `summary.csv` columns as keys, numbers as JSON numbers
    /// (integers where the column counts something), so a dashboard reads the same figures as
    /// the CSV without parsing text. A profile run adds its ``LoadMeasures`` as `measures`, and
    /// a measured run its own cost as `client`: CPU seconds (user, system), microseconds of CPU
    /// per session and per answered step, and the peak resident set.
    public var jsonFigures: JSONValue {
        var figures = csvFigures
        if let measures { figures["measures"] = measures.json(wallTime: totalWallTime) }
        if let clientUsage { figures["client"] = clientJSON(clientUsage) }
        return .object(figures)
    }

    private func clientJSON(_ usage: ProcessUsage) -> JSONValue {
        func perUnit(_ count: Int?) -> JSONValue {
            guard let count, count > 0 else { return .null }
            return .number((usage.cpuSeconds * 1e6 / Double(count)).rounded())
        }
        return [
            "cpu_seconds": .number(usage.cpuSeconds),
            "cpu_user_seconds": .number(usage.userSeconds),
            "cpu_system_seconds": .number(usage.systemSeconds),
            "cpu_us_per_session": perUnit(numRequests),
            "cpu_us_per_step": perUnit(measures?.total.stepsAnswered),
            "peak_rss_kib": .integer(usage.peakResidentKiB),
        ]
    }

    private var csvFigures: [String: JSONValue] {
        Dictionary(
            uniqueKeysWithValues: zip(Self.columns, csvFields).map { column, field in
                guard !Self.textColumns.contains(column) else { return (column, JSONValue.string(field)) }
                if let integer = Int(field) { return (column, .integer(integer)) }
                // A non-finite figure (none is expected) has no JSON number.
                guard let number = Double(field), number.isFinite else { return (column, .null) }
                return (column, .number(number))
            }
        )
    }

    /// Reads one run written as ``jsonFigures``.
    ///
    /// - Throws: ``ResultsFileError`` naming the missing or unreadable column.
    public init(jsonFigures json: JSONValue) throws {
        guard let object = json.objectValue else { throw ResultsFileError(reason: "a run is not a JSON object") }
        let row = object.compactMapValues { value -> String? in
            switch value {
            case .string(let text): text
            case .integer(let integer): String(integer)
            case .number(let number): String(number)
            default: nil
            }
        }
        try self.init(csvRow: row)
    }
}
