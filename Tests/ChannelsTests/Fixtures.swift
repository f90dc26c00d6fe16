import Foundation
import Testing

/// Loads a JSON payload from Tests/ChannelsTests/Fixtures (shapes from Meta's "messages" webhook reference).
enum Fixture {
    static let names = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive_button",
        "interactive_list", "button", "reaction", "reaction_removed", "unsupported", "statuses", "batch",
    ]

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                               "missing fixture \(name).json")
        return Array(try Data(contentsOf: url))
    }
}

/// A small deterministic PRNG (SplitMix64) so that fuzz runs are reproducible from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds a one-message webhook body around a message object given as JSON text.
func webhookBody(message: String, contacts: String = "[]") -> [UInt8] {
    Array("""
    {"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{
    "messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"PN"},
    "contacts":\(contacts),"messages":[\(message)]}}]}]}
    """.utf8)
}
