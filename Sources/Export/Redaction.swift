import Foundation

/// `--redact pins`: what is taken out of each acquisition record, and how the result is marked.
///
/// Removed: the record's `pins` (PIN1/PIN2/PUK1/PUK2 enabled state and remaining tries) and
/// `pinPresentation` (whether the examiner's PIN was presented and its outcome); in the
/// transcript, the `response` and `sw` of every VERIFY (INS 20) and UNBLOCK PIN (INS 2C)
/// command (the retry-counter answers), replaced by `""` and absent, with `redacted` set to
/// `"pins"`. Everything else is kept. The record gains a member `redaction`:
/// `{"redacted": "pins", "originalRecordSHA256": <SHA-256 of the stored record>, "removed": [...]}`.
/// A redacted record is not the hashed record: verify checks `originalRecordSHA256`,
/// `contentSHA256` and `transcriptSHA256` against the ledger entry, not the file's own hash.
public enum Redaction {
    public static let pins = "pins"
    public static let removed = ["pins", "pinPresentation", "transcript.entries[command INS 20 or 2C].response", "transcript.entries[command INS 20 or 2C].sw"]
    /// Instruction bytes whose answers carry PIN retry counters.
    static let pinInstructions: Set<String> = ["20", "2C"]

    struct Unreadable: Error, CustomStringConvertible {
        var description: String { "the stored record is not a JSON object" }
    }

    /// The record with PIN data removed, as sorted-key pretty JSON.
    static func redactPINs(_ record: Data, recordSHA256: String) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: record) as? [String: Any] else { throw Unreadable() }
        object.removeValue(forKey: "pins")
        object.removeValue(forKey: "pinPresentation")
        if var transcript = object["transcript"] as? [String: Any], let entries = transcript["entries"] as? [[String: Any]] {
            transcript["entries"] = entries.map { entry -> [String: Any] in
                guard let command = entry["command"] as? String, command.count >= 4,
                      pinInstructions.contains(String(command.dropFirst(2).prefix(2)).uppercased()) else { return entry }
                var e = entry
                e["response"] = ""
                e.removeValue(forKey: "sw")
                e["redacted"] = pins
                return e
            }
            object["transcript"] = transcript
        }
        object["redaction"] = ["redacted": pins, "originalRecordSHA256": recordSHA256, "removed": removed] as [String: Any]
        var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }
}
