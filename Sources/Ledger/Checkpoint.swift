/// A C2SP tlog-checkpoint: the note text `<origin>\n<tree size>\n<base64 root>\n` plus
/// optional extension lines, carried in a signed note.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity, e.g. `custody.local/case/<case id>`.
    public let origin: String
    public let size: Int
    public let root: SHA256Hash
    /// Opaque non-empty lines after the root (not recommended; the ledger writes none).
    public let extensions: [String]

    public init(origin: String, size: Int, root: SHA256Hash, extensions: [String] = []) throws(CheckpointError) {
        guard !origin.isEmpty, !origin.contains("\n") else { throw .malformedBody("origin must be a non-empty line") }
        guard size >= 0 else { throw .malformedBody("tree size must not be negative") }
        guard !extensions.contains(where: { $0.isEmpty || $0.contains("\n") }) else {
            throw .malformedBody("extension lines must be non-empty single lines")
        }
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note text.
    public var text: String {
        "\(origin)\n\(size)\n\(root.base64)\n" + extensions.map { $0 + "\n" }.joined()
    }

    /// Parses note text (not a signed note).
    public init(text: String) throws(CheckpointError) {
        guard text.hasSuffix("\n") else { throw .malformedBody("text must end with a newline") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw .malformedBody("fewer than three lines") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.count <= 18, sizeText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              sizeText == "0" || !sizeText.hasPrefix("0"), let size = Int(sizeText)
        else { throw .malformedBody("tree size is not a decimal without leading zeros") }
        guard let root = SHA256Hash(base64: lines[2]) else { throw .malformedBody("root is not base64 of 32 bytes") }
        try self.init(origin: lines[0], size: size, root: root, extensions: Array(lines[3...]))
    }

    /// The checkpoint as a signed note, signed by `keys`.
    public func signedNote(keys: [StationKey]) throws(CheckpointError) -> SignedNote {
        do { return try SignedNote.sign(text: text, with: keys) } catch { throw .note(error) }
    }

    /// Parses and verifies a signed checkpoint note against `trustedKeys`; if `origin` is
    /// given the checkpoint must carry it.
    public static func open(_ note: some Collection<UInt8>, trustedKeys: [VerifierKey],
                            origin: String? = nil) throws(CheckpointError) -> Checkpoint {
        let signed: SignedNote
        do {
            signed = try SignedNote(parsing: note)
            try signed.verify(with: trustedKeys)
        } catch { throw .note(error) }
        let cp = try Checkpoint(text: signed.text)
        if let origin, cp.origin != origin { throw .originMismatch(expected: origin, found: cp.origin) }
        return cp
    }

    public static func open(_ note: String, trustedKeys: [VerifierKey], origin: String? = nil) throws(CheckpointError) -> Checkpoint {
        try open(Array(note.utf8), trustedKeys: trustedKeys, origin: origin)
    }
}

/// Why a checkpoint is rejected.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case note(NoteError)
    case malformedBody(String)
    case originMismatch(expected: String, found: String)

    public var description: String {
        switch self {
        case .note(let e): "checkpoint note: \(e)"
        case .malformedBody(let r): "checkpoint text: \(r)"
        case .originMismatch(let e, let f): "checkpoint origin is \"\(f)\", expected \"\(e)\""
        }
    }
}
