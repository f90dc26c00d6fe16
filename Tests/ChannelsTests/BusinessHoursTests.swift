import Foundation
import Testing
@testable import Channels

@Suite("Business hours per chat queue (issue 6 §2)")
struct BusinessHoursTests {
    /// Mon–Fri 08:00–12:00 and 13:00–18:00, Sat 09:00–13:00, Sun closed, in São Paulo (UTC−3, no DST since 2019).
    let saoPaulo = BusinessHours(
        timeZone: "America/Sao_Paulo",
        week: [
            .mon: [OpenInterval(open: "13:00", close: "18:00"), OpenInterval(open: "08:00", close: "12:00")],
            .tue: [OpenInterval(open: "08:00", close: "12:00"), OpenInterval(open: "13:00", close: "18:00")],
            .wed: [OpenInterval(open: "08:00", close: "12:00"), OpenInterval(open: "13:00", close: "18:00")],
            .thu: [OpenInterval(open: "08:00", close: "12:00"), OpenInterval(open: "13:00", close: "18:00")],
            .fri: [OpenInterval(open: "08:00", close: "12:00"), OpenInterval(open: "13:00", close: "18:00")],
            .sat: [OpenInterval(open: "09:00", close: "13:00")],
        ],
        outsideHours: .acceptForLater, message: "Voltamos às 8h.")

    private func at(_ iso: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        return try #require(formatter.date(from: iso), "bad date \(iso)")
    }

    @Test func validConfigurationValidates() throws {
        try saoPaulo.validate()
        try BusinessHours.always.validate()
    }

    @Test func openAndClosedInTheQueuesTimeZone() throws {
        // 2026-11-23 is a Monday.
        #expect(saoPaulo.isOpen(at: try at("2026-11-23T08:00:00-03:00")))
        #expect(saoPaulo.isOpen(at: try at("2026-11-23T10:00:00-03:00")))
        #expect(!saoPaulo.isOpen(at: try at("2026-11-23T07:59:59-03:00")))
        #expect(!saoPaulo.isOpen(at: try at("2026-11-23T12:00:00-03:00")))   // close is exclusive
        #expect(!saoPaulo.isOpen(at: try at("2026-11-23T12:30:00-03:00")))
        #expect(saoPaulo.isOpen(at: try at("2026-11-23T17:59:59-03:00")))
        #expect(!saoPaulo.isOpen(at: try at("2026-11-23T18:00:00-03:00")))
        // The same instants in UTC: 11:00Z is 08:00 in São Paulo; 10:59Z is not yet open.
        #expect(saoPaulo.isOpen(at: try at("2026-11-23T11:00:00Z")))
        #expect(!saoPaulo.isOpen(at: try at("2026-11-23T10:59:00Z")))
        // 2026-11-24T01:00Z is still Monday 22:00 in São Paulo: closed, though Tuesday in UTC.
        #expect(!saoPaulo.isOpen(at: try at("2026-11-24T01:00:00Z")))
        // Sunday is closed all day.
        #expect(!saoPaulo.isOpen(at: try at("2026-11-29T10:00:00-03:00")))
    }

    @Test func nextOpening() throws {
        // Open now: now.
        let open = try at("2026-11-23T10:00:00-03:00")
        #expect(saoPaulo.nextOpening(after: open) == open)
        // Lunch break → 13:00 the same day.
        #expect(saoPaulo.nextOpening(after: try at("2026-11-23T12:30:00-03:00")) == (try at("2026-11-23T13:00:00-03:00")))
        // Friday evening → Saturday 09:00.
        #expect(saoPaulo.nextOpening(after: try at("2026-11-27T18:30:00-03:00")) == (try at("2026-11-28T09:00:00-03:00")))
        // Across the weekend: Saturday afternoon → Monday 08:00 (Sunday closed).
        #expect(saoPaulo.nextOpening(after: try at("2026-11-28T14:00:00-03:00")) == (try at("2026-11-30T08:00:00-03:00")))
        // Sunday night in UTC terms (already Monday 01:00Z) → Monday 08:00 local.
        #expect(saoPaulo.nextOpening(after: try at("2026-11-30T01:00:00Z")) == (try at("2026-11-30T11:00:00Z")))
        // Before opening on the same day.
        #expect(saoPaulo.nextOpening(after: try at("2026-11-24T06:00:00-03:00")) == (try at("2026-11-24T08:00:00-03:00")))
    }

    @Test func onlyOneDayAWeekWrapsAroundTheWeek() throws {
        let wednesdays = BusinessHours(timeZone: "UTC", week: [.wed: [OpenInterval(open: "10:00", close: "11:00")]])
        // 2026-11-25 is a Wednesday; after 11:00 the next opening is a week later.
        #expect(wednesdays.nextOpening(after: try at("2026-11-25T11:00:00Z")) == (try at("2026-12-02T10:00:00Z")))
        #expect(wednesdays.nextOpening(after: try at("2026-11-25T09:00:00Z")) == (try at("2026-11-25T10:00:00Z")))
    }

    @Test func endOfDayAndOvernightAsTwoSpans() throws {
        let late = BusinessHours(timeZone: "America/Sao_Paulo", week: [
            .sat: [OpenInterval(open: "20:00", close: "24:00")],
            .sun: [OpenInterval(open: "00:00", close: "02:00")],
        ])
        try late.validate()
        #expect(late.isOpen(at: try at("2026-11-28T23:59:59-03:00")))
        #expect(late.isOpen(at: try at("2026-11-29T00:00:00-03:00")))
        #expect(late.isOpen(at: try at("2026-11-29T01:59:59-03:00")))
        #expect(!late.isOpen(at: try at("2026-11-29T02:00:00-03:00")))
        #expect(!late.isOpen(at: try at("2026-11-28T19:59:59-03:00")))
        #expect(late.nextOpening(after: try at("2026-11-29T03:00:00-03:00")) == (try at("2026-12-05T20:00:00-03:00")))
    }

    @Test func neverOpenAndAlwaysOpen() throws {
        let never = BusinessHours(timeZone: "Europe/Lisbon", week: [:])
        try never.validate()
        let now = try at("2026-11-25T12:00:00Z")
        #expect(!never.isOpen(at: now))
        #expect(never.nextOpening(after: now) == nil)
        #expect(BusinessHours.always.isOpen(at: now))
        #expect(BusinessHours.always.isOpen(at: try at("2026-11-29T23:59:59Z")))
        #expect(BusinessHours.always.nextOpening(after: now) == now)
    }

    @Test(arguments: [
        ("Mars/Olympus_Mons", "08:00", "18:00", "unknown time zone \"Mars/Olympus_Mons\""),
        ("", "08:00", "18:00", "unknown time zone \"\""),
        ("UTC", "8:00", "18:00", "mon: opening time \"8:00\" is not HH:mm"),
        ("UTC", "08:00", "25:00", "mon: closing time \"25:00\" is not HH:mm"),
        ("UTC", "08:60", "18:00", "mon: opening time \"08:60\" is not HH:mm"),
        ("UTC", "24:00", "24:00", "mon: opening time \"24:00\" is not HH:mm"),
        ("UTC", "08:00", "24:01", "mon: closing time \"24:01\" is not HH:mm"),
        ("UTC", "08:00 ", "18:00", "mon: opening time \"08:00 \" is not HH:mm"),
        ("UTC", "22:00", "06:00", "mon: 22:00–06:00 closes at or before it opens"),
        ("UTC", "09:00", "09:00", "mon: 09:00–09:00 closes at or before it opens"),
    ] as [(String, String, String, String)])
    func validationMessages(zone: String, open: String, close: String, expected: String) {
        let hours = BusinessHours(timeZone: zone, week: [.mon: [OpenInterval(open: open, close: close)]])
        do {
            try hours.validate()
            Issue.record("expected \(expected)")
        } catch {
            #expect(error.reason.hasPrefix(expected), "got \(error.reason)")
        }
        // An invalid configuration is never open.
        #expect(!hours.isOpen(at: Date(timeIntervalSince1970: 1_764_576_000)))
    }

    @Test func overlapsAreRejectedButTouchingSpansAreNot() throws {
        let overlap = BusinessHours(timeZone: "UTC", week: [.fri: [
            OpenInterval(open: "13:00", close: "18:00"), OpenInterval(open: "08:00", close: "13:30"),
        ]])
        #expect(throws: BusinessHoursError(reason: "fri: 08:00–13:30 overlaps 13:00–18:00")) { try overlap.validate() }
        let touching = BusinessHours(timeZone: "UTC", week: [.fri: [
            OpenInterval(open: "08:00", close: "13:00"), OpenInterval(open: "13:00", close: "18:00"),
        ]])
        try touching.validate()
        #expect(touching.isOpen(at: try at("2026-11-27T13:00:00Z")))
        #expect(BusinessHoursError(reason: "x").description == "invalid business hours: x")
    }

    @Test func jsonShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(saoPaulo)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["timeZone"] as? String == "America/Sao_Paulo")
        #expect(object["outsideHours"] as? String == "accept_for_later")
        #expect(object["message"] as? String == "Voltamos às 8h.")
        let week = try #require(object["week"] as? [String: Any])
        #expect(Set(week.keys) == ["mon", "tue", "wed", "thu", "fri", "sat"])
        let saturday = try #require(week["sat"] as? [[String: String]])
        #expect(saturday == [["open": "09:00", "close": "13:00"]])
        #expect(try JSONDecoder().decode(BusinessHours.self, from: data) == saoPaulo)
    }

    @Test func decodingHandWrittenJSON() throws {
        let json = #"{"timeZone":"America/Sao_Paulo","week":{"sun":[{"open":"10:00","close":"14:00"}]},"outsideHours":"refuse"}"#
        let hours = try JSONDecoder().decode(BusinessHours.self, from: Data(json.utf8))
        #expect(hours.week == [.sun: [OpenInterval(open: "10:00", close: "14:00")]])
        #expect(hours.outsideHours == .refuse)
        #expect(hours.message == nil)
        let badDay = #"{"timeZone":"UTC","week":{"sunday":[]}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BusinessHours.self, from: Data(badDay.utf8)) }
        let badPolicy = #"{"timeZone":"UTC","week":{},"outsideHours":"maybe"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BusinessHours.self, from: Data(badPolicy.utf8)) }
    }
}

@Suite("Business hours follow the zone's daylight-saving rules")
struct BusinessHoursDSTTests {
    @Test func newYorkNineToFiveInWinterAndSummer() throws {
        let hours = BusinessHours(timeZone: "America/New_York", week: [
            .mon: [OpenInterval(open: "09:00", close: "17:00")], .fri: [OpenInterval(open: "09:00", close: "17:00")],
        ])
        try hours.validate()
        let formatter = ISO8601DateFormatter()
        // Monday 2026-07-13, EDT (UTC−4): 13:00Z is 09:00 local → open.
        #expect(hours.isOpen(at: try #require(formatter.date(from: "2026-07-13T13:00:00Z"))))
        // Monday 2026-01-12, EST (UTC−5): 13:00Z is 08:00 local → closed; opens at 14:00Z.
        let winter = try #require(formatter.date(from: "2026-01-12T13:00:00Z"))
        #expect(!hours.isOpen(at: winter))
        #expect(hours.nextOpening(after: winter) == formatter.date(from: "2026-01-12T14:00:00Z"))
        // Friday 2026-03-06 after hours → Monday 2026-03-09, after the spring-forward on Sunday the 8th.
        let friday = try #require(formatter.date(from: "2026-03-06T23:00:00Z"))
        #expect(hours.nextOpening(after: friday) == formatter.date(from: "2026-03-09T13:00:00Z"))
    }
}
