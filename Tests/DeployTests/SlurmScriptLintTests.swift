import Foundation
import Testing

/// The SLURM scripts run on clusters CI cannot reach (ci/multinode-test runs serve-multi,
/// run-experiment and bench-shards on a namespace cluster only), so they are also checked as text: bash parses them, the files they
/// call exist, and no user's path is baked in.
@Suite struct SlurmScriptLintTests {
    static let directory = DockerfileLintTests.repository.appendingPathComponent("deploy/slurm")

    static let scripts = ["serve-single.sbatch", "serve-multi.sbatch", "run-experiment.sbatch", "bench-shards.sbatch"]

    func text(_ name: String) throws -> String {
        try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test(arguments: scripts)
    func bashParsesIt(_ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", Self.directory.appendingPathComponent(name).path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test(arguments: scripts)
    func everyFileItCallsExists(_ name: String) throws {
        let pattern = try Regex(#"\$deploy_dir/([A-Za-z0-9._-]+)"#)
        for match in try text(name).matches(of: pattern) {
            let file = try #require(match.output[1].substring.map(String.init))
            #expect(
                FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent(file).path),
                "\(name) calls \(file), which is not in deploy/slurm"
            )
        }
    }

    @Test(arguments: scripts)
    func noUserPathsAndItNeedsTheSubmitDirectoryOnly(_ name: String) throws {
        let text = try text(name)
        for fragment in ["/home/", "/Users/", "/fsx/", "/scratch/", "~/"] {
            #expect(!text.contains(fragment), "\(name) hard-codes \(fragment)")
        }
        #expect(text.contains("SLURM_SUBMIT_DIR"))
    }

    @Test("bench-shards starts every shard at one instant, each in its own directory, then merges them")
    func benchShardsStartsTogetherAndMerges() throws {
        let text = try text("bench-shards.sbatch")
        #expect(text.contains("--start-at \"$start_at\""), "one shared start for every shard")
        #expect(text.contains("--ntasks-per-node=1"), "one shard per node")
        #expect(text.contains("shard-$SLURM_PROCID"), "a directory per shard, named by its task")
        let srun = try #require(text.range(of: "\nsrun "))
        let merge = try #require(text.range(of: "merge \"$shards_dir\"/shard-*"))
        #expect(srun.lowerBound < merge.lowerBound, "merge after the shards")
        #expect(!text.contains("shards_dir/shard-%t"), "srun's logs must not land among the shard directories merge reads")
    }
}
