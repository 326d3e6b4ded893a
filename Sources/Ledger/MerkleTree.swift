/// An RFC 6962 / RFC 9162 §2.1 Merkle tree over SHA-256:
/// leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right),
/// empty tree = SHA-256("").
public struct MerkleTree: Sendable {
    /// The leaf hashes, in order.
    public private(set) var leafHashes: [SHA256Hash]

    public init(leafHashes: [SHA256Hash] = []) { self.leafHashes = leafHashes }

    /// A tree over raw leaf inputs (each hashed with `leafHash`).
    public init(leaves: [[UInt8]]) { leafHashes = leaves.map(MerkleTree.leafHash) }

    public mutating func append(leafHash: SHA256Hash) { leafHashes.append(leafHash) }

    /// Number of leaves.
    public var size: Int { leafHashes.count }

    public static func leafHash(_ leaf: some Collection<UInt8>) -> SHA256Hash { SHA256Hash.of([0x00], Array(leaf)) }

    public static func nodeHash(_ left: SHA256Hash, _ right: SHA256Hash) -> SHA256Hash {
        SHA256Hash.of([0x01], left.bytes, right.bytes)
    }

    /// Root of the empty tree: SHA-256 of no bytes.
    public static let emptyRoot = SHA256Hash.of([])

    /// Root of the tree made of the first `size` leaves (all leaves when nil).
    public func root(size: Int? = nil) throws(MerkleProofError) -> SHA256Hash {
        let n = size ?? leafHashes.count
        guard n >= 0, n <= leafHashes.count else { throw .sizeOutOfRange(size: n, treeSize: leafHashes.count) }
        return n == 0 ? MerkleTree.emptyRoot : subtreeRoot(0, n)
    }

    /// Roots of the trees made of the first `size` leaves, for every size in `sizes`, in one
    /// pass: every perfect subtree (2^j leaves at a multiple of 2^j) within the largest size is
    /// hashed once, and each root is folded from the O(log n) perfect subtrees its size splits
    /// into (RFC 6962 §2.1: MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of
    /// two below n). Same values as `root(size:)` for each size, at the cost of about one root.
    public func roots(sizes: some Sequence<Int>) throws(MerkleProofError) -> [Int: SHA256Hash] {
        let wanted = Set(sizes)
        for n in wanted where n < 0 || n > leafHashes.count { throw .sizeOutOfRange(size: n, treeSize: leafHashes.count) }
        var out = [Int: SHA256Hash]()
        guard let largest = wanted.max(), largest > 0 else {
            if wanted.contains(0) { out[0] = MerkleTree.emptyRoot }
            return out
        }
        // levels[j][i]: root of leaves i·2^j ..< (i+1)·2^j, for the first `largest` leaves.
        var levels: [[SHA256Hash]] = [Array(leafHashes[0..<largest])]
        while let below = levels.last, below.count >= 2 {
            var level = [SHA256Hash]()
            level.reserveCapacity(below.count / 2)
            var i = 0
            while i + 1 < below.count {
                level.append(MerkleTree.nodeHash(below[i], below[i + 1]))
                i += 2
            }
            levels.append(level)
        }
        for n in wanted {
            if n == 0 { out[0] = MerkleTree.emptyRoot; continue }
            var parts = [SHA256Hash]()
            var start = 0
            for j in stride(from: levels.count - 1, through: 0, by: -1) where n & (1 << j) != 0 {
                parts.append(levels[j][start >> j])
                start += 1 << j
            }
            var r = parts.removeLast()
            for p in parts.reversed() { r = MerkleTree.nodeHash(p, r) }
            out[n] = r
        }
        return out
    }

    /// Inclusion proof (RFC 6962 §2.1.1 PATH) for leaf `index` in the tree of the first `size` leaves.
    public func inclusionProof(index: Int, size: Int? = nil) throws(MerkleProofError) -> InclusionProof {
        let n = size ?? leafHashes.count
        guard n >= 1, n <= leafHashes.count else { throw .sizeOutOfRange(size: n, treeSize: leafHashes.count) }
        guard index >= 0, index < n else { throw .indexOutOfRange(index: index, size: n) }
        var path = [SHA256Hash]()
        path.reserveCapacity(64)
        buildPath(index, 0, n, &path)
        return InclusionProof(index: index, treeSize: n, hashes: path)
    }

    /// Inclusion proofs for every leaf of the tree of the first `size` leaves, at the cost of
    /// one root plus O(log n) per proof (`inclusionProof(index:size:)` costs O(n) each).
    public func prover(size: Int? = nil) throws(MerkleProofError) -> InclusionProver {
        let n = size ?? leafHashes.count
        guard n >= 1, n <= leafHashes.count else { throw .sizeOutOfRange(size: n, treeSize: leafHashes.count) }
        return InclusionProver(tree: self, size: n)
    }

    /// Consistency proof (RFC 6962 §2.1.2 PROOF) from the tree of `oldSize` leaves to that of `newSize`.
    public func consistencyProof(from oldSize: Int, to newSize: Int? = nil) throws(MerkleProofError) -> ConsistencyProof {
        let n = newSize ?? leafHashes.count
        guard n >= 0, n <= leafHashes.count else { throw .sizeOutOfRange(size: n, treeSize: leafHashes.count) }
        guard oldSize >= 0, oldSize <= n else { throw .sizeOutOfRange(size: oldSize, treeSize: n) }
        var path = [SHA256Hash]()
        if oldSize > 0 && oldSize < n { buildSubproof(oldSize, 0, n, true, &path) }
        return ConsistencyProof(oldSize: oldSize, newSize: n, hashes: path)
    }

    /// Largest power of two strictly below n (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    func subtreeRoot(_ lo: Int, _ hi: Int) -> SHA256Hash {
        let n = hi - lo
        if n == 1 { return leafHashes[lo] }
        let k = MerkleTree.split(n)
        return MerkleTree.nodeHash(subtreeRoot(lo, lo + k), subtreeRoot(lo + k, hi))
    }

    func buildPath(_ m: Int, _ lo: Int, _ hi: Int, _ out: inout [SHA256Hash]) {
        let n = hi - lo
        if n == 1 { return }
        let k = MerkleTree.split(n)
        if m < k {
            buildPath(m, lo, lo + k, &out)
            out.append(subtreeRoot(lo + k, hi))
        } else {
            buildPath(m - k, lo + k, hi, &out)
            out.append(subtreeRoot(lo, lo + k))
        }
    }

    func buildSubproof(_ m: Int, _ lo: Int, _ hi: Int, _ complete: Bool, _ out: inout [SHA256Hash]) {
        let n = hi - lo
        if m == n {
            if !complete { out.append(subtreeRoot(lo, hi)) }
            return
        }
        let k = MerkleTree.split(n)
        if m <= k {
            buildSubproof(m, lo, lo + k, complete, &out)
            out.append(subtreeRoot(lo + k, hi))
        } else {
            buildSubproof(m - k, lo + k, hi, false, &out)
            out.append(subtreeRoot(lo, lo + k))
        }
    }
}

/// Every node root of one RFC 6962 tree, kept so that each leaf's inclusion proof is a walk
/// down the tree (`MerkleTree.prover(size:)`). Same proofs as `MerkleTree.inclusionProof`.
public struct InclusionProver: Sendable {
    public let size: Int
    public let root: SHA256Hash
    private let tree: MerkleTree
    /// Root of each inner node, keyed by `lo * (size + 1) + hi` of its leaf range.
    private var nodes: [Int: SHA256Hash] = [:]

    init(tree: MerkleTree, size: Int) {
        self.tree = tree
        self.size = size
        var nodes = [Int: SHA256Hash]()
        nodes.reserveCapacity(size)
        func fill(_ lo: Int, _ hi: Int) -> SHA256Hash {
            if hi - lo == 1 { return tree.leafHashes[lo] }
            let k = MerkleTree.split(hi - lo)
            let r = MerkleTree.nodeHash(fill(lo, lo + k), fill(lo + k, hi))
            nodes[lo * (size + 1) + hi] = r
            return r
        }
        root = fill(0, size)
        self.nodes = nodes
    }

    private func node(_ lo: Int, _ hi: Int) -> SHA256Hash {
        hi - lo == 1 ? tree.leafHashes[lo] : nodes[lo * (size + 1) + hi]!
    }

    /// The RFC 6962 §2.1.1 PATH for leaf `index`, from the leaf's sibling up.
    public func proof(index: Int) throws(MerkleProofError) -> InclusionProof {
        guard index >= 0, index < size else { throw .indexOutOfRange(index: index, size: size) }
        var path = [SHA256Hash]()
        var lo = 0, hi = size
        while hi - lo > 1 {
            let k = MerkleTree.split(hi - lo)
            if index < lo + k {
                path.append(node(lo + k, hi))
                hi = lo + k
            } else {
                path.append(node(lo, lo + k))
                lo += k
            }
        }
        return InclusionProof(index: index, treeSize: size, hashes: path.reversed())
    }
}

/// Why a tree operation or a proof failed.
public enum MerkleProofError: Error, Equatable, Sendable, CustomStringConvertible {
    case sizeOutOfRange(size: Int, treeSize: Int)
    case indexOutOfRange(index: Int, size: Int)
    case wrongProofLength
    case rootMismatch(expected: SHA256Hash, computed: SHA256Hash)
    case oldRootMismatch(expected: SHA256Hash, computed: SHA256Hash)

    public var description: String {
        switch self {
        case .sizeOutOfRange(let s, let t): "tree size \(s) is out of range (0…\(t))"
        case .indexOutOfRange(let i, let s): "leaf index \(i) is not below tree size \(s)"
        case .wrongProofLength: "proof has the wrong number of hashes for these sizes"
        case .rootMismatch(let e, let c): "proof leads to root \(c.hex), expected \(e.hex)"
        case .oldRootMismatch(let e, let c): "proof leads to old root \(c.hex), expected \(e.hex)"
        }
    }
}

/// An inclusion proof: sibling hashes from the leaf's sibling up to the root's child.
public struct InclusionProof: Hashable, Sendable {
    public let index: Int
    public let treeSize: Int
    public let hashes: [SHA256Hash]

    public init(index: Int, treeSize: Int, hashes: [SHA256Hash]) {
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// The root this proof leads to from `leafHash` (RFC 9162 §2.1.3.2).
    public func root(leafHash: SHA256Hash) throws(MerkleProofError) -> SHA256Hash {
        guard index >= 0, index < treeSize else { throw .indexOutOfRange(index: index, size: treeSize) }
        var fn = UInt64(index), sn = UInt64(treeSize - 1)
        var r = leafHash
        for p in hashes {
            guard sn != 0 else { throw .wrongProofLength }
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(p, r)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                r = MerkleTree.nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength }
        return r
    }

    /// Throws unless this proof shows `leafHash` at `index` in the tree with `root`.
    public func verify(leafHash: SHA256Hash, root: SHA256Hash) throws(MerkleProofError) {
        let computed = try self.root(leafHash: leafHash)
        guard computed == root else { throw .rootMismatch(expected: root, computed: computed) }
    }
}

/// A consistency proof between the tree of `oldSize` leaves and that of `newSize` leaves.
public struct ConsistencyProof: Hashable, Sendable {
    public let oldSize: Int
    public let newSize: Int
    public let hashes: [SHA256Hash]

    public init(oldSize: Int, newSize: Int, hashes: [SHA256Hash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Throws unless the tree with `newRoot` extends the tree with `oldRoot` (RFC 9162 §2.1.4.2).
    public func verify(oldRoot: SHA256Hash, newRoot: SHA256Hash) throws(MerkleProofError) {
        guard oldSize >= 0, oldSize <= newSize else { throw .sizeOutOfRange(size: oldSize, treeSize: newSize) }
        if oldSize == newSize {
            guard hashes.isEmpty else { throw .wrongProofLength }
            guard oldRoot == newRoot else { throw .rootMismatch(expected: newRoot, computed: oldRoot) }
            return
        }
        if oldSize == 0 {
            guard hashes.isEmpty else { throw .wrongProofLength }
            return
        }
        guard !hashes.isEmpty else { throw .wrongProofLength }
        var path = hashes
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = UInt64(oldSize - 1), sn = UInt64(newSize - 1)
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw .wrongProofLength }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleTree.nodeHash(c, fr)
                sr = MerkleTree.nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                sr = MerkleTree.nodeHash(sr, c)
            }
            fn >>= 1; sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength }
        guard fr == oldRoot else { throw .oldRootMismatch(expected: oldRoot, computed: fr) }
        guard sr == newRoot else { throw .rootMismatch(expected: newRoot, computed: sr) }
    }
}
