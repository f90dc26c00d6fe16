import Foundation

extension UUID {
    /// The id as the API and the WebSocket protocols write it: lower-case (issue 10 §2.9). Ids are read in any case.
    var wire: String { uuidString.lowercased() }
}
