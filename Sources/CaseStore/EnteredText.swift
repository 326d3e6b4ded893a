import Foundation
import Ledger

/// Text as it was typed, kept when Custody stores it in NFC. Vietnamese can be typed precomposed
/// (NFC: "ằ" as one code point) or decomposed (NFD: "a" + breve + grave); both look the same but
/// are different bytes, so a label or name typed one way would not be found when typed the other.
/// Custody stores and prints NFC; the text as entered, where it differed, is kept in every entry
/// the process appends (payload member `enteredAs`, docs/CASE-STORE.md).
public enum EnteredText {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var recorded: [String] = []

    /// `arguments` in NFC; the ones that were not are remembered as entered, for `enteredAs`.
    public static func normalizing(_ arguments: [String]) -> [String] {
        let normalized = arguments.map(\.precomposedStringWithCanonicalMapping)
        let changed = zip(arguments, normalized).filter { Array($0.utf8) != Array($1.utf8) }.map(\.0)
        lock.withLock { recorded = changed }
        return normalized
    }

    /// The text entered in a form other than NFC in this process, as entered.
    static var originals: [String] { lock.withLock { recorded } }

    /// `payload` with `enteredAs` when this process normalized any entered text.
    static func annotate(_ payload: [String: CanonicalJSON]) -> [String: CanonicalJSON] {
        let originals = originals
        guard !originals.isEmpty else { return payload }
        return payload.merging(["enteredAs": .array(originals.map(CanonicalJSON.string))]) { given, _ in given }
    }
}
