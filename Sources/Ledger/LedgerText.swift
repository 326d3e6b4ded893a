import ByteText

/// The ledger's hex and base64 are ByteText's; the ledger writes and accepts hex in lower case only.
typealias Hex = ByteText.Hex
typealias Base64 = ByteText.Base64

extension ByteText.Hex {
    /// Lower-case hex: hashes and key ids.
    static func encode(_ bytes: some Sequence<UInt8>) -> String { lowercase(bytes) }
    /// Lower-case hex only, as `encode` writes it; nil for anything else.
    static func decode(_ text: some StringProtocol) -> [UInt8]? { lowercaseBytes(text) }
}
