/// A self-signed certificate for `localhost` (P-256, valid 2026–2126) and its key, made once with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500 -nodes
/// -subj /CN=localhost -addext subjectAltName=DNS:localhost`: test material only, so that the
/// tests need no certificate library (swift-certificates and its dependencies cost CI minutes
/// of compiling in each configuration).
enum TestCertificate {
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBlTCCATugAwIBAgIUSX1UilUl8zm9haABQcettuuk8zswCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNTExMzMzNloYDzIxMjYxMTEx
        MTEzMzM2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAASCDhA5O3nW6LpisNu6VPEDaztAmErkKd0maKkpqS/xnCupGdqgkD8z
        IUc3vHTn5hKFbxDyaG6vn9F5Q/UUNtF5o2kwZzAdBgNVHQ4EFgQUDubG9lJrOt2A
        bK9vjyBrg0s7ST8wHwYDVR0jBBgwFoAUDubG9lJrOt2AbK9vjyBrg0s7ST8wDwYD
        VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
        SAAwRQIgKRpei48ZmZFhRrOGJNgzcV866mSacu9r8dZhMJJHnQcCIQDVk2nvGP7I
        YsvyY15unuCqRz+6zFP+BYxYBYClhtSrIg==
        -----END CERTIFICATE-----
        """

    static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCKuvC8RHhp4hUa2a
        jvZZM4dOmv/8JI5UHssDdy9ptp+hRANCAASCDhA5O3nW6LpisNu6VPEDaztAmErk
        Kd0maKkpqS/xnCupGdqgkD8zIUc3vHTn5hKFbxDyaG6vn9F5Q/UUNtF5
        -----END PRIVATE KEY-----
        """
}
