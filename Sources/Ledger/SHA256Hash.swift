import ByteText
import Crypto

/// A SHA-256 value (32 bytes): entry hashes, Merkle leaf and node hashes, roots.
public struct SHA256Hash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// 32 zero bytes: the `prev` of the first entry.
    public static let zero = SHA256Hash(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    /// Wraps 32 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// Parses exactly 64 lowercase hex digits.
    public init?(hex: some StringProtocol) {
        guard let b = Hex.lowercaseBytes(hex), b.count == 32 else { return nil }
        self.bytes = b
    }

    /// Parses the canonical standard base64 of 32 bytes (44 characters, one `=`).
    public init?(base64: some StringProtocol) {
        guard let b = Base64.decode(base64), b.count == 32 else { return nil }
        self.bytes = b
    }

    /// SHA-256 of the concatenation of `parts`.
    public static func of(_ parts: [UInt8]...) -> SHA256Hash {
        var h = SHA256()
        for p in parts { h.update(data: p) }
        return SHA256Hash(uncheckedBytes: Array(h.finalize()))
    }

    /// Lowercase hex, 64 characters.
    public var hex: String { Hex.lowercase(bytes) }
    /// Standard base64 with padding, 44 characters.
    public var base64: String { Base64.encode(bytes) }
    public var description: String { hex }
}
