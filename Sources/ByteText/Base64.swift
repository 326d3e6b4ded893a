import Foundation

/// Standard base64 (RFC 4648 §4) with padding, through Foundation. Decoding is strict: only the
/// canonical encoding of a byte string is accepted (no whitespace or line breaks, no URL-safe
/// alphabet, padding present, unused bits zero), so that one value has exactly one textual form
/// (docs/LEDGER.md).
public enum Base64 {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of `text` when it is their canonical encoding, else nil. Foundation accepts
    /// some non-canonical forms (non-zero unused bits); re-encoding and comparing refuses them.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let text = String(text)
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        return Array(data)
    }
}
