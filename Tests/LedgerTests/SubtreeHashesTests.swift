import Testing
import Ledger

/// `SubtreeHashes` rebuilds earlier roots from some leaves and their inclusion proofs, as
/// `custody verify --checkpoint` does on an excerpt bundle.
@Suite struct SubtreeHashesTests {
    static func leaves(_ n: Int) -> [SHA256Hash] { (0..<n).map { MerkleTree.leafHash([UInt8($0 & 0xFF), UInt8($0 >> 8)]) } }

    @Test(arguments: [1, 2, 3, 7, 8, 9, 13, 31, 33])
    func everyRootItGivesIsTheTrueOneAndThoseOfPresentLeavesAlwaysCome(size: Int) throws {
        let tree = MerkleTree(leafHashes: Self.leaves(size))
        // Present: leaf 0, every third leaf and the last one (an excerpt's shape).
        let present = Set([0, size - 1] + stride(from: 0, to: size, by: 3))
        var known = SubtreeHashes()
        for i in present { known.add(try tree.inclusionProof(index: i), leafHash: tree.leafHashes[i]) }
        var determined = 0
        for m in 0...size {
            let root = known.root(size: m)
            if let root {
                #expect(try root == tree.root(size: m), "size \(m) of \(size)")
                determined += 1
            }
            // The root of the first m leaves is determined whenever leaf m − 1 is present.
            if m == 0 || present.contains(m - 1) { #expect(root != nil, "size \(m) of \(size) with leaf \(m - 1) present") }
        }
        #expect(determined >= present.count)
    }

    @Test func aGapItsProofsDoNotCoverGivesNoRoot() throws {
        // Leaves 0 and 15 of 16: the root of the first 6 needs leaves 4 and 5, which no proof names.
        let tree = MerkleTree(leafHashes: Self.leaves(16))
        var known = SubtreeHashes()
        for i in [0, 15] { known.add(try tree.inclusionProof(index: i), leafHash: tree.leafHashes[i]) }
        #expect(known.root(size: 6) == nil)
        #expect(try known.root(size: 8) == tree.root(size: 8))
        #expect(known.root(size: 17) == nil)
    }

    @Test func allLeavesGiveEveryRoot() throws {
        let tree = MerkleTree(leafHashes: Self.leaves(11))
        var known = SubtreeHashes()
        for (i, l) in tree.leafHashes.enumerated() { known.add(leafHash: l, index: i) }
        for m in 0...11 { #expect(try known.root(size: m) == tree.root(size: m)) }
    }

    @Test func aProofOfTheWrongLengthAddsNothing() throws {
        let tree = MerkleTree(leafHashes: Self.leaves(8))
        let proof = try tree.inclusionProof(index: 5)
        var known = SubtreeHashes()
        known.add(InclusionProof(index: 5, treeSize: 8, hashes: Array(proof.hashes.dropLast())), leafHash: tree.leafHashes[5])
        #expect(known.root(size: 6) == nil)
    }
}
