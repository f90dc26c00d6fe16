/// Prepares a message for the DATA command (RFC 5321 §4.1.1.4, §4.5.2): every line ends in CRLF
/// (a bare CR or LF becomes CRLF), a line that starts with "." gets one more ("dot-stuffing"),
/// and the terminating `CRLF.CRLF` is appended.
public enum SMTPDataEncoder {
    public static func encode<Bytes: Collection>(_ message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 64 + 5)
        var atLineStart = true
        var previousWasCR = false
        for byte in message {
            if previousWasCR {
                previousWasCR = false
                if byte == lf { continue }  // CRLF already written
            }
            switch byte {
            case cr, lf:
                out.append(cr)
                out.append(lf)
                atLineStart = true
                previousWasCR = byte == cr
            default:
                if atLineStart, byte == dot { out.append(dot) }
                out.append(byte)
                atLineStart = false
            }
        }
        if !atLineStart {
            out.append(cr)
            out.append(lf)
        }
        out.append(contentsOf: [dot, cr, lf])
        return out
    }
}
