/// The kit's version: what `openenv-server --version` and `openenv-bench --version` print and
/// `--summary-json` documents record. Raised with each entry of CHANGELOG.md.
public enum OpenEnvKitVersion {
    public static let current = "0.2.0"
}
