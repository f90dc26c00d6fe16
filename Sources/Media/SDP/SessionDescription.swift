/// Why an SDP text could not be used.
public enum SdpError: Error, Sendable, Equatable {
    case malformedLine(String)
    case noAudio
    case missingIceCredentials
    case missingFingerprint
    case noCommonCodec
}

/// One `a=` line: name and optional value (RFC 8866 §5.13).
public struct SdpAttribute: Sendable, Equatable {
    /// Attribute name (before `:`).
    public var name: String
    /// Attribute value (after `:`), nil for property attributes.
    public var value: String?

    /// Creates an attribute.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// One `m=` section with its attributes (RFC 8866 §5.14).
public struct MediaDescription: Sendable, Equatable {
    /// Media type: `audio`, `video`, `application`.
    public var kind: String
    /// Transport port (9 for "discard" under ICE).
    public var port: Int
    /// Transport protocol, e.g. `UDP/TLS/RTP/SAVPF`.
    public var proto: String
    /// Payload type numbers in preference order.
    public var formats: [String]
    /// The `c=` address, if any.
    public var connection: String?
    /// Attributes in order.
    public var attributes: [SdpAttribute]

    /// All values of the attribute `name`.
    public func values(_ name: String) -> [String] {
        attributes.compactMap { $0.name == name ? ($0.value ?? "") : nil }
    }

    /// The first value of the attribute `name`.
    public func value(_ name: String) -> String? { values(name).first }

    /// Whether the attribute `name` is present.
    public func has(_ name: String) -> Bool { attributes.contains { $0.name == name } }
}

/// A parsed SDP (RFC 8866): session-level attributes and media sections.
public struct SessionDescription: Sendable, Equatable {
    /// The `o=` line value.
    public var origin: String
    /// Session-level attributes.
    public var attributes: [SdpAttribute]
    /// Media sections in order.
    public var media: [MediaDescription]

    /// Parses SDP text, accepting CRLF or LF line ends (RFC 8866 §5). Unknown lines are kept or skipped, never fatal.
    public init(parsing text: String) throws(SdpError) {
        origin = ""
        attributes = []
        media = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.isEmpty { continue }
            guard line.count >= 2, line.dropFirst().first == "=" else { throw .malformedLine(line) }
            let kind = line.first
            let value = String(line.dropFirst(2))
            switch kind {
            case "o": origin = value
            case "m":
                // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
                let fields = value.split(separator: " ").map(String.init)
                guard fields.count >= 3, !fields[0].isEmpty, let port = Self.port(fields[1]) else { throw .malformedLine(line) }
                media.append(MediaDescription(kind: fields[0], port: port, proto: fields[2],
                                              formats: Array(fields.dropFirst(3)), connection: nil, attributes: []))
            case "c":
                let fields = value.split(separator: " ")
                if fields.count >= 3, !media.isEmpty { media[media.count - 1].connection = String(fields[2]) }
            case "a":
                let attribute: SdpAttribute
                if let colon = value.firstIndex(of: ":") {
                    attribute = SdpAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
                } else {
                    attribute = SdpAttribute(value)
                }
                if media.isEmpty { attributes.append(attribute) } else { media[media.count - 1].attributes.append(attribute) }
            default:
                continue
            }
        }
    }

    /// The port of an m= line's `<port>[/<number of ports>]` field: 0-65535, a count of at least 1.
    static func port(_ field: String) -> Int? {
        let parts = field.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let port = Int(parts[0]), (0...65_535).contains(port) else { return nil }
        if parts.count == 2 {
            guard let count = Int(parts[1]), count >= 1 else { return nil }
        }
        return port
    }

    /// The first value of the session-level attribute `name`.
    public func value(_ name: String) -> String? {
        attributes.first { $0.name == name }.map { $0.value ?? "" }
    }
}
