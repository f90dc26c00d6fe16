/// The product's password rule (PRODUCT.md "Known product conventions"): at least 8 characters with
/// upper case, lower case, a digit and a special character; '&' and '#' are not allowed.
public enum PasswordPolicy {
    /// One unmet requirement, named so the user knows what to fix.
    public enum Violation: String, Sendable, Codable, CaseIterable {
        case tooShort = "too_short"
        case missingUppercase = "missing_uppercase"
        case missingLowercase = "missing_lowercase"
        case missingDigit = "missing_digit"
        case missingSpecial = "missing_special"
        case forbiddenCharacter = "forbidden_character"
        case tooLong = "too_long"
    }

    public static let minimumLength = 8
    /// Bounds the work a password costs to hash.
    public static let maximumLength = 128
    public static let forbiddenCharacters: Set<Character> = ["&", "#"]

    /// Every violation of the policy, in a stable order; empty when the password is acceptable.
    public static func violations(of password: String) -> [Violation] {
        var result: [Violation] = []
        if password.count < minimumLength { result.append(.tooShort) }
        if password.count > maximumLength { result.append(.tooLong) }
        if !password.contains(where: { $0.isUppercase }) { result.append(.missingUppercase) }
        if !password.contains(where: { $0.isLowercase }) { result.append(.missingLowercase) }
        if !password.contains(where: { $0.isNumber }) { result.append(.missingDigit) }
        let isSpecial: (Character) -> Bool = { !$0.isLetter && !$0.isNumber && !$0.isWhitespace && !forbiddenCharacters.contains($0) }
        if !password.contains(where: isSpecial) { result.append(.missingSpecial) }
        if password.contains(where: { forbiddenCharacters.contains($0) }) { result.append(.forbiddenCharacter) }
        return result
    }
}
