import ByteText
import Crypto
import Foundation

/// One line that went to or came from a module, or one the guard stopped.
public struct ATTranscriptEntry: Codable, Sendable, Hashable {
    public enum Direction: String, Codable, Sendable {
        /// Written to the port (the CR terminator included in `hex`).
        case sent
        /// Read from the port (without its line terminators).
        case received
        /// Refused by `ATGuard`: never written.
        case refused
    }

    /// What a received line was taken for.
    public enum Kind: String, Codable, Sendable {
        case command, echo, information, final, unsolicited
        /// Arrived while no command ran and is not a known URC.
        case stray
    }

    public var direction: Direction
    public var kind: Kind
    /// Microseconds since the session opened (monotonic clock).
    public var offsetMicroseconds: Int64
    /// The bytes, upper-case hex.
    public var hex: String
    /// The bytes as text: printable ASCII as is, every other byte as `<XX>`.
    public var text: String
    /// Why the guard refused the line, or what the line was sent for (an intervention).
    public var note: String?

    /// `direction|kind|offsetMicroseconds|hex|note` (docs/MODEMS.md "Transcript").
    var canonicalLine: String {
        [direction.rawValue, kind.rawValue, String(offsetMicroseconds), hex, note ?? ""].joined(separator: "|") + "\n"
    }

    /// Printable ASCII as is, every other byte as `<XX>`.
    static func printable(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20...0x7E).contains($0) && $0 != 0x3C ? String(UnicodeScalar($0)) : "<\(Hex.string([$0]))>" }.joined()
    }
}

/// The AT transcript of one session with a module: every line sent, received or refused, in
/// order. It goes into the acquisition beside the APDU transcript, with its own hash.
public struct ATTranscript: Codable, Sendable, Hashable {
    public private(set) var entries: [ATTranscriptEntry] = []

    public init() {}

    mutating func append(_ direction: ATTranscriptEntry.Direction, _ kind: ATTranscriptEntry.Kind, bytes: [UInt8],
                         offset: Duration, note: String? = nil) {
        let micros = offset.components.seconds * 1_000_000 + offset.components.attoseconds / 1_000_000_000_000
        entries.append(ATTranscriptEntry(direction: direction, kind: kind, offsetMicroseconds: micros, hex: Hex.string(bytes),
                                         text: ATTranscriptEntry.printable(bytes), note: note))
    }

    /// Commands written to the module (refused ones were not).
    public var sentCount: Int { entries.lazy.filter { $0.direction == .sent }.count }
    /// Lines the guard refused.
    public var refusedCount: Int { entries.lazy.filter { $0.direction == .refused }.count }

    /// SHA-256 (lower-case hex) over the canonical form: one `ATTranscriptEntry.canonicalLine`
    /// per entry, in order, UTF-8. `text` is left out: it is derived from `hex`.
    public var sha256: String {
        var hasher = SHA256()
        for entry in entries { hasher.update(data: Array(entry.canonicalLine.utf8)) }
        return Hex.lowercase(hasher.finalize())
    }
}
