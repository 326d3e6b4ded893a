import ByteText
import Crypto

/// A C2SP signed-note key ID: the first four bytes, big-endian, of
/// SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key). Written as 8 lowercase hex digits.
public struct KeyID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Parses exactly 8 lowercase hex digits.
    public init?(hex: some StringProtocol) {
        guard let b = Hex.lowercaseBytes(hex), b.count == 4 else { return nil }
        value = b.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The key ID of an Ed25519 key named `name`.
    public init(name: String, ed25519PublicKey: [UInt8]) {
        let h = SHA256Hash.of(Array(name.utf8), [0x0A, 0x01], ed25519PublicKey)
        value = h.bytes[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var bytes: [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    public var hex: String { Hex.lowercase(bytes) }
    public var description: String { hex }
}

/// Why a key, or a key string, is not acceptable.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case malformedKeyString
    case unsupportedAlgorithm(UInt8)
    case invalidKeyBytes
    case keyIDMismatch(stated: String, computed: String)

    public var description: String {
        switch self {
        case .invalidName(let n): "invalid key name \"\(n)\": must be non-empty, without spaces, '+' or control characters"
        case .malformedKeyString: "malformed key string (want name+hexkeyid+base64key)"
        case .unsupportedAlgorithm(let a): "unsupported signature type 0x\(Hex.lowercase([a])) (only 0x01, Ed25519)"
        case .invalidKeyBytes: "key bytes are not a 32-byte Ed25519 key"
        case .keyIDMismatch(let s, let c): "key ID \(s) in the key string does not match the computed \(c)"
        }
    }

    /// A key name is non-empty without `+`, Unicode spaces (the White_Space property:
    /// U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
    /// U+205F, U+3000) or control characters (`isLedgerControl`).
    static func validate(name: String) throws(KeyError) {
        guard !name.isEmpty,
              !name.unicodeScalars.contains(where: { $0 == "+" || $0.properties.isWhitespace || $0.isLedgerControl })
        else { throw .invalidName(name) }
    }
}

/// A public Ed25519 key with its signed-note name: verifies entry signatures and note
/// signatures. Its text form is the signed-note verifier key `name+hexkeyid+base64(0x01||pubkey)`.
public struct VerifierKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let keyID: KeyID
    /// The 32-byte Ed25519 public key (RFC 8032 encoding).
    public let publicKey: [UInt8]

    public init(name: String, publicKey: [UInt8]) throws(KeyError) {
        try KeyError.validate(name: name)
        guard publicKey.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw .invalidKeyBytes
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = KeyID(name: name, ed25519PublicKey: publicKey)
    }

    /// Parses `name+hexkeyid+base64(0x01||pubkey)`; the key ID must match.
    public init(parsing text: some StringProtocol) throws(KeyError) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = KeyID(hex: parts[1]), let raw = Base64.decode(parts[2]), !raw.isEmpty else {
            throw .malformedKeyString
        }
        guard raw[0] == 0x01 else { throw .unsupportedAlgorithm(raw[0]) }
        try self.init(name: String(parts[0]), publicKey: Array(raw.dropFirst()))
        guard keyID == id else { throw .keyIDMismatch(stated: id.hex, computed: keyID.hex) }
    }

    /// `name+hexkeyid+base64(0x01||pubkey)`.
    public var description: String { "\(name)+\(keyID.hex)+\(Base64.encode([0x01] + publicKey))" }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        guard signature.count == 64, let k = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return k.isValidSignature(Array(signature), for: Array(message))
    }
}

/// A station's Ed25519 signing key with its signed-note key name.
///
/// File form (one line, the signed-note signer key format):
/// `PRIVATE+KEY+<name>+<hexkeyid>+<base64(0x01 || 32-byte seed)>` then a newline.
public struct StationKey: Sendable {
    public let name: String
    let privateKey: Curve25519.Signing.PrivateKey
    /// The public half, with name and key ID.
    public let verifierKey: VerifierKey

    /// A new random key.
    public static func generate(name: String) throws(KeyError) -> StationKey {
        try StationKey(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The key derived from a 32-byte RFC 8032 seed (fixed test keys, restoring a key file).
    public init(name: String, seed: [UInt8]) throws(KeyError) {
        guard seed.count == 32, let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .invalidKeyBytes
        }
        try self.init(name: name, privateKey: k)
    }

    init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(KeyError) {
        self.name = name
        self.privateKey = privateKey
        self.verifierKey = try VerifierKey(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// Parses the file form (a trailing newline is allowed); the key ID must match.
    public init(parsing text: some StringProtocol) throws(KeyError) {
        var t = Substring(text)
        if t.hasSuffix("\n") { t = t.dropLast() }
        let parts = t.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
              let id = KeyID(hex: parts[3]), let raw = Base64.decode(parts[4]), !raw.isEmpty
        else { throw .malformedKeyString }
        guard raw[0] == 0x01 else { throw .unsupportedAlgorithm(raw[0]) }
        try self.init(name: String(parts[2]), seed: Array(raw.dropFirst()))
        guard keyID == id else { throw .keyIDMismatch(stated: id.hex, computed: keyID.hex) }
    }

    public var keyID: KeyID { verifierKey.keyID }

    /// The 32-byte seed. Secret.
    public var seed: [UInt8] { Array(privateKey.rawRepresentation) }

    /// The file form, ending in a newline. Secret: store with 0600 permissions.
    public var privateKeyFile: String { "PRIVATE+KEY+\(name)+\(keyID.hex)+\(Base64.encode([0x01] + seed))\n" }

    /// Ed25519 signature (64 bytes) of `message`.
    public func sign(_ message: some Collection<UInt8>) -> [UInt8] {
        // Signing with a valid key over bytes in memory cannot fail in swift-crypto.
        Array(try! privateKey.signature(for: Array(message)))
    }
}
