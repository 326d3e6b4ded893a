import ByteText

/// A C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline proof that one entry is in the
/// ledger as of a signed checkpoint.
///
/// ```
/// c2sp.org/tlog-proof@v1
/// extra <base64 of the entry's stored line>      (optional)
/// index <entry sequence number>
/// <base64 inclusion-proof hash>                   (zero or more lines)
///
/// <signed checkpoint note, verbatim>
/// ```
/// The ledger writes the entry's stored `ledger.jsonl` line (without newline) as `extra`, so
/// the file alone proves the entry: its body gives the leaf hash SHA-256(0x00 || body).
public struct TlogProof: Hashable, Sendable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let index: Int
    /// Unauthenticated extra data (the entry line for ledger proofs).
    public let extra: [UInt8]?
    public let hashes: [SHA256Hash]
    /// The signed checkpoint note, verbatim.
    public let checkpointNote: String

    public init(index: Int, extra: [UInt8]?, hashes: [SHA256Hash], checkpointNote: String) {
        self.index = index
        self.extra = extra
        self.hashes = hashes
        self.checkpointNote = checkpointNote
    }

    /// The proof for `entry` in `tree` (the ledger's Merkle tree, at least as large as the
    /// checkpoint), with the entry line as extra data.
    public init(entry: SignedEntry, tree: MerkleTree, checkpoint: Checkpoint, checkpointNote: SignedNote) throws(TlogProofError) {
        guard checkpointNote.text == checkpoint.text else { throw .malformed("note does not carry this checkpoint") }
        let proof: InclusionProof
        do {
            proof = try tree.inclusionProof(index: Int(entry.entry.sequence), size: checkpoint.size)
            try proof.verify(leafHash: entry.leafHash, root: checkpoint.root)
        } catch { throw .inclusion(error) }
        self.init(index: proof.index, extra: entry.lineBytes, hashes: proof.hashes, checkpointNote: checkpointNote.serialized)
    }

    /// The file text.
    public var serialized: String {
        var s = TlogProof.header + "\n"
        if let extra { s += "extra \(Base64.encode(extra))\n" }
        s += "index \(index)\n"
        for h in hashes { s += h.base64 + "\n" }
        return s + "\n" + checkpointNote
    }

    /// Parses a proof file (form only; `verify` checks it).
    public init(parsing bytes: some Collection<UInt8>) throws(TlogProofError) {
        let u = Array(bytes)
        guard u.count <= SignedNote.maxSize * 2 else { throw .malformed("file too large") }
        var lines = [ArraySlice<UInt8>]()
        var rest = u[...]
        // Header lines up to the first empty line; the checkpoint follows verbatim.
        while true {
            guard let nl = rest.firstIndex(of: 0x0A) else { throw .malformed("no blank line before the checkpoint") }
            let line = rest[rest.startIndex..<nl]
            rest = rest[(nl + 1)...]
            if line.isEmpty { break }
            lines.append(line)
            guard lines.count <= 3 + 64 else { throw .malformed("too many proof lines") }
        }
        func str(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }
        guard lines.first.map(str) == TlogProof.header else { throw .malformed("first line is not \(TlogProof.header)") }
        var i = 1
        var extra: [UInt8]? = nil
        if i < lines.count, lines[i].starts(with: Array("extra ".utf8)) {
            guard let e = Base64.decode(str(lines[i].dropFirst(6))) else { throw .malformed("extra is not base64") }
            extra = e
            i += 1
        }
        guard i < lines.count, lines[i].starts(with: Array("index ".utf8)) else { throw .malformed("missing index line") }
        let idx = str(lines[i].dropFirst(6))
        guard !idx.isEmpty, idx.utf8.count <= 18, idx.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              idx == "0" || !idx.hasPrefix("0"), let index = Int(idx)
        else { throw .malformed("index is not a decimal without leading zeros") }
        i += 1
        var hashes = [SHA256Hash]()
        for line in lines[i...] {
            guard let h = SHA256Hash(base64: str(line)) else { throw .malformed("proof line is not base64 of 32 bytes") }
            hashes.append(h)
        }
        guard !rest.isEmpty, String(validating: Array(rest), as: UTF8.self) != nil else { throw .malformed("missing checkpoint") }
        self.init(index: index, extra: extra, hashes: hashes, checkpointNote: str(rest))
    }

    public init(parsing text: String) throws(TlogProofError) { try self.init(parsing: Array(text.utf8)) }

    /// Verifies the checkpoint signature against `trustedKeys` and the inclusion of the
    /// leaf with hash `leafHash`. Returns the checkpoint.
    @discardableResult
    public func verify(leafHash: SHA256Hash, trustedKeys: [VerifierKey], origin: String? = nil) throws(TlogProofError) -> Checkpoint {
        let cp: Checkpoint
        do { cp = try Checkpoint.open(checkpointNote, trustedKeys: trustedKeys, origin: origin) } catch { throw .checkpoint(error) }
        do {
            try InclusionProof(index: index, treeSize: cp.size, hashes: hashes).verify(leafHash: leafHash, root: cp.root)
        } catch { throw .inclusion(error) }
        return cp
    }

    /// Verifies a ledger proof standalone: the entry line in `extra` must parse, its stored hash
    /// must match its body, its sequence number must equal `index`, it must be in the signed
    /// checkpoint, and, when its station key is among `trustedKeys` (by key ID), its signature
    /// must verify. Returns the entry, the checkpoint and whether the entry signature was checked.
    public func verifyEntry(trustedKeys: [VerifierKey], origin: String? = nil) throws(TlogProofError)
        -> (entry: SignedEntry, checkpoint: Checkpoint, signatureChecked: Bool)
    {
        guard let extra else { throw .malformed("no entry line in extra") }
        let entry: SignedEntry
        do { entry = try SignedEntry(line: extra) } catch { throw .entry(error) }
        guard entry.computedHash == entry.hash else { throw .entryHashMismatch }
        guard entry.entry.sequence == Int64(index) else { throw .malformed("entry sequence \(entry.entry.sequence) is not index \(index)") }
        let cp = try verify(leafHash: entry.leafHash, trustedKeys: trustedKeys, origin: origin)
        var checked = false
        if let key = trustedKeys.first(where: { $0.keyID == entry.entry.station }) {
            guard key.isValidSignature(entry.signature, for: entry.signedMessage) else { throw .entrySignatureInvalid(key.description) }
            checked = true
        }
        return (entry, cp, checked)
    }
}

/// Why a tlog-proof is rejected.
public enum TlogProofError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case checkpoint(CheckpointError)
    case inclusion(MerkleProofError)
    case entry(EntryError)
    case entryHashMismatch
    case entrySignatureInvalid(String)

    public var description: String {
        switch self {
        case .malformed(let r): "proof file: \(r)"
        case .checkpoint(let e): "proof file: \(e)"
        case .inclusion(let e): "proof file: inclusion: \(e)"
        case .entry(let e): "proof file: entry line: \(e)"
        case .entryHashMismatch: "proof file: entry hash does not match its body"
        case .entrySignatureInvalid(let k): "proof file: entry signature does not verify with station key \(k)"
        }
    }
}
