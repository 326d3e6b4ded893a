import Foundation
import Ledger

extension CaseStore {
    /// The Merkle tree over the stored entries (leaf = SHA-256(0x00 || body)), and the stored
    /// lines. A leaf needs only the body bytes, taken from the stored line's fixed frame
    /// (LEDGER.md §4) without parsing the body; `ledger verify` is the full check.
    /// With `size`, only the first `size` entries.
    public func tree(size: Int? = nil) throws(CaseStoreError) -> (MerkleTree, [LedgerEntryRecord]) {
        var rows = try lineRecords()
        if let size {
            guard size >= 1, size <= rows.count else { throw .unknownEntry(Int64(size) - 1, count: rows.count) }
            rows.removeLast(rows.count - size)
        }
        var leaves = [SHA256Hash]()
        leaves.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            guard r.seq == Int64(i) else {
                throw .ledger("ledger entry \(i) is missing (the next stored entry is \(r.seq)): run `custody ledger verify`")
            }
            let leaf = StoredLine(Array(r.line))?.leafHash
            guard let leaf else { throw .ledger("ledger entry \(r.seq) is unreadable (not a stored ledger line): run `custody ledger verify`") }
            leaves.append(leaf)
        }
        return (MerkleTree(leafHashes: leaves), rows)
    }

    /// Issues a signed checkpoint for the whole ledger (or its first `size` entries) and stores
    /// it in `checkpoint`. A checkpoint changes nothing in the case; it is not itself a ledger entry.
    /// Like an entry, it is signed only by an active station key.
    public func checkpoint(size: Int? = nil, time: LedgerTime = LedgerTime(Date())) throws(CaseStoreError) -> (Checkpoint, SignedNote, MerkleTree, [LedgerEntryRecord]) {
        let key = try signingKey()
        let (tree, rows) = try tree(size: size)
        let cp: Checkpoint, note: SignedNote
        do { (cp, note) = try LedgerWriter.checkpoint(origin: origin, tree: tree, keys: [key]) } catch {
            throw .ledger("cannot sign a checkpoint: \(error)")
        }
        let record = CheckpointRecord(id: nil, size: Int64(cp.size), root: cp.root.base64, note: note.serialized, createdAt: time.description)
        do {
            try database.write { db in
                if let problem = try stationProblem(db, key) { throw problem }
                try record.insert(db)
            }
        } catch { throw map(error) }
        return (cp, note, tree, rows)
    }

    public func checkpoints() throws(CaseStoreError) -> [CheckpointRecord] {
        try read { db in try CheckpointRecord.fetchAll(db, "ORDER BY id") }
    }

    /// A C2SP tlog-proof for entry `seq` against a fresh checkpoint of the whole ledger.
    public func prove(seq: Int64) throws(CaseStoreError) -> TlogProof {
        let (cp, note, tree, rows) = try checkpoint()
        guard seq >= 0, seq < Int64(rows.count) else { throw .unknownEntry(seq, count: rows.count) }
        let entry: SignedEntry
        do { entry = try SignedEntry(line: Array(rows[Int(seq)].line)) } catch {
            throw .ledger("ledger entry \(seq) is unreadable (\(error)): run `custody ledger verify`")
        }
        do { return try TlogProof(entry: entry, tree: tree, checkpoint: cp, checkpointNote: note) } catch {
            throw .ledger("cannot build the proof for entry \(seq): \(error)")
        }
    }

    /// The trusted keys for this case: the verifier key in `station.pub` beside the store.
    public func trustedKeys() throws(CaseStoreError) -> [VerifierKey] {
        if !hasFolder {
            // No folder, so no station.pub: the key the store recorded for entry 0. This anchors
            // nothing against whoever can rewrite the whole database: pin the key with
            // --trusted-key (the case.pub `case init --store` wrote beside the first key).
            return try CaseStore.parseKeys(caseRecord.stationKey, source: "the case_info row of \(directory)")
        }
        let p = path(CaseStore.publicKeyName)
        guard let text = try? String(contentsOfFile: p, encoding: .utf8) else {
            throw .keyProblem("cannot read \(p), the case's trusted station key: restore it, or pass the key with --trusted-key")
        }
        return try CaseStore.parseKeys(text, source: p)
    }

    public static func parseKeys(_ text: String, source: String) throws(CaseStoreError) -> [VerifierKey] {
        var keys = [VerifierKey]()
        for line in text.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { keys.append(try VerifierKey(parsing: line.trimmingCharacters(in: .whitespaces))) } catch {
                throw .keyProblem("\(source) holds something that is not a verifier key (\(error)): restore the case's station.pub")
            }
        }
        guard !keys.isEmpty else { throw .keyProblem("\(source) holds no verifier key: restore the case's station.pub") }
        return keys
    }

    /// Result of checking an old checkpoint against the current ledger.
    public struct Consistency: Sendable {
        public var old: Checkpoint
        public var size: Int
        public var root: SHA256Hash
        public var proof: ConsistencyProof
    }

    /// Checks a signed checkpoint (note text) against the current ledger: signature by a
    /// trusted key or a station of the case (table `station`, which `ledger verify` checks
    /// against the ledger; a checkpoint may be signed by any station), same origin, not larger
    /// than the ledger, and a verified consistency proof.
    public func consistency(oldNote: String, trustedKeys: [VerifierKey]? = nil) throws(CaseStoreError) -> Consistency {
        var keys: [VerifierKey]
        if let trustedKeys { keys = trustedKeys } else { keys = try self.trustedKeys() }
        for s in try stations() { if let k = try? VerifierKey(parsing: s.key), !keys.contains(k) { keys.append(k) } }
        let old: Checkpoint
        do { old = try Checkpoint.open(oldNote, trustedKeys: keys, origin: origin) } catch {
            throw .ledger("the old checkpoint does not verify: \(error)")
        }
        let (tree, _) = try tree()
        guard old.size <= tree.size else {
            throw .ledger("the old checkpoint covers \(old.size) entries but the ledger holds \(tree.size): the ledger was truncated")
        }
        do {
            let root = try tree.root()
            let proof = try tree.consistencyProof(from: old.size, to: tree.size)
            let oldRoot = try tree.root(size: old.size)
            guard oldRoot == old.root else {
                throw CaseStoreError.ledger("the ledger's first \(old.size) entries have root \(oldRoot.base64), the old checkpoint says \(old.root.base64): the ledger was rewritten")
            }
            if old.size > 0 { try proof.verify(oldRoot: old.root, newRoot: root) }
            return Consistency(old: old, size: tree.size, root: root, proof: proof)
        } catch {
            if let e = error as? CaseStoreError { throw e }
            throw .ledger("consistency proof from \(old.size) to \(tree.size) does not verify: \(error)")
        }
    }
}
