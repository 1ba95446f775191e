import BenchResults
import BenchmarkEnvironment
import EnvClient
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Logging
import NIOSSL
import Prometheus
import Testing

/// `wss` end to end: our server with a self-signed test certificate (`TestCertificate`), and the load
/// generator's three trust settings.
@Suite("wss sessions", .serialized, .timeLimit(.minutes(1)))
struct SecureSessionTests {
    private func withTLSServer(
        limits: ConnectionLimits = ConnectionLimits(),
        _ body: (ServerEndpoint, String, OpenEnvServer) async throws -> Void
    ) async throws {
        let (certificatePEM, keyPEM) = (TestCertificate.certificatePEM, TestCertificate.keyPEM)
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        )
        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        let server = OpenEnvServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: tls, connectionLimits: limits),
            environment: .benchmark(),
            logger: logger
        )
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-ca-\(UUID().uuidString).pem")
        try certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: caFile) }
        try await server.withRunning { port in
            try await body(ServerEndpoint(host: "localhost", port: port, isSecure: true), caFile.path, server)
        }
    }

    private func burst(_ endpoint: ServerEndpoint, tls: TLSConfiguration?) async -> [SessionResult] {
        let driver = SessionDriver(mode: .ws, wait: 0.05, timeout: .seconds(10), batchSize: 4, hardware: "h", tls: tls)
        return await Burst(endpoints: [endpoint], sessions: 4, driver: driver).run().results
    }

    @Test("a self-signed server fails verification with TLSError, and passes when insecure or trusted")
    func trustSettings() async throws {
        try await withTLSServer { endpoint, caFile, _ in
            let verified = await burst(endpoint, tls: nil)
            #expect(verified.allSatisfy { !$0.success && $0.errorType == FailureKind.tlsError }, "\(verified.map(\.errorMessage))")
            #expect(verified.allSatisfy { $0.errorMessage?.contains("pass --cacert FILE, or --insecure") == true })

            var insecure = TLSConfiguration.makeClientConfiguration()
            insecure.certificateVerification = .none
            let unverified = await burst(endpoint, tls: insecure)
            #expect(unverified.allSatisfy { $0.success }, "\(unverified.map(\.errorMessage))")

            var trusted = TLSConfiguration.makeClientConfiguration()
            trusted.trustRoots = .file(caFile)
            let pinned = await burst(endpoint, tls: trusted)
            #expect(pinned.allSatisfy { $0.success }, "\(pinned.map(\.errorMessage))")
            #expect(Set(pinned.map(\.sessionHash)).count == 4)
        }
    }

    @Test("a TLS connection is closed when its handshake does not complete in time, and when no request head follows it")
    func handshakeAndHeadDeadlines() async throws {
        // A handshake gets 2 s (a loaded machine's client still makes it), the head after it 0.3 s.
        let limits = ConnectionLimits(requestHeadTimeout: .milliseconds(300), tlsHandshakeTimeout: .seconds(2))
        try await withTLSServer(limits: limits) { endpoint, _, server in
            let silent = try await RawTCPConnection.with(port: endpoint.port) { inbound, _ in  // no ClientHello
                await RawTCPConnection.readUntilClosed(inbound)
            }
            var insecure = TLSConfiguration.makeClientConfiguration()
            insecure.certificateVerification = .none
            let handshaken = try await RawTCPConnection.with(port: endpoint.port, tls: insecure) { inbound, _ in  // then nothing
                await RawTCPConnection.readUntilClosed(inbound)
            }
            #expect(silent == "" && handshaken == "")
            let exposition = server.metrics.registry.emitToString()
            #expect(exposition.contains(#"openenv_connections_timed_out_total{phase="tls_handshake"} 1"#), "\(exposition)")
            #expect(exposition.contains(#"openenv_connections_timed_out_total{phase="request_head"} 1"#), "\(exposition)")
        }
    }

    @Test("http mode works over https too")
    func https() async throws {
        try await withTLSServer { endpoint, caFile, _ in
            var trusted = TLSConfiguration.makeClientConfiguration()
            trusted.trustRoots = .file(caFile)
            let driver = SessionDriver(mode: .http, wait: 0, timeout: .seconds(10), batchSize: 2, hardware: "h", tls: trusted)
            let results = await Burst(endpoints: [endpoint], sessions: 2, driver: driver).run().results
            #expect(results.allSatisfy { $0.success }, "\(results.map(\.errorMessage))")
        }
    }
}
