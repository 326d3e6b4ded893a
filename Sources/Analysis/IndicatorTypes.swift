import Foundation

/// The kinds of indicator `extractIndicators(_:)` finds. Raw values are the JSON and CSV identifiers.
public enum IndicatorKind: String, Codable, Sendable, CaseIterable {
    /// A web address, `value` with the scheme (http:// added when absent) and the host lower-cased.
    case url
    /// The host of a URL, lower-cased, without `www.`.
    case domain
    /// A Vietnamese phone number in E.164 (`+84` and 9 digits), old 11-digit prefixes mapped.
    case phone
    /// A bank account number (digits only); `bank` names the bank mentioned nearby.
    case bankAccount = "bank_account"
    /// A Zalo contact: the phone number (E.164) or the zalo.me path written after "zalo".
    case zalo
    /// A Telegram handle, lower-cased, without `@` or `t.me/`.
    case telegram
}

/// One indicator found in a text.
public struct Indicator: Codable, Sendable, Hashable {
    public var kind: IndicatorKind
    /// The normalised value (see `IndicatorKind`).
    public var value: String
    /// The text as written (NFC).
    public var original: String
    /// Where in the text: Unicode code-point offsets into the NFC form of the text, `end` exclusive
    /// (Python's `text[start:end]` on the NFC string gives `original`).
    public var start: Int
    public var end: Int
    /// For `bankAccount`: the bank named nearby, by its usual short name ("Vietcombank", "MB" …).
    public var bank: String?
    /// For `url` and `domain`: the host is a known link shortener (bit.ly, tinyurl.com …).
    public var shortener: Bool

    public init(kind: IndicatorKind, value: String, original: String, start: Int, end: Int, bank: String? = nil, shortener: Bool = false) {
        self.kind = kind
        self.value = value
        self.original = original
        self.start = start
        self.end = end
        self.bank = bank
        self.shortener = shortener
    }
}
