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
    /// form `line(index:hashes:)` writes, `{"hashes":["…",…],"index":N}` (keys in order, each
    /// hash 44 characters of canonical base64, N without leading zeros). Read byte by byte, not
    /// as JSON: a verifier reads one such line per entry.
    public static func parse(_ bytes: some Collection<UInt8>) -> (index: Int, hashes: [SHA256Hash])? {
        let line = Array(bytes)
        var at = 0
        func take(_ expected: [UInt8]) -> Bool {
            guard line.count - at >= expected.count, line[at..<at + expected.count].elementsEqual(expected) else { return false }
            at += expected.count
            return true
        }
        guard take(hashesOpening) else { return nil }
        var hashes = [SHA256Hash]()
        if !take([UInt8(ascii: "]")]) {
            repeat {
                guard take([UInt8(ascii: "\"")]), line.count - at >= 45, line[at + 44] == UInt8(ascii: "\""),
                      let decoded = Base64.decode(bytes: Array(line[at..<at + 44])), let hash = SHA256Hash(bytes: decoded) else { return nil }
                hashes.append(hash)
                at += 45
            } while take([UInt8(ascii: ",")])
            guard take([UInt8(ascii: "]")]) else { return nil }
        }
        guard take(indexOpening), line.last == UInt8(ascii: "}") else { return nil }
        let digits = line[at..<line.count - 1]
        guard (1...18).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
              digits.first != 0x30 || digits.count == 1 else { return nil }
        return (digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }, hashes)
    }

    private static let hashesOpening = Array(#"{"hashes":["#.utf8)
    private static let indexOpening = Array(#","index":"#.utf8)

    /// The line of proofs.idx for entry `seq` whose proof starts at byte `offset` of proofs.jsonl.
    public static func indexLine(seq: Int64, offset: Int) -> String {
        pad(String(seq)) + " " + pad(String(offset)) + "\n"
    }

    private static func pad(_ digits: String) -> String { String(repeating: "0", count: max(0, 20 - digits.count)) + digits }
}
