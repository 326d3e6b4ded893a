import ByteText

/// One signature line of a signed note: `— <name> base64(keyID || signature)`.
public struct NoteSignature: Hashable, Sendable {
    public let name: String
    public let keyID: KeyID
    /// The signature bytes after the key ID (64 for Ed25519).
    public let signature: [UInt8]

    public init(name: String, keyID: KeyID, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line, with its em dash and trailing newline.
    public var line: String { "\u{2014} \(name) \(Base64.encode(keyID.bytes + signature))\n" }
}

/// A C2SP signed note (c2sp.org/signed-note): text ending in a newline, a blank line, then
/// one or more signature lines.
public struct SignedNote: Hashable, Sendable {
    /// The signed text, including its final newline.
    public let text: String
    public let signatures: [NoteSignature]

    /// Largest note accepted by the parser, and most signature lines.
    public static let maxSize = 1 << 20
    public static let maxSignatures = 100

    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` (which must end in a newline and be valid note text) with each key.
    public static func sign(text: String, with keys: [StationKey]) throws(NoteError) -> SignedNote {
        try validateText(Array(text.utf8))
        guard !keys.isEmpty else { throw .noSignatures }
        let sigs = keys.map { NoteSignature(name: $0.name, keyID: $0.keyID, signature: $0.sign(Array(text.utf8))) }
        return SignedNote(text: text, signatures: sigs)
    }

    /// The note as text: body, blank line, signature lines.
    public var serialized: String { text + "\n" + signatures.map(\.line).joined() }

    static func validateText(_ u: [UInt8]) throws(NoteError) {
        guard !u.isEmpty, u.last == 0x0A else { throw .textNotNewlineTerminated }
        for (i, c) in u.enumerated() where c < 0x20 && c != 0x0A {
            throw .controlCharacter(offset: i)
        }
        guard String(validating: u, as: UTF8.self) != nil else { throw .invalidUTF8 }
    }

    /// Parses a note. Checks the form only; call `verify(with:)` before trusting the text.
    public init(parsing bytes: some Collection<UInt8>) throws(NoteError) {
        let u = Array(bytes)
        guard u.count <= SignedNote.maxSize else { throw .tooLarge }
        guard String(validating: u, as: UTF8.self) != nil else { throw .invalidUTF8 }
        for (i, c) in u.enumerated() where c < 0x20 && c != 0x0A { throw .controlCharacter(offset: i) }
        // The text ends at the last blank line.
        var split: Int? = nil
        var i = u.count - 2
        while i >= 0 {
            if u[i] == 0x0A && u[i + 1] == 0x0A { split = i; break }
            i -= 1
        }
        guard let s = split else { throw .missingBlankLine }
        let textBytes = Array(u[...s])
        var rest = u[(s + 2)...]
        guard !rest.isEmpty, rest.last == 0x0A else { throw .malformedSignatureLine }
        var sigs = [NoteSignature]()
        let dash: [UInt8] = [0xE2, 0x80, 0x94, 0x20]
        while let nl = rest.firstIndex(of: 0x0A) {
            let line = rest[rest.startIndex..<nl]
            rest = rest[(nl + 1)...]
            guard line.starts(with: dash) else { throw .malformedSignatureLine }
            let fields = line.dropFirst(dash.count).split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty else { throw .malformedSignatureLine }
            let name = String(decoding: fields[0], as: UTF8.self)
            do { try KeyError.validate(name: name) } catch { throw .malformedSignatureLine }
            guard let raw = Base64.decode(String(decoding: fields[1], as: UTF8.self)), raw.count > 4 else {
                throw .malformedSignatureLine
            }
            sigs.append(NoteSignature(name: name, keyID: KeyID(raw[0..<4].reduce(0) { $0 << 8 | UInt32($1) }),
                                      signature: Array(raw[4...])))
            guard sigs.count <= SignedNote.maxSignatures else { throw .tooManySignatures }
        }
        guard !sigs.isEmpty else { throw .noSignatures }
        self.text = String(decoding: textBytes, as: UTF8.self)
        self.signatures = sigs
    }

    public init(parsing text: String) throws(NoteError) { try self.init(parsing: Array(text.utf8)) }

    /// Verifies the note against `keys`: signatures by unknown keys (name and key ID not both
    /// matching a key) are ignored; one bad signature by a known key rejects the note; at least
    /// one known key must have signed. Returns the keys whose signatures verified.
    @discardableResult
    public func verify(with keys: [VerifierKey]) throws(NoteError) -> [VerifierKey] {
        var verified = [VerifierKey]()
        let message = Array(text.utf8)
        for sig in signatures {
            for key in keys where key.name == sig.name && key.keyID == sig.keyID {
                guard key.isValidSignature(sig.signature, for: message) else {
                    throw .invalidSignature(name: sig.name, keyID: sig.keyID)
                }
                if !verified.contains(key) { verified.append(key) }
            }
        }
        guard !verified.isEmpty else { throw .noTrustedSignature }
        return verified
    }
}

/// Why a signed note is rejected.
public enum NoteError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge
    case invalidUTF8
    case controlCharacter(offset: Int)
    case textNotNewlineTerminated
    case missingBlankLine
    case malformedSignatureLine
    case noSignatures
    case tooManySignatures
    case invalidSignature(name: String, keyID: KeyID)
    case noTrustedSignature

    public var description: String {
        switch self {
        case .tooLarge: "note is larger than \(SignedNote.maxSize) bytes"
        case .invalidUTF8: "note is not valid UTF-8"
        case .controlCharacter(let o): "note has a control character at byte \(o)"
        case .textNotNewlineTerminated: "note text must be non-empty and end with a newline"
        case .missingBlankLine: "note has no blank line before its signatures"
        case .malformedSignatureLine: "malformed signature line (want \"— name base64\")"
        case .noSignatures: "note has no signatures"
        case .tooManySignatures: "note has more than \(SignedNote.maxSignatures) signatures"
        case .invalidSignature(let n, let id): "signature by known key \(n) (\(id.hex)) does not verify"
        case .noTrustedSignature: "note is not signed by any trusted key"
        }
    }
}
