import ArgumentParser
import EnvProtocol
import EnvServer
import EnvTesting
import Testing

@Suite("Server configuration")
struct ServerConfigurationTests {
    @Test("the Python server's environment variables configure ours")
    func environmentVariables() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "HOST": "127.0.0.1", "PORT": "9001", "MAX_CONCURRENT_ENVS": "7", "SESSION_TIMEOUT": "2.5",
        ])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 9001)
        #expect(configuration.maxConcurrentEnvs == 7)
        #expect(configuration.sessionTimeout == .milliseconds(2500))
    }

    @Test("defaults match the reference: capacity 100, no idle timeout")
    func defaults() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.maxConcurrentEnvs == 100 && configuration.sessionTimeout == nil)
        #expect(configuration.port == 8000)
    }

    @Test(
        "bad values name the variable",
        arguments: [
            ["PORT": "http"], ["PORT": "70000"], ["MAX_CONCURRENT_ENVS": "0"], ["SESSION_TIMEOUT": "-1"],
            ["SESSION_TIMEOUT": "nan"], ["SESSION_TIMEOUT": "inf"],
        ]
    )
    func badValues(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(environment) }
        do {
            _ = try ServerConfiguration.fromEnvironment(environment)
        } catch {
            #expect(error.description.contains("invalid for '\(environment.keys.first ?? "?")'"), "\(error)")
        }
    }

    @Test(
        "a variable and its flag accept and refuse the same values",
        arguments: [
            ("PORT", "--port", ["0", "8000", "65535", "65536", "-1", "http", "1.5"]),
            ("MAX_CONCURRENT_ENVS", "--max-concurrent-envs", ["1", "100", "0", "-3", "x"]),
            ("SESSION_TIMEOUT", "--session-timeout", ["2.5", "0", "-1", "nan", "inf", "x"]),
        ]
    )
    func variableAndFlagAgree(variable: String, flag: String, values: [String]) {
        for value in values {
            let byVariable = (try? ServerOptions.parse([]).configuration(environment: [variable: value])) != nil
            let byFlag = (try? ServerOptions.parse(["\(flag)=\(value)"]).configuration(environment: [:])) != nil
            #expect(
                byVariable == byFlag,
                "\(variable)=\(value) is \(byVariable ? "accepted" : "refused"), \(flag)=\(value) \(byFlag ? "accepted" : "refused")"
            )
        }
    }

    @Test("the test suites' settings: every bad value is a problem naming its variable, and keeps the default")
    func testSettingsAreStrict() {
        let good = TestSettings([
            "OPENENV_MAX_SESSIONS": "4", "OPENENV_SCALING_GRID": "32, 512", "OPENENV_SCALING_WAITS": "0,1.5",
            "OPENENV_RELIABILITY_LOAD": "1", "OPENENV_IDLE_GAP": "2.5", "OPENENV_IDLE_CONNECTIONS": "",
            "OPENENV_SCALING_PROFILES": "pool, refill", "OPENENV_RECORD_PROFILES_ONLY": "1",
        ])
        #expect(good.problems.isEmpty, "\(good.problems)")
        #expect(good.remoteMaxSessions == 4 && good.scaling.grid == [32, 512] && good.scaling.recordWaits == [0, 1.5])
        #expect(good.runsReliabilityLoad && good.trainer.idleGap == .milliseconds(2500) && good.idleConnections == nil)
        #expect(good.scaling.recordProfiles == ["pool", "refill"] && good.scaling.recordProfilesOnly)
        #expect(TestSettings(["OPENENV_SCALING_PROFILES": "none"]).scaling.recordProfiles.isEmpty)
        let bad = [
            "OPENENV_MAX_SESSIONS": "four", "OPENENV_SCALING_GRID": "32,x", "OPENENV_SCALING_REPS": "0",
            "OPENENV_RELIABILITY_LOAD": "maybe", "OPENENV_IDLE_GAP": "-1", "OPENENV_SOAK_SECONDS": "nan",
            "OPENENV_SCALING_WAITS": "-1", "OPENENV_SCALING_PROFILES": "pool,burst", "OPENENV_RECORD_PROFILES_ONLY": "2",
        ]
        let settings = TestSettings(bad)
        #expect(Set(settings.problems.map(\.name)) == Set(bad.keys), "\(settings.problems)")
        #expect(settings.remoteMaxSessions == nil && settings.scaling.grid == [32, 512, 2048, 4096])
        #expect(settings.scaling.recordProfiles == ScalingSettings.profileNames && !settings.scaling.recordProfilesOnly)
        #expect(settings.trainer.idleGap == .seconds(20) && settings.soakSeconds == nil && !settings.runsReliabilityLoad)
    }

    @Test("MAX_WAIT_SECONDS and its flag take 0 (a benchmark that never waits); the server's seconds do not")
    func zeroSeconds() throws {
        #expect(try EnvironmentVariables(["MAX_WAIT_SECONDS": "0"]).value("MAX_WAIT_SECONDS", .seconds(allowingZero: true)) == 0)
        #expect(throws: ConfigurationError.self) { try EnvironmentVariables(["SESSION_TIMEOUT": "0"]).value("SESSION_TIMEOUT", .seconds()) }
    }

    @Test(
        "a bad value reads the same as a flag, as a server variable and as a test setting",
        arguments: [
            ("PORT", "--port", nil, "70000", "an integer in 0...65535"),
            ("MAX_CONCURRENT_ENVS", "--max-concurrent-envs", "OPENENV_MAX_SESSIONS", "four", "an integer ≥ 1"),
            ("SESSION_TIMEOUT", "--session-timeout", "OPENENV_SESSION_TIMEOUT", "-1", "a finite number of seconds > 0"),
        ]
    )
    func sameMessage(variable: String, flag: String, testVariable: String?, value: String, expected: String) throws {
        let byVariable = try #require(throws: ConfigurationError.self) {
            try ServerOptions.parse([]).configuration(environment: [variable: value])
        }
        #expect(byVariable.description == "The value '\(value)' is invalid for '\(variable)': expected \(expected)")
        // ArgumentParser names the flag with its value placeholder; the rest is the same words.
        let byFlag = ServerOptions.message(for: try #require(throws: (any Error).self) { try ServerOptions.parse(["\(flag)=\(value)"]) })
        #expect(byFlag.hasPrefix("The value '\(value)' is invalid for '\(flag) <"), "\(byFlag)")
        #expect(byFlag.hasSuffix("': expected \(expected)"), "\(byFlag)")
        if let testVariable {
            let problems = TestSettings([testVariable: value]).problems.map(\.description)
            #expect(problems == ["The value '\(value)' is invalid for '\(testVariable)': expected \(expected)"])
        }
    }

    @Test("ServerOptions: a flag beats its environment variable, which beats the default")
    func optionLayering() throws {
        let environment = ["PORT": "9001", "MAX_CONCURRENT_ENVS": "7"]
        let fromEnvironment = try ServerOptions.parse([]).configuration(environment: environment)
        #expect(fromEnvironment.port == 9001 && fromEnvironment.maxConcurrentEnvs == 7)
        let flags = try ServerOptions.parse(["--port", "0", "--max-concurrent-envs", "3", "--workers", "2"])
        let layered = try flags.configuration(environment: environment)
        #expect(layered.port == 0 && layered.maxConcurrentEnvs == 3)
        #expect(layered.reusePort, "--workers shares the port")
        #expect(try ServerOptions.parse([]).configuration(environment: [:]).port == 8000)
        #expect(throws: (any Error).self) { try ServerOptions.parse(["--tls-cert", "a.pem"]) }
    }

    @Test("connection limits: defaults, flags, and values that cannot be limits are refused")
    func connectionLimits() throws {
        let defaults = try ServerOptions.parse([]).configuration(environment: [:]).connectionLimits
        #expect(defaults.requestHeadTimeout == .seconds(10) && defaults.keepAliveTimeout == .seconds(60))
        #expect(defaults.tlsHandshakeTimeout == .seconds(10))
        #expect(defaults.maxConnections == ConnectionLimits.descriptorBoundConnections())
        #expect(defaults.maxConnections > 0)
        let flags = try ServerOptions.parse([
            "--request-head-timeout", "2.5", "--keep-alive-timeout", "65", "--tls-handshake-timeout", "3",
            "--max-connections", "500",
        ]).configuration(environment: [:]).connectionLimits
        #expect(flags.requestHeadTimeout == .milliseconds(2500) && flags.keepAliveTimeout == .seconds(65))
        #expect(flags.tlsHandshakeTimeout == .seconds(3) && flags.maxConnections == 500)
        for bad in [
            ["--request-head-timeout", "0"], ["--keep-alive-timeout", "-1"], ["--tls-handshake-timeout", "nan"],
            ["--request-head-timeout", "inf"], ["--max-connections", "0"],
        ] {
            #expect(throws: (any Error).self, "\(bad)") { try ServerOptions.parse(bad) }
        }
    }

    @Test("OPENENV_PROTOCOL picks the profile; OPENENV_MODE is read only by profiles that have it (openenv ≥ 0.7)")
    func protocolAndMode() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).protocolProfile == .openenv010)
        let old = try ServerConfiguration.fromEnvironment(["OPENENV_PROTOCOL": "openenv-0.3", "OPENENV_MODE": "production"])
        #expect(old.protocolProfile == .openenv03 && old.mode == .simulation)
        let current = try ServerConfiguration.fromEnvironment(["OPENENV_MODE": "production"])
        #expect(current.mode == .production)
        #expect(try ServerConfiguration.fromEnvironment(["OPENENV_PROTOCOL": "0.5.0"]).protocolProfile.attach)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["OPENENV_PROTOCOL": "latest"]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["OPENENV_MODE": "debug"]) }
        let flags = try ServerOptions.parse(["--protocol", "openenv-0.3", "--mode", "production"]).configuration(environment: [:])
        #expect(flags.protocolProfile == .openenv03 && flags.mode == .production, "--mode applies to any profile")
        #expect(throws: (any Error).self) { try ServerOptions.parse(["--protocol", "openenv-9"]) }
    }

    @Test("slots: capacity enforced, released slots reusable")
    func slots() {
        let slots = SessionSlots(capacity: 2)
        #expect((try? slots.acquire().get()) != nil)
        #expect((try? slots.acquire().get()) != nil)
        guard case .failure(let full) = slots.acquire() else {
            Issue.record("a third slot was granted")
            return
        }
        #expect(full.active == 2 && full.capacity == 2)
        slots.release()
        #expect(slots.activeCount == 1)
        #expect((try? slots.acquire().get()) != nil)
    }
}
