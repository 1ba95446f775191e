import Foundation
import Testing

/// Docker cannot run here, so deploy/Dockerfile is checked the way a linter would: everything
/// it copies from the build context exists and is let through the ignore file, every product it
/// builds or starts is an executable the package declares, `COPY --from` names a stage, and the
/// runtime stage has every resource bundle of the package next to the executables it copies.
@Suite struct DockerfileLintTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// Instructions with `\` continuations joined, comments dropped.
    func instructions() throws -> [[String]] {
        let joined = try read("deploy/Dockerfile").replacingOccurrences(of: "\\\n", with: " ")
        return joined.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
    }

    func executableProducts() throws -> Set<String> {
        let manifest = try read("Package.swift")
        let pattern = try Regex(#"\.executable\(name: "([^"]+)""#)
        return Set(manifest.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    /// The bundles SwiftPM writes beside the built products, `<package>_<target>.resources`, one
    /// per target that declares `resources:` (the bundled baselines).
    func resourceBundles() throws -> [String] {
        let manifest = try read("Package.swift")
        let package = try #require(manifest.firstMatch(of: try Regex(#"Package\(\s*name: "([^"]+)""#))?.output[1].substring)
        let targetStart = try Regex(#"\.(target|executableTarget|testTarget)\("#)
        return manifest.split(separator: targetStart).dropFirst().filter { $0.contains("resources:") }.compactMap { target in
            (try? Regex(#"name: "([^"]+)""#)).flatMap { target.firstMatch(of: $0)?.output[1].substring }
        }.map { "\(package)_\($0).resources" }
    }

    @Test func resourceBundlesAreCopiedNextToTheExecutables() throws {
        let bundles = try resourceBundles()
        #expect(bundles.contains("OpenEnvKit_BenchResults.resources"), "\(bundles)")
        let instructions = try instructions()
        let lastFrom = try #require(instructions.lastIndex { $0.first == "FROM" })
        let build = instructions[..<lastFrom].flatMap { $0 }
        // The runtime stage's `COPY --from=STAGE SOURCE… DEST`.
        let copies = instructions[lastFrom...].filter { $0.first == "COPY" && $0.contains { $0.hasPrefix("--from=") } }
            .map { (sources: $0.dropFirst().dropLast().filter { !$0.hasPrefix("--") }, destination: $0.last ?? "") }
        let products = try executableProducts()
        let executableDirectories = Set(
            copies.filter { $0.sources.contains { products.contains(Self.lastComponent($0)) } }
                .map { Self.parent($0.destination) }
        )
        #expect(!executableDirectories.isEmpty, "the runtime stage copies no executable")
        for bundle in bundles {
            for directory in executableDirectories {
                let copy = copies.first { $0.destination == directory + "/" + bundle }
                #expect(copy != nil, "COPY --from=… \(directory)/\(bundle): missing, so \(bundle) does not resolve in the image")
                // The build stage puts the bundle where the runtime stage takes it from.
                for source in copy?.sources ?? [] {
                    #expect(Self.lastComponent(source) == bundle, "COPY \(source) \(directory)/\(bundle)")
                    let copiedThere = zip(build, build.dropFirst()).contains { word, target in
                        Self.lastComponent(word.trimmingCharacters(in: ["\""])) == bundle && Self.parent(target) == Self.parent(source)
                    }
                    #expect(copiedThere, "the build stage does not copy \(bundle) into \(Self.parent(source))")
                }
            }
        }
    }

    private static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "")
    }

    /// The directory a path names a file in; `dir/` is the directory itself.
    private static func parent(_ path: String) -> String {
        path.hasSuffix("/")
            ? String(path.dropLast()) : String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
    }

    @Test func copiedPathsExistAndAreNotIgnored() throws {
        let ignore = try read("deploy/Dockerfile.dockerignore").split(separator: "\n").map(String.init)
        let copies = try instructions().filter { $0.first == "COPY" && !$0.contains { $0.hasPrefix("--from=") } }
        #expect(!copies.isEmpty)
        for copy in copies {
            for source in copy.dropFirst().dropLast() where !source.hasPrefix("--") {
                let path = Self.repository.appendingPathComponent(source).path
                #expect(FileManager.default.fileExists(atPath: path), "COPY \(source): not in the repository")
                #expect(ignore.contains("!\(source)"), "COPY \(source): excluded by Dockerfile.dockerignore")
            }
        }
    }

    @Test func builtAndStartedProductsAreExecutablesOfThePackage() throws {
        let products = try executableProducts()
        let words = try instructions().flatMap { $0 }
        let built = zip(words, words.dropFirst()).filter { $0.0 == "--product" }.map(\.1)
        #expect(!built.isEmpty)
        for product in built { #expect(products.contains(product), "--product \(product) is not an executable product") }

        let entrypoint = try #require(try instructions().last { $0.first == "ENTRYPOINT" })
        let command = entrypoint.dropFirst().joined(separator: " ")
        let program = try #require(try JSONSerialization.jsonObject(with: Data(command.utf8)) as? [String]).first
        #expect(program.map(products.contains) == true, "ENTRYPOINT \(command) starts no product of the package")
    }

    @Test func copyFromNamesAStage() throws {
        let instructions = try instructions()
        let stages = Set(instructions.filter { $0.first == "FROM" && $0.count == 4 && $0[2] == "AS" }.map { $0[3] })
        let sources = instructions.flatMap { $0 }.filter { $0.hasPrefix("--from=") }.map { String($0.dropFirst(7)) }
        #expect(!sources.isEmpty)
        for source in sources { #expect(stages.contains(source), "COPY --from=\(source): no such stage") }
    }
}
