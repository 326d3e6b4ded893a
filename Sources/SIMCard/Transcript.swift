import ByteText
import Crypto
import Foundation

/// One exchange with the card as it happened, in the order it happened.
public struct TranscriptEntry: Codable, Sendable, Hashable {
    /// UTC time the command was sent, RFC 3339 with milliseconds.
    public var time: String
    /// Command APDU bytes, hex.
    public var command: String
    /// Response data bytes (without the status word), hex; empty when refused or failed.
    public var response: String
    /// Status word, hex; nil when the command never got an answer.
    public var sw: String?
    /// Time between sending the command and receiving the answer.
    public var microseconds: Int
    /// Why the read-only guard refused the command before it reached the card.
    public var refused: String?
    /// Why the exchange failed in the transport (card removed, reader gone, garbage answer).
    public var error: String?
    /// What was left out of `command` (the examiner's PIN block); nil for every other command.
    public var redacted: String?
}

/// The APDU transcript of one session with a card. Every command is logged, including those
/// the read-only guard refused and those the transport failed to deliver.
public struct Transcript: Codable, Sendable, Hashable {
    public private(set) var entries: [TranscriptEntry] = []

    public init() {}

    mutating func append(_ entry: TranscriptEntry) { entries.append(entry) }

    /// Commands that reached the card (refused ones did not).
    public var sentCount: Int { entries.lazy.filter { $0.refused == nil }.count }

    /// SHA-256 (hex) over the canonical transcript serialisation of docs/ACQUISITION.md:
    /// one line per entry, `time|command|response|sw|microseconds|refused|error|redacted` + LF.
    public var sha256: String {
        var hasher = SHA256()
        for e in entries {
            let line = [e.time, e.command, e.response, e.sw ?? "", String(e.microseconds), e.refused ?? "", e.error ?? "", e.redacted ?? ""]
                .joined(separator: "|") + "\n"
            hasher.update(data: Array(line.utf8))
        }
        return Hex.lowercase(hasher.finalize())
    }
}

enum Timestamp {
    /// RFC 3339 UTC with milliseconds, e.g. 2026-11-29T01:14:32.123Z.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
