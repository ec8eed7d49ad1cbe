/// The secrets the stores hand out once and keep only as SHA-256: ListenBrainz user tokens and
/// ingest token secrets. Written once for every backend; the randomness is a parameter (the stores
/// pass the system's generator, tests a seeded one).
public enum StoreSecrets {
    /// A ListenBrainz user token: 128 random bits as 32 lowercase hex digits.
    public static func userToken(using rng: inout some RandomNumberGenerator) -> String {
        (0..<16).map { _ in hexByte(UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    /// A bulk-events ingest token secret, "sgi_" and 128 random bits as 32 lowercase hex digits,
    /// with the prefix `segue tokens list` shows to tell tokens apart (its first 10 characters).
    public static func ingestSecret(using rng: inout some RandomNumberGenerator) -> (secret: String, prefix: String) {
        let secret =
            "sgi_"
            + (0..<2).map { _ in
                let s = String(rng.next() as UInt64, radix: 16)
                return String(repeating: "0", count: 16 - s.count) + s
            }.joined()
        return (secret, String(secret.prefix(10)))
    }

    /// Why `scope` cannot be an ingest token's scope, or nil when it can.
    public static func scopeProblem(_ scope: String) -> String? {
        guard !IngestToken.scopes.contains(scope) else { return nil }
        return "unknown token scope '\(scope)' (known: \(IngestToken.scopes.joined(separator: ", ")))"
    }

    private static let digits = Array("0123456789abcdef")

    private static func hexByte(_ byte: UInt8) -> String {
        String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
