/// Which OpenEnv release's wire protocol a server speaks, as a set of features: the server
/// serves it and the conformance suite expects it. Named profiles are the releases people run;
/// ``init(release:)`` maps any release in between (PROTOCOL-0.10.md §1.1).
public struct ProtocolProfile: Sendable, Hashable, CustomStringConvertible {
    /// The profile's name (`openenv-0.3`, `openenv-0.10`, or `openenv-<release>`).
    public var name: String
    /// Observation `metadata` is kept under `observation` (first key) and copied to a top-level
    /// `metadata` (HTTP: always, `null` when empty; WS: only when non-empty). Since 0.4.0.
    public var metadataEnvelope: Bool
    /// The ORS task API: `GET /list_environments`, `/{env}/splits`, `POST /{env}/tasks|…`. Since 0.4.1.
    public var taskAPI: Bool
    /// `tools/call` without a `name` is -32602 before anything else is checked. Since 0.4.1.
    public var toolsCallNameFirst: Bool
    /// `/ws?session_id=` attaches to an HTTP-created MCP session (no extra slot, outlives its
    /// socket, exempt from the idle reaper); `session/close` while attached → `closing`. Since 0.5.0.
    public var attach: Bool
    /// `OPENENV_MODE=production` removes the simulation routes (`/reset`, `/step`, `/state`). Since 0.7.0.
    public var modeVariable: Bool
    /// `GET /schema` includes `reset_observation`. Since 0.8.0.
    public var resetObservationSchema: Bool

    public var description: String { name }

    /// openenv-core 0.3.0 (and openenv ≤ 0.3.1).
    public static let openenv03 = ProtocolProfile(
        name: "openenv-0.3",
        metadataEnvelope: false,
        taskAPI: false,
        toolsCallNameFirst: false,
        attach: false,
        modeVariable: false,
        resetObservationSchema: false
    )

    /// openenv ≥ 0.8 (0.10.0 is current): every change of PROTOCOL-0.10.md §1.
    public static let openenv010 = ProtocolProfile(
        name: "openenv-0.10",
        metadataEnvelope: true,
        taskAPI: true,
        toolsCallNameFirst: true,
        attach: true,
        modeVariable: true,
        resetObservationSchema: true
    )

    /// The profiles a user names.
    public static let named: [ProtocolProfile] = [.openenv03, .openenv010]

    /// The default: what users install today.
    public static let current = ProtocolProfile.openenv010

    public init(
        name: String,
        metadataEnvelope: Bool,
        taskAPI: Bool,
        toolsCallNameFirst: Bool,
        attach: Bool,
        modeVariable: Bool,
        resetObservationSchema: Bool
    ) {
        self.name = name
        self.metadataEnvelope = metadataEnvelope
        self.taskAPI = taskAPI
        self.toolsCallNameFirst = toolsCallNameFirst
        self.attach = attach
        self.modeVariable = modeVariable
        self.resetObservationSchema = resetObservationSchema
    }

    /// The features of an openenv release (`"0.5.0"`, `"0.10"`), from the release each one
    /// first shipped in; `nil` for text that is not a version.
    public init?(release: String) {
        let parts = release.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
        let version = parts.compactMap { $0 } + [0]
        let atLeast = { (minor: Int, patch: Int) in
            (version[0], version[1], version[2]) >= (0, minor, patch)
        }
        self.init(
            name: "openenv-\(release)",
            metadataEnvelope: atLeast(4, 0),
            taskAPI: atLeast(4, 1),
            toolsCallNameFirst: atLeast(4, 1),
            attach: atLeast(5, 0),
            modeVariable: atLeast(7, 0),
            resetObservationSchema: atLeast(8, 0)
        )
    }

    /// A profile by name: `openenv-0.3`, `openenv-0.10`, or `openenv-<release>` / `<release>`.
    public init?(named text: String) {
        if let profile = Self.named.first(where: { $0.name == text }) {
            self = profile
            return
        }
        let release = text.hasPrefix("openenv-") ? String(text.dropFirst("openenv-".count)) : text
        self.init(release: release)
    }
}
