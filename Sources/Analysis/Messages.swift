import Foundation

/// One message as the analysis sees it: the caller's identifier (the store's row, which the
/// caller maps back to its pointer: item label and source row), the text and, when known, the time.
/// Nothing else is kept per message while clustering (docs/ANALYSIS.md, "Memory").
public struct AnalysedMessage: Sendable, Equatable {
    public var id: Int
    public var text: String
    public var time: Date?

    public init(id: Int, text: String, time: Date? = nil) {
        self.id = id
        self.text = text
        self.time = time
    }
}

/// The kinds of variable part masked into typed tokens by `normalise(_:)`. The raw value is the
/// JSON identifier; `token` is what stands for the value in the masked text (`<URL>`, `<PHONE>`, `<NUM>` …).
public enum TokenKind: String, Codable, Sendable, CaseIterable {
    case url
    case email
    case handle
    case phone
    case money
    case number
    case code

    /// The token standing for a value of this kind in `NormalisedText.masked`.
    public var token: String { self == .number ? "<NUM>" : "<\(rawValue.uppercased())>" }
}

/// A value taken out of a message's text and replaced by its kind's token, in the order met.
/// The value is as normalised for its kind: a URL's host lower-cased with its obfuscation undone,
/// a phone number in E.164 when it is Vietnamese, an amount or number in its digits.
public struct MaskedValue: Codable, Sendable, Hashable {
    public var kind: TokenKind
    public var value: String

    public init(kind: TokenKind, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// A text in the forms the analysis uses (docs/ANALYSIS.md, "Normalisation").
public struct NormalisedText: Sendable, Equatable {
    /// The text in Unicode NFC, otherwise as written: what is shown and cited.
    public var nfc: String
    /// Lower case, diacritics removed (đ → d), teencode expanded, spacing tricks and repeated
    /// letters undone, runs of white space made one space: the form lexicon words match on.
    public var folded: String
    /// `folded` with URLs, e-mail addresses, handles, phone numbers, amounts, numbers and codes
    /// replaced by their kind's token: the form templates are compared on.
    public var masked: String
    /// What the tokens of `masked` stood for, in order.
    public var values: [MaskedValue]

    public init(nfc: String, folded: String, masked: String, values: [MaskedValue]) {
        self.nfc = nfc
        self.folded = folded
        self.masked = masked
        self.values = values
    }
}
