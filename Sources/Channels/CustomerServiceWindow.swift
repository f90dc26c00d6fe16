import Foundation

/// The 24-hour customer service window (free-form replies only within 24 h of the customer's last message).
/// developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages → "Customer service windows":
/// outside it only template messages may be sent.
public enum CustomerServiceWindow {
    /// 24 h.
    public static let length: Duration = .seconds(24 * 60 * 60)

    /// Open when the customer wrote less than 24 h before `now` (the closing instant itself is closed).
    /// A customer who never wrote has no window.
    public static func isOpen(lastCustomerMessage: Date?, now: Date) -> Bool {
        guard let lastCustomerMessage else { return false }
        return now < closes(lastCustomerMessage: lastCustomerMessage)
    }

    /// The instant the window closes: last customer message + 24 h.
    public static func closes(lastCustomerMessage: Date) -> Date {
        lastCustomerMessage.addingTimeInterval(TimeInterval(length.components.seconds))
    }
}
