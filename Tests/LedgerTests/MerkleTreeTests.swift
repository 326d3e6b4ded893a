import Testing
@testable import Ledger

/// RFC 6962 reference vectors: the eight leaves and the roots, inclusion and consistency
/// proofs used by the Certificate Transparency reference tests, as published in
/// github.com/transparency-dev/merkle (testonly/constants.go and proof/verify_test.go).
enum RFC6962Vectors {
    static let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                    "606162636465666768696a6b6c6d6e6f"].map(hex)
    /// Roots for tree sizes 0…8.
    static let roots: [SHA256Hash] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(h)
    /// Leaf hashes (level 0 of the complete tree).
    static let leafHashes: [SHA256Hash] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ].map(h)

    /// (leaf index 0-based, tree size, proof)
    static let inclusion: [(Int, Int, [String])] = [
        (0, 1, []),
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    /// (old size, new size, proof)
    static let consistency: [(Int, Int, [String])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    ]
}

@Suite struct MerkleTreeTests {
    let tree = MerkleTree(leaves: RFC6962Vectors.leaves)

    @Test func leafHashes() {
        #expect(tree.leafHashes == RFC6962Vectors.leafHashes)
    }

    @Test(arguments: 0...8) func roots(size: Int) throws {
        #expect(try tree.root(size: size) == RFC6962Vectors.roots[size])
        #expect(try MerkleTree(leaves: Array(RFC6962Vectors.leaves.prefix(size))).root() == RFC6962Vectors.roots[size])
    }

    @Test(arguments: RFC6962Vectors.inclusion.indices) func inclusionVectors(i: Int) throws {
        let (index, size, proofHex) = RFC6962Vectors.inclusion[i]
        let proof = try tree.inclusionProof(index: index, size: size)
        #expect(proof.hashes == proofHex.map(h))
        try proof.verify(leafHash: RFC6962Vectors.leafHashes[index], root: RFC6962Vectors.roots[size])
    }

    @Test(arguments: RFC6962Vectors.consistency.indices) func consistencyVectors(i: Int) throws {
        let (m, n, proofHex) = RFC6962Vectors.consistency[i]
        let proof = try tree.consistencyProof(from: m, to: n)
        #expect(proof.hashes == proofHex.map(h))
        try proof.verify(oldRoot: RFC6962Vectors.roots[m], newRoot: RFC6962Vectors.roots[n])
    }

    /// Every generated proof in trees up to 33 leaves verifies, and fails with a wrong
    /// leaf, index, size, root or a flipped bit.
    @Test func allProofsRoundTrip() throws {
        let leaves = (0..<33).map { [UInt8(truncatingIfNeeded: $0), 0xAB] }
        let big = MerkleTree(leaves: leaves)
        for n in 1...33 {
            let root = try big.root(size: n)
            for i in 0..<n {
                let p = try big.inclusionProof(index: i, size: n)
                try p.verify(leafHash: big.leafHashes[i], root: root)
                #expect(throws: MerkleProofError.self) { try p.verify(leafHash: big.leafHashes[(i + 1) % 33], root: root) }
                if n > 1 {
                    #expect(throws: MerkleProofError.self) {
                        try InclusionProof(index: (i + 1) % n, treeSize: n, hashes: p.hashes).verify(leafHash: big.leafHashes[i], root: root)
                    }
                }
                #expect(throws: MerkleProofError.self) {
                    try InclusionProof(index: i, treeSize: n * 2, hashes: p.hashes).verify(leafHash: big.leafHashes[i], root: root)
                }
                for k in p.hashes.indices {
                    var hs = p.hashes
                    var b = hs[k].bytes; b[0] ^= 8; hs[k] = SHA256Hash(bytes: b)!
                    #expect(throws: MerkleProofError.self) {
                        try InclusionProof(index: i, treeSize: n, hashes: hs).verify(leafHash: big.leafHashes[i], root: root)
                    }
                }
                #expect(throws: MerkleProofError.self) {
                    try InclusionProof(index: i, treeSize: n, hashes: p.hashes + [root]).verify(leafHash: big.leafHashes[i], root: root)
                }
            }
            for m in 0...n {
                let oldRoot = try big.root(size: m)
                let c = try big.consistencyProof(from: m, to: n)
                try c.verify(oldRoot: oldRoot, newRoot: root)
                if m > 0 && m < n {
                    #expect(throws: MerkleProofError.self) { try c.verify(oldRoot: root, newRoot: root) }
                    #expect(throws: MerkleProofError.self) { try c.verify(oldRoot: oldRoot, newRoot: oldRoot) }
                    #expect(throws: MerkleProofError.self) {
                        try ConsistencyProof(oldSize: m, newSize: n, hashes: Array(c.hashes.dropLast())).verify(oldRoot: oldRoot, newRoot: root)
                    }
                    #expect(throws: MerkleProofError.self) {
                        try ConsistencyProof(oldSize: m, newSize: n, hashes: c.hashes + [root]).verify(oldRoot: oldRoot, newRoot: root)
                    }
                }
            }
        }
    }

    @Test func proverGivesTheSameProofsAsInclusionProof() throws {
        let big = MerkleTree(leaves: (0..<33).map { [UInt8(truncatingIfNeeded: $0), 0x5C] })
        for n in 1...33 {
            let prover = try big.prover(size: n)
            #expect(prover.root == (try big.root(size: n)))
            for i in 0..<n { #expect(try prover.proof(index: i) == big.inclusionProof(index: i, size: n)) }
            #expect(throws: MerkleProofError.self) { try prover.proof(index: n) }
        }
        #expect(throws: MerkleProofError.self) { try big.prover(size: 0) }
        #expect(throws: MerkleProofError.self) { try big.prover(size: 34) }
    }

    @Test func rejectsOutOfRange() {
        #expect(throws: MerkleProofError.self) { try tree.root(size: 9) }
        #expect(throws: MerkleProofError.self) { try tree.inclusionProof(index: 8, size: 8) }
        #expect(throws: MerkleProofError.self) { try tree.inclusionProof(index: 0, size: 0) }
        #expect(throws: MerkleProofError.self) { try tree.consistencyProof(from: 5, to: 4) }
        #expect(throws: MerkleProofError.self) {
            try InclusionProof(index: 0, treeSize: 0, hashes: []).verify(leafHash: RFC6962Vectors.leafHashes[0], root: MerkleTree.emptyRoot)
        }
        #expect(throws: MerkleProofError.self) {
            try ConsistencyProof(oldSize: 2, newSize: 1, hashes: []).verify(oldRoot: RFC6962Vectors.roots[2], newRoot: RFC6962Vectors.roots[1])
        }
        #expect(throws: MerkleProofError.self) {
            try ConsistencyProof(oldSize: 1, newSize: 2, hashes: []).verify(oldRoot: RFC6962Vectors.roots[1], newRoot: RFC6962Vectors.roots[2])
        }
    }
}
