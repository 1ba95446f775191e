import Foundation

/// A balancer binary the tests run for real: found through its environment variable
/// (OPENENV_ENVOY, OPENENV_HAPROXY — what `ci/install-balancers` prints), in the venv
/// `ci/install-balancers` makes, or on PATH.
struct Validator: Sendable {
    let executable: String

    static let envoy = find("envoy", variable: "OPENENV_ENVOY")
    static let haproxy = find("haproxy", variable: "OPENENV_HAPROXY")

    static func find(_ name: String, variable: String) -> Validator? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment[variable], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? Validator(executable: path) : nil
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let directories =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/usr/local/sbin", repository.appendingPathComponent(".build-venv/envoy/bin").path]
        return directories.map { "\($0)/\(name)" }
            .first(where: FileManager.default.isExecutableFile(atPath:))
            .map(Validator.init(executable:))
    }

    /// Writes `config` to a temporary file, runs the validator on it and returns its exit status
    /// and combined output.
    func check(_ config: String, fileExtension: String, arguments: (String) -> [String]) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-deploy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("balancer.\(fileExtension)")
        try config.write(to: file, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(file.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
