import Crypto
import Foundation

/// Seals secrets at rest (identity-provider client secrets) with AES-256-GCM under the server's key.
/// Sealed text is `v1.<base64 of nonce|ciphertext|tag>`.
public struct SecretBox: Sendable {
    public enum Failure: Error, Equatable {
        case badKey
        case cannotOpen
    }

    private let key: SymmetricKey

    /// `keyData` must be 32 bytes.
    public init(keyData: Data) throws {
        guard keyData.count == 32 else { throw Failure.badKey }
        self.key = SymmetricKey(data: keyData)
    }

    /// The key from `base64` text (e.g. `SWITCHBOARD_SECRET_KEY`), or the key file under the data folder,
    /// created with mode 0600 on first use.
    public static func load(base64: String?, keyFile: URL) throws -> SecretBox {
        if let base64 {
            guard let data = Data(base64Encoded: base64) else { throw Failure.badKey }
            return try SecretBox(keyData: data)
        }
        if let data = try? Data(contentsOf: keyFile), let decoded = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            return try SecretBox(keyData: decoded)
        }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        FileManager.default.createFile(atPath: keyFile.path, contents: Data(fresh.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        return try SecretBox(keyData: fresh)
    }

    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return "v1." + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1."), let data = Data(base64Encoded: String(sealed.dropFirst(3))),
              let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key)
        else { throw Failure.cannotOpen }
        return String(decoding: plain, as: UTF8.self)
    }
}
