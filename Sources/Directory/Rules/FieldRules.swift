/// Validation of the fields clients send (names, e-mails, extensions, slugs).
public enum FieldRules {
    public static let maxNameLength = 120
    public static let maxEmailLength = 254
    public static let maxExtensionLength = 16

    /// A practical address check (RFC 5321 §4.5.3.1 lengths, one '@', a dotted domain, no spaces or controls).
    public static func isValidEmail(_ email: String) -> Bool {
        guard email.utf8.count <= maxEmailLength else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!$%'*+-/=?^_`{|}~")
        guard local.allSatisfy({ allowedLocal.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Lowercases and trims an address so uniqueness per tenant ignores case.
    public static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Extensions are dialable: 2 to 16 digits.
    public static func isValidExtension(_ value: String) -> Bool {
        (2...maxExtensionLength).contains(value.count) && value.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A display name: non-empty after trimming, bounded, no control characters.
    public static func isValidName(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return !trimmed.isEmpty && trimmed.count <= maxNameLength && !trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Tenant slugs: 2–40 of lowercase letters, digits and '-'.
    public static func isValidSlug(_ value: String) -> Bool {
        (2...40).contains(value.count) && value.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

import Foundation
