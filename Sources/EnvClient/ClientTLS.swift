public import NIOSSL

/// The TLS trust a load generator or probe uses for `wss`/`https` servers.
public enum ClientTLS {
    /// `nil` (the system trust store, NIO's default) unless a CA file or no verification is asked for.
    ///
    /// - Parameters:
    ///   - caFile: PEM file of CA certificates to trust instead of the system store.
    ///   - insecure: skip certificate verification (self-signed test servers).
    public static func configuration(caFile: String?, insecure: Bool) -> TLSConfiguration? {
        guard caFile != nil || insecure else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        if insecure { tls.certificateVerification = .none }
        return tls
    }
}
