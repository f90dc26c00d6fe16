import Crypto
import CryptoExtras
import Directory
import Foundation

/// Password hashing with scrypt (RFC 7914), a memory-hard KDF. Hashes are self-describing strings,
/// `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64), so the cost can rise later without breaking old hashes.
public struct ScryptPasswordHasher: PasswordHashing {
    /// log2 of the CPU/memory cost N.
    public let logN: Int
    public let blockSize: Int
    public let parallelism: Int
    /// Where the hashing runs (never on the request's own thread).
    public let pool: PasswordWorkPool

    /// Defaults follow RFC 7914 §2's interactive-login advice (N = 2^15, r = 8, p = 1: 32 MiB, about 0.1 s).
    public init(logN: Int = 15, blockSize: Int = 8, parallelism: Int = 1, pool: PasswordWorkPool = .shared) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
        self.pool = pool
    }

    public func hash(_ password: String) async throws -> String {
        let hasher = self
        return try await pool.run { try hasher.hashNow(password) }
    }

    public func verify(_ password: String, against encoded: String) async throws -> Bool {
        let hasher = self
        return try await pool.run { hasher.verifyNow(password, against: encoded) }
    }

    /// Hashes on the calling thread (the pool's).
    func hashNow(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try derive(password, salt: salt, logN: logN, r: blockSize, p: parallelism)
        return "$scrypt$ln=\(logN),r=\(blockSize),p=\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Verifies on the calling thread (the pool's).
    func verifyNow(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return false }
        var params: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let value = Int(kv[1]) { params[String(kv[0])] = value }
        }
        guard let ln = params["ln"], let r = params["r"], let p = params["p"], (1...20).contains(ln), (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let key = try? derive(password, salt: Array(salt), logN: ln, r: r, p: p)
        else { return false }
        return constantTimeEquals(Array(key), Array(expected))
    }

    private func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p,
            maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// Compares two byte strings in time independent of where they differ.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
