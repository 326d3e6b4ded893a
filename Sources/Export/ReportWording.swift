import CaseStore
import Wording

/// The report's own sentences and names, on the words and formats it shares with the labels (`Wording`).
enum ReportWording {
    static func stateName(_ state: SIMStatus.State) -> String {
        switch state {
        case .read: "read"
        case .pinLocked: "PIN-locked"
        case .unreadable: "unreadable (incomplete reads only)"
        case .notRead: "not yet read"
        }
    }

    static func placedElsewhere(_ count: Int, into label: String) -> String {
        count == 1 ? "1 entry that places an item into \(label) is listed with that item below."
            : "\(count) entries that place items into \(label) are listed with those items below."
    }

    static func simsIn(_ count: Int, _ label: String) -> String { Wording.count(count, "SIM") + " in \(label)" }

    static func simsWereRead(_ count: Int) -> String { Wording.count(count, "SIM") + (count == 1 ? " was" : " were") }

    static func deletedMessages(_ count: Int) -> String { Wording.count(count, "deleted message") }

    /// C0 and C1 controls other than tab and line feed, DEL, and the bidirectional formatting
    /// characters (U+200E/F, U+202A–202E, U+2066–2069): shown as marks so that nothing in a
    /// message can hide or reorder what the reader sees.
    static func isInvisible(_ ch: Unicode.Scalar) -> Bool {
        switch ch.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `U+XXXX`, at least four upper-case hex digits.
    static func codePoint(_ ch: Unicode.Scalar) -> String {
        let digits = String(ch.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
