/// A parsed JSON value (RFC 8259). Object members keep their wire order so that a re-serialized
/// message (`WhatsAppInboundMessage.rawJSON`) reads like what Meta sent. Numbers keep their literal
/// text, so a huge number never overflows: it is read as an `Int` or `Double` only when asked.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let members):
            hasher.combine(5)
            for member in members { hasher.combine(member.key); hasher.combine(member.value) }
        }
    }

    /// The member named `key` of an object (the first one if repeated); nil otherwise.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A string, or a number's literal text (Meta sends some ids and timestamps either way).
    var textValue: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n
        default: nil
        }
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// A number as a finite `Double` (also from a numeric string, e.g. "-23.56").
    var doubleValue: Double? {
        guard let text = textValue, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// An integer number (also from a numeric string); nil when it does not fit in `Int`.
    var intValue: Int? {
        guard let text = textValue else { return nil }
        return Int(text)
    }
}
