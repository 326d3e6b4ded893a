import Foundation

/// The words and formats Custody prints on paper, shared by the court report (Export) and the
/// exhibit labels (Labels): counts of things, times, the names of item types and identifiers.
/// English only for now; this is where the language catalogs plug in (the Vietnamese
/// paperwork), so that a report and a label say the same thing the same way.
public enum Wording {
    /// "1 SIM", "3 SIMs": `singular` with an "s" unless `count` is 1 (or `plural` when given).
    public static func count(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// Local times printed beside UTC: `2026-09-21 14:03:07 +07:00`, in the case's lab time zone
    /// (an unknown zone prints UTC).
    public static func localTimeFormatter(timeZone: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
        return formatter
    }

    /// An item's type with its make and model when known: "simbox, Hybertone GoIP-8".
    public static func itemKind(type: String, make: String?, model: String?) -> String {
        let makeAndModel = [make, model].compactMap { $0 }.joined(separator: " ")
        return makeAndModel.isEmpty ? type : "\(type), \(makeAndModel)"
    }
}
