import Foundation
import SegueModel

/// The server's secret for deriving the CSRF tokens of sessions that are not stored yet.
///
/// It lives in the data folder (`session-secret`, mode 0600), which every node of a deployment shares, so a
/// page served by one node can post to another, and a restart does not invalidate open pages.
enum SessionSecret {
    static let fileName = "session-secret"

    /// Reads the secret from `dataDirectory`, creating it (32 random bytes) when missing. Two nodes starting at
    /// once both end up with the bytes the first one wrote.
    static func load(dataDirectory: String, random: () -> [UInt8] = SessionSecret.randomBytes) throws -> [UInt8] {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let bytes = random()
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard written == bytes.count else {
                try? FileManager.default.removeItem(atPath: path)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            return bytes
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 16 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        return bytes
    }

    /// 32 bytes from the system's cryptographic random source.
    static func randomBytes() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}

/// HMAC (RFC 2104) over SHA-256.
enum HMAC {
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let block = 64
        var k = key.count > block ? SHA256.digest(key) : key
        k += [UInt8](repeating: 0, count: block - k.count)
        let inner = SHA256.digest(k.map { $0 ^ 0x36 } + message)
        return SHA256.digest(k.map { $0 ^ 0x5c } + inner)
    }
}
