/// A day of the week as used in a queue's business hours (issue 6 §2), encoded "mon" … "sun".
public enum Weekday: String, Sendable, Codable, CaseIterable {
    case mon, tue, wed, thu, fri, sat, sun

    /// From `Calendar`'s weekday number (1 = Sunday … 7 = Saturday).
    init?(calendarWeekday: Int) {
        switch calendarWeekday {
        case 1: self = .sun
        case 2: self = .mon
        case 3: self = .tue
        case 4: self = .wed
        case 5: self = .thu
        case 6: self = .fri
        case 7: self = .sat
        default: return nil
        }
    }
}

/// One opening span within a day, local wall-clock "HH:mm" (issue 6 §2). `close` may be "24:00" (end
/// of day); spans never cross midnight — an overnight shift is two spans on two days.
public struct OpenInterval: Sendable, Hashable, Codable {
    /// Opening time "HH:mm" (00:00–23:59).
    public var open: String
    /// Closing time "HH:mm" (exclusive; "24:00" = midnight at the end of the day).
    public var close: String

    /// A span from `open` to `close`, both "HH:mm".
    public init(open: String, close: String) {
        self.open = open
        self.close = close
    }

    /// Minutes since local midnight of "HH:mm" (two digits each, 00–23 : 00–59, or exactly "24:00"
    /// when `allowEndOfDay`); nil when malformed.
    static func minutes(_ text: String, allowEndOfDay: Bool) -> Int? {
        let u = Array(text.utf8)
        guard u.count == 5, u[2] == UInt8(ascii: ":") else { return nil }
        func digit(_ b: UInt8) -> Int? { b >= 48 && b <= 57 ? Int(b - 48) : nil }
        guard let h1 = digit(u[0]), let h2 = digit(u[1]), let m1 = digit(u[3]), let m2 = digit(u[4]) else { return nil }
        let hour = h1 * 10 + h2, minute = m1 * 10 + m2
        if hour == 24 && minute == 0 { return allowEndOfDay ? 1440 : nil }
        guard hour < 24, minute < 60 else { return nil }
        return hour * 60 + minute
    }
}

/// Why a business-hours configuration is refused (it names the day and span).
public struct BusinessHoursError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the day and span.
    public var reason: String

    /// An error with a human-readable reason.
    public init(reason: String) { self.reason = reason }

    public var description: String { "invalid business hours: \(reason)" }
}
