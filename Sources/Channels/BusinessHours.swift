import Foundation

/// Business hours of a chat queue (issue 6 §2: "outside them the widget says so and the contact is
/// refused or accepted for later, as the queue is configured"). Times are wall-clock in an IANA zone,
/// so daylight-saving changes follow the zone's rules.
///
/// JSON: `{"timeZone":"America/Sao_Paulo","week":{"mon":[{"open":"08:00","close":"18:00"}]},
/// "outsideHours":"refuse","message":"…"}`; a missing day is closed all day.
public struct BusinessHours: Sendable, Hashable, Codable {
    /// What a queue does with a contact that arrives while closed.
    public enum OutsideHours: String, Sendable, Codable { case refuse, acceptForLater = "accept_for_later" }

    /// IANA id, e.g. "America/Sao_Paulo".
    public var timeZone: String
    /// Encoded as {"mon":[{"open":"08:00","close":"18:00"}], ...}.
    public var week: [Weekday: [OpenInterval]]
    /// Refuse contacts while closed, or accept them to be routed at the next opening.
    public var outsideHours: OutsideHours
    /// Shown to visitors outside hours (optional; default text provided by server).
    public var message: String?

    /// Business hours in `timeZone`.
    public init(timeZone: String, week: [Weekday: [OpenInterval]], outsideHours: OutsideHours = .refuse,
                message: String? = nil) {
        self.timeZone = timeZone
        self.week = week
        self.outsideHours = outsideHours
        self.message = message
    }

    /// Always open (the default when a queue has no hours configured).
    public static let always = BusinessHours(
        timeZone: "UTC",
        week: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [OpenInterval(open: "00:00", close: "24:00")]) }),
        outsideHours: .acceptForLater)

    /// Bad zone, HH:mm format, close <= open, overlaps → clear reason.
    public func validate() throws(BusinessHoursError) {
        guard !timeZone.isEmpty, TimeZone(identifier: timeZone) != nil else {
            throw BusinessHoursError(reason: "unknown time zone \"\(timeZone)\" (use an IANA id such as \"America/Sao_Paulo\")")
        }
        for day in Weekday.allCases {
            var spans: [(open: Int, close: Int, text: String)] = []
            for interval in week[day] ?? [] {
                let text = "\(interval.open)–\(interval.close)"
                guard let open = OpenInterval.minutes(interval.open, allowEndOfDay: false) else {
                    throw BusinessHoursError(reason: "\(day.rawValue): opening time \"\(interval.open)\" is not HH:mm (00:00–23:59)")
                }
                guard let close = OpenInterval.minutes(interval.close, allowEndOfDay: true) else {
                    throw BusinessHoursError(reason: "\(day.rawValue): closing time \"\(interval.close)\" is not HH:mm (00:00–24:00)")
                }
                guard close > open else {
                    throw BusinessHoursError(reason: "\(day.rawValue): \(text) closes at or before it opens (overnight hours are two spans on two days)")
                }
                spans.append((open, close, text))
            }
            spans.sort { $0.open < $1.open }
            for (a, b) in zip(spans, spans.dropFirst()) where b.open < a.close {
                throw BusinessHoursError(reason: "\(day.rawValue): \(a.text) overlaps \(b.text)")
            }
        }
    }

    /// True when `date` falls in an open span of its local day (open inclusive, close exclusive).
    /// A configuration that does not validate is treated as closed.
    public func isOpen(at date: Date) -> Bool {
        guard let calendar = calendar() else { return false }
        let parts = calendar.dateComponents([.weekday, .hour, .minute, .second], from: date)
        guard let weekday = parts.weekday.flatMap(Weekday.init(calendarWeekday:)),
              let hour = parts.hour, let minute = parts.minute, let second = parts.second
        else { return false }
        let secondOfDay = (hour * 60 + minute) * 60 + second
        return spans(on: weekday).contains { $0.open * 60 <= secondOfDay && secondOfDay < $0.close * 60 }
    }

    /// The first instant at or after `after` when the queue is open: `after` itself when open then,
    /// otherwise the start of the next span. Nil if never open (no spans, or an invalid configuration).
    public func nextOpening(after: Date) -> Date? {
        guard let calendar = calendar() else { return nil }
        if isOpen(at: after) { return after }
        let startOfDay = calendar.startOfDay(for: after)
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: startOfDay),
                  let weekday = Weekday(calendarWeekday: calendar.component(.weekday, from: day))
            else { continue }
            for span in spans(on: weekday) {
                var parts = calendar.dateComponents([.year, .month, .day], from: day)
                parts.hour = span.open / 60
                parts.minute = span.open % 60
                parts.second = 0
                if let start = calendar.date(from: parts), start > after { return start }
            }
        }
        return nil
    }

    private func calendar() -> Calendar? {
        guard (try? validate()) != nil, let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private func spans(on day: Weekday) -> [(open: Int, close: Int)] {
        (week[day] ?? []).compactMap { interval in
            guard let open = OpenInterval.minutes(interval.open, allowEndOfDay: false),
                  let close = OpenInterval.minutes(interval.close, allowEndOfDay: true) else { return nil }
            return (open, close)
        }.sorted { $0.open < $1.open }
    }

    private enum CodingKeys: String, CodingKey { case timeZone, week, outsideHours, message }

    private struct DayKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the JSON shape above; an unknown day key is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        outsideHours = try container.decodeIfPresent(OutsideHours.self, forKey: .outsideHours) ?? .refuse
        message = try container.decodeIfPresent(String.self, forKey: .message)
        week = [:]
        if container.contains(.week) {
            let days = try container.nestedContainer(keyedBy: DayKey.self, forKey: .week)
            for key in days.allKeys {
                guard let day = Weekday(rawValue: key.stringValue) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: days,
                        debugDescription: "unknown day \"\(key.stringValue)\" (expected mon, tue, wed, thu, fri, sat, sun)")
                }
                week[day] = try days.decode([OpenInterval].self, forKey: key)
            }
        }
    }

    /// Encodes the JSON shape above, days in week order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timeZone, forKey: .timeZone)
        var days = container.nestedContainer(keyedBy: DayKey.self, forKey: .week)
        for day in Weekday.allCases {
            if let spans = week[day] { try days.encode(spans, forKey: DayKey(stringValue: day.rawValue)) }
        }
        try container.encode(outsideHours, forKey: .outsideHours)
        try container.encodeIfPresent(message, forKey: .message)
    }
}
