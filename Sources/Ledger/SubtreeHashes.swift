/// The subtree hashes MTH(D[lo:hi]) (RFC 6962 §2.1) learned from some leaves of a log and
/// their verified inclusion proofs, without the rest of the log.
///
/// An excerpt of a ledger (an evidence bundle made with `--items`) holds only some entries,
/// each with an inclusion proof into the full tree. Every step of such a proof names the
/// hash of one subtree (a sibling, or the node just computed), so together they fix the
/// hashes of many subtrees. `root(size:)` then rebuilds the root of the first `size` leaves
/// from them when it can: always when the leaf `size − 1` is present (its proof holds every
/// left sibling, which is what RFC 9162's consistency proofs rely on), and for whole ledgers.
/// This lets a holder of an earlier checkpoint check it against an excerpt offline.
public struct SubtreeHashes: Sendable {
    /// MTH(D[lo:hi]) by the half-open leaf range.
    private var known: [Range<Int>: SHA256Hash] = [:]

    public init() {}

    /// Records one leaf hash at its index.
    public mutating func add(leafHash: SHA256Hash, index: Int) {
        known[index..<(index + 1)] = leafHash
    }

    /// Records the leaf and every subtree hash along `proof`. Call it only with a proof that
    /// verified against the root it is trusted for; a proof of the wrong length adds nothing.
    public mutating func add(_ proof: InclusionProof, leafHash: SHA256Hash) {
        guard proof.index >= 0, proof.index < proof.treeSize else { return }
        var learned = [Range<Int>: SHA256Hash]()
        var path = proof.hashes[...]
        // RFC 6962 §2.1.1 PATH(m, D[lo:hi]): the sibling of the top split comes last.
        func walk(_ lo: Int, _ hi: Int) -> SHA256Hash? {
            if hi - lo == 1 { learned[lo..<hi] = leafHash; return leafHash }
            let k = MerkleTree.split(hi - lo)
            guard let sibling = path.popLast() else { return nil }
            let hash: SHA256Hash
            if proof.index < lo + k {
                guard let left = walk(lo, lo + k) else { return nil }
                learned[(lo + k)..<hi] = sibling
                hash = MerkleTree.nodeHash(left, sibling)
            } else {
                guard let right = walk(lo + k, hi) else { return nil }
                learned[lo..<(lo + k)] = sibling
                hash = MerkleTree.nodeHash(sibling, right)
            }
            learned[lo..<hi] = hash
            return hash
        }
        guard walk(0, proof.treeSize) != nil, path.isEmpty else { return }
        known.merge(learned) { old, _ in old }
    }

    /// The root of the first `size` leaves, or nil when the recorded hashes do not determine it.
    public func root(size: Int) -> SHA256Hash? {
        guard size > 0 else { return size == 0 ? MerkleTree.emptyRoot : nil }
        func mth(_ lo: Int, _ hi: Int) -> SHA256Hash? {
            if let h = known[lo..<hi] { return h }
            guard hi - lo > 1 else { return nil }
            let k = MerkleTree.split(hi - lo)
            guard let left = mth(lo, lo + k), let right = mth(lo + k, hi) else { return nil }
            return MerkleTree.nodeHash(left, right)
        }
        return mth(0, size)
    }
}
