import Crypto
import Directory
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Seals secrets at rest (identity-provider client secrets) with AES-256-GCM under the server's key.
/// Sealed text is `v1.<base64 of nonce|ciphertext|tag>`.
public struct SecretBox: SecretSealing {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badKey
        case cannotOpen
        /// The key file exists but cannot be used; it is left as it is (a new key would lose every sealed secret).
        case unusableKeyFile(path: String, reason: String)
        /// No key file existed and a new one could not be written.
        case cannotCreateKeyFile(path: String, reason: String)

        public var description: String {
            switch self {
            case .badKey: "the secret key must be base64 of exactly 32 bytes"
            case .cannotOpen: "a sealed secret cannot be opened with this key"
            case .unusableKeyFile(let path, let reason):
                "the secret key file \(path) cannot be used (\(reason)). It was left untouched: every sealed secret "
                    + "(identity-provider client secrets, WhatsApp tokens) needs it. Restore the file from a backup, or set "
                    + "SWITCHBOARD_SECRET_KEY to the key; do not delete it unless those secrets may be entered again."
            case .cannotCreateKeyFile(let path, let reason):
                "the secret key file \(path) could not be created (\(reason))"
            }
        }
    }

    private let key: SymmetricKey

    /// `keyData` must be 32 bytes.
    public init(keyData: Data) throws {
        guard keyData.count == 32 else { throw Failure.badKey }
        self.key = SymmetricKey(data: keyData)
    }

    /// The key from `base64` text (e.g. `SWITCHBOARD_SECRET_KEY`), or else the key file under the data
    /// folder. A key file that exists is used or refused — never replaced; it is created (mode 0600,
    /// atomically: written and synced under a temporary name, then linked into place only if no file
    /// appeared meanwhile) only when there is none.
    public static func load(base64: String?, keyFile: URL) throws -> SecretBox {
        if let base64 {
            guard let data = Data(base64Encoded: base64) else { throw Failure.badKey }
            return try SecretBox(keyData: data)
        }
        let path = keyFile.path
        if FileManager.default.fileExists(atPath: path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            return try readKeyFile(path)
        }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        do {
            try createKeyFile(path, contents: Data((fresh.base64EncodedString() + "\n").utf8))
        } catch let error as Failure {
            // Another process created it between our check and our link: use theirs.
            if FileManager.default.fileExists(atPath: path) { return try readKeyFile(path) }
            throw error
        }
        return try SecretBox(keyData: fresh)
    }

    /// A fresh random key, as base64 text (what a key file and SWITCHBOARD_SECRET_KEY hold).
    public static func newKeyBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    /// Writes a new key file (mode 0600, synced); fails if the file exists.
    public static func writeNewKeyFile(_ file: URL, base64: String) throws {
        try createKeyFile(file.path, contents: Data((base64 + "\n").utf8))
    }

    /// Puts the key file `replacement` in place of `keyFile` (rename, atomic), first keeping the current
    /// file as `backup` (a hard link, so the old key is never absent).
    public static func replaceKeyFile(_ keyFile: URL, withFile replacement: URL, backup: URL) throws {
        guard link(keyFile.path, backup.path) == 0 else {
            throw Failure.cannotCreateKeyFile(path: backup.path, reason: "backup: \(String(cString: strerror(errno)))")
        }
        guard rename(replacement.path, keyFile.path) == 0 else {
            throw Failure.cannotCreateKeyFile(path: keyFile.path, reason: "rename: \(String(cString: strerror(errno)))")
        }
    }

    private static func readKeyFile(_ path: String) throws -> SecretBox {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure.unusableKeyFile(path: path, reason: "it cannot be read: \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw Failure.unusableKeyFile(path: path, reason: "it does not hold base64 of 32 bytes")
        }
        return try SecretBox(keyData: decoded)
    }

    private static func createKeyFile(_ path: String, contents: Data) throws {
        let temporary = path + ".new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> Failure {
            let reason = "\(what): \(String(cString: strerror(errno)))"
            unlink(temporary)
            return Failure.cannotCreateKeyFile(path: path, reason: reason)
        }
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("open") }
        let written = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(fd) == 0 else { close(fd); throw fail("write") }
        guard close(fd) == 0 else { throw fail("close") }
        // link(2) fails with EEXIST instead of replacing a file that appeared meanwhile.
        guard link(temporary, path) == 0 else { throw fail("link") }
        unlink(temporary)
        let folder = Glibc.open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 { _ = fsync(folder); close(folder) }
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
