import Testing
@testable import Ledger

@Suite struct TlogProofTests {
    let entries = LedgerVerifierTests.entries
    var tree: MerkleTree { MerkleTree(leafHashes: entries.map(\.leafHash)) }
    let trusted = [Fixture.station1.verifierKey]

    func make(_ index: Int, size: Int = 20) throws -> TlogProof {
        let t = MerkleTree(leafHashes: entries.prefix(size).map(\.leafHash))
        let (cp, note) = try LedgerWriter.checkpoint(origin: Fixture.origin, tree: t, keys: [Fixture.station1])
        return try TlogProof(entry: entries[index], tree: tree, checkpoint: cp, checkpointNote: note)
    }

    @Test(arguments: [0, 1, 7, 12, 19]) func roundTripAndVerify(index: Int) throws {
        let proof = try make(index)
        let text = proof.serialized
        #expect(text.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(text.contains("\nindex \(index)\n"))
        let parsed = try TlogProof(parsing: text)
        #expect(parsed == proof)
        let (entry, cp, checked) = try parsed.verifyEntry(trustedKeys: trusted, origin: Fixture.origin)
        #expect(entry == entries[index])
        #expect(cp.size == 20)
        #expect(checked)
        try parsed.verify(leafHash: entries[index].leafHash, trustedKeys: trusted)
    }

    @Test func proofAgainstSmallerCheckpoint() throws {
        let proof = try make(3, size: 9)
        #expect(try proof.verifyEntry(trustedKeys: trusted).checkpoint.size == 9)
        #expect(throws: TlogProofError.self) { try make(12, size: 9) }
    }

    @Test func tamperedProofsFail() throws {
        let proof = try make(7)
        // Another entry's line in extra.
        let swapped = TlogProof(index: 7, extra: entries[8].lineBytes, hashes: proof.hashes, checkpointNote: proof.checkpointNote)
        #expect(throws: TlogProofError.self) { try swapped.verifyEntry(trustedKeys: trusted) }
        // Wrong index.
        let moved = TlogProof(index: 6, extra: proof.extra, hashes: proof.hashes, checkpointNote: proof.checkpointNote)
        #expect(throws: TlogProofError.self) { try moved.verifyEntry(trustedKeys: trusted) }
        // Untrusted checkpoint key.
        #expect(throws: TlogProofError.checkpoint(.note(.noTrustedSignature))) {
            try proof.verifyEntry(trustedKeys: [Fixture.station2.verifierKey])
        }
        // Every single byte flip in the file is caught.
        let bytes = Array(proof.serialized.utf8)
        for i in bytes.indices {
            var b = bytes
            b[i] ^= 0x01
            #expect(throws: TlogProofError.self) { try TlogProof(parsing: b).verifyEntry(trustedKeys: trusted) }
        }
        for n in 0..<bytes.count {
            #expect(throws: TlogProofError.self) { try TlogProof(parsing: bytes.prefix(n)).verifyEntry(trustedKeys: trusted) }
        }
    }

    @Test func specExampleShapeParses() throws {
        let text = """
        c2sp.org/tlog-proof@v1
        index 0

        example.com/log
        1
        \(RFC6962Vectors.roots[1].base64)

        — example.com/log AAAAAAAA

        """
        let p = try TlogProof(parsing: text)
        #expect(p.index == 0)
        #expect(p.extra == nil)
        #expect(p.hashes.isEmpty)
        #expect(p.serialized == text)
    }

    @Test(arguments: [
        "", "c2sp.org/tlog-proof@v2\nindex 0\n\nx", "c2sp.org/tlog-proof@v1\nindex 01\n\nx",
        "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx", "c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\nx",
        "c2sp.org/tlog-proof@v1\n\nx", "c2sp.org/tlog-proof@v1\nindex 0\n",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: TlogProofError.self) { try TlogProof(parsing: text) }
    }
}
