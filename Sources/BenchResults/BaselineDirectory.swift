public import Foundation

/// Where named baselines (`--baseline slurm-multi`, `diff local-swift …`) are looked up, so a
/// name resolves from any working directory: `--baselines DIR`, else `OPENENV_BASELINES`,
/// else the baselines bundled with the build (the package's `baselines/`).
public enum BaselineDirectory {
    /// The name of the environment variable that overrides the bundled baselines.
    public static let variable = "OPENENV_BASELINES"

    /// - Parameter override: a `--baselines DIR` flag.
    /// - Throws: ``BaselineError`` when no directory of baselines can be found.
    public static func resolve(
        override: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BaselineError) -> URL {
        if let directory = override ?? environment[variable].flatMap({ $0.isEmpty ? nil : $0 }) {
            return URL(fileURLWithPath: directory)
        }
        guard let bundled else {
            throw BaselineError(
                baseline: "*",
                reason: "no bundled baselines next to this executable; pass --baselines DIR or set \(variable)"
            )
        }
        return bundled
    }

    /// The checked-in baselines as SwiftPM copied them beside the built products, or the
    /// package's own folder when run from a checkout. Looked up by hand: SwiftPM's generated
    /// `Bundle.module` stops the process when the bundle is missing (e.g. a copied binary).
    public static var bundled: URL? {
        let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let candidates =
            [
                Bundle.main.bundleURL, executableDirectory,
            ].map { $0.appendingPathComponent("OpenEnvKit_BenchResults.resources/Baselines") } + [
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Baselines")
            ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("local-swift.json").path) }
    }
}
