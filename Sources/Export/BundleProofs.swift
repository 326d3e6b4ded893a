import ByteText
import Foundation
import Ledger

extension BundleLayout {
    /// The inclusion proofs of a bundle since issue 19: one line per line of ledger.jsonl, in
    /// the same order (docs/LEDGER.md, "Proofs in a bundle").
    public static let proofLines = "proofs.jsonl"
    /// The offset index of `proofLines`: one fixed-width line per proof (`ProofFile.indexLine`).
    public static let proofIndex = "proofs.idx"
}

/// `proofs.jsonl` and `proofs.idx`, the one indexed file of inclusion proofs that replaced the
/// folder `proofs/` of one C2SP tlog-proof file per entry (200,001 files at ten times the
/// seizure). Line i of proofs.jsonl proves line i of ledger.jsonl against the bundle's
/// `checkpoint`: `{"hashes":["<base64>",…],"index":<seq>}` (canonical JSON). The C2SP
/// tlog-proof of entry `seq` is that line's `index` and `hashes` with line i of ledger.jsonl as
/// its `extra` and the checkpoint file as its note. Line i of proofs.idx is
/// `<seq> <offset>\n`, both 20 decimal digits with leading zeros: the entry's sequence number
/// and the byte offset of its line in proofs.jsonl, so that a reader finds one entry's proof by
/// binary search without reading the file.
public enum ProofFile {
    /// Bytes of one line of proofs.idx, newline included.
    public static let indexLineLength = 42

    /// The line of proofs.jsonl (without its newline) for the proof of entry `index`.
    public static func line(index: Int, hashes: [SHA256Hash]) -> [UInt8] {
        CanonicalJSON.object(["index": .integer(Int64(index)), "hashes": .array(hashes.map { .string($0.base64) })]).canonicalBytes
    }

    /// Parses a line of proofs.jsonl (without its newline): it must be exactly the canonical
    /// form `line(index:hashes:)` writes.
    public static func parse(_ bytes: some Collection<UInt8>) -> (index: Int, hashes: [SHA256Hash])? {
        guard let json = try? CanonicalJSON(parsing: Array(bytes)), case .object(let fields) = json, fields.count == 2,
              let index = fields["index"]?.integerValue, index >= 0, let values = fields["hashes"]?.arrayValue else { return nil }
        var hashes = [SHA256Hash]()
        for v in values {
            guard let text = v.stringValue, let h = SHA256Hash(base64: text) else { return nil }
            hashes.append(h)
        }
        guard line(index: Int(index), hashes: hashes) == Array(bytes) else { return nil }
        return (Int(index), hashes)
    }

    /// The line of proofs.idx for entry `seq` whose proof starts at byte `offset` of proofs.jsonl.
    public static func indexLine(seq: Int64, offset: Int) -> String {
        pad(String(seq)) + " " + pad(String(offset)) + "\n"
    }

    private static func pad(_ digits: String) -> String { String(repeating: "0", count: max(0, 20 - digits.count)) + digits }
}
