import ByteText
@testable import Ledger
import Testing

/// The worked example of docs/LEDGER.md: a fixed key, fixed times, three entries. The
/// hashes below are the ones printed in the document; if this test fails the document is
/// out of date.
enum WorkedExample {
    static let key = try! StationKey(name: "lab.example/custody/station-1", seed: Array(0..<32))
    static let origin = "custody.local/case/2026-0042"

    static func build() throws -> (entries: [SignedEntry], tree: MerkleTree, checkpoint: Checkpoint, note: SignedNote) {
        let e0 = try LedgerWriter.genesis(
            caseID: "2026-0042", caseFields: ["name": .string("Operation Tern")],
            examiners: [["id": .string("E1"), "name": .string("Ada Example"), "role": .string("technician")]],
            stations: [key.verifierKey], examiner: "E1", time: LedgerTime("2026-11-29T01:14:32.000Z")!, key: key)
        let e1 = try LedgerWriter.next(
            after: e0, time: LedgerTime("2026-11-29T01:20:05.250Z")!, examiner: "E1", action: .simAcquire,
            subjects: ["SIM-1"],
            payload: ["content_sha256": .string(SHA256Hash.of(Array("content".utf8)).hex),
                      "transcript_sha256": .string(SHA256Hash.of(Array("transcript".utf8)).hex),
                      "iccid": .string("8944123456789012345"), "files": .integer(14), "complete": .bool(true)],
            key: key)
        let e2 = try LedgerWriter.next(
            after: e1, time: LedgerTime("2026-11-29T01:31:40.000Z")!, examiner: "E1", action: .custodySeal,
            subjects: ["SIM-1", "BAG-7"], payload: ["seal": .string("S-000123"), "note": .string("bag \"A\"\tsealed")],
            key: key)
        let entries = [e0, e1, e2]
        let tree = MerkleTree(leafHashes: entries.map(\.leafHash))
        let (cp, note) = try LedgerWriter.checkpoint(origin: origin, tree: tree, keys: [key])
        return (entries, tree, cp, note)
    }

    static let entryHashes = [
        "3a68b3ad3541c32a28b59d5ab0e1d1ad771804f70521c7da8142e16f3612360e",
        "3dc0394054c014237a54e1e652877688679b1aa5420eb695461d326eccbd5e4f",
        "37c64109a39208a80f5bef53c1a24499bf0b6dc7e005927802bb379c454d1ac4",
    ]
    static let root = "ddfe1ae84617a9e5d9455013a76ad80bc5b951e77b1c7913420096fc878a4389"
    static let verifierKey = "lab.example/custody/station-1+644c8a0d+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
    /// Ed25519 (RFC 8032) signatures are deterministic; BoringSSL (Linux) reproduces them.
    static let signatures = [
        "CwQQGYGC3YcDt3OL1dUK3kTuh5xc62EjNkUs1Zlny7WUtBvkfc5tp+77UTkwNAQzlca5awVTyFC/emCoKVDHAQ==",
        "6+cJsDgv7QJL7BbRr4n0ndmhBbcEQS7cOHpiSv1ZjWMH0IFmlmcLkafe1RaGzfOs4Oxe08nie2g4lce7kW1RDg==",
        "FYPYvSRkV7h6bzAMVuuvB4PAsUZxoy0B4C6PPWgrR/FCrWMqIAZ953xzyvjXTHN/J9XHyvH7DbDcuk+VrgCXCg==",
    ]
    static let checkpointNote = """
        custody.local/case/2026-0042
        3
        3f4a6EYXqeXZRVATp2rYC8W5Ued7HHkTQgCW/IeKQ4k=

        — lab.example/custody/station-1 ZEyKDYThhlvSw+oytnzuCgZc9ODF/AqCNm1HGHpIefg/CXrX03Ou1AT8aDKXW27LQiMhOefgjY8wtMBZWM5C4gKOfws=

        """
}

@Suite struct WorkedExampleTests {
    @Test func printAndCheck() throws {
        let (entries, tree, cp, note) = try WorkedExample.build()
        print("=== worked example ===")
        print("seed: \(Hex.lowercase(WorkedExample.key.seed))")
        print("private key file: \(WorkedExample.key.privateKeyFile)", terminator: "")
        print("verifier key: \(WorkedExample.key.verifierKey)")
        print("public key hex: \(Hex.lowercase(WorkedExample.key.verifierKey.publicKey))")
        for e in entries {
            print("--- entry \(e.entry.sequence)")
            print("body: \(String(decoding: e.body, as: UTF8.self))")
            print("hash: \(e.hash.hex)")
            print("sig: \(Base64.encode(e.signature))")
            print("leaf: \(e.leafHash.hex)")
            print("line: \(e.line)")
        }
        print("node01: \(MerkleTree.nodeHash(entries[0].leafHash, entries[1].leafHash).hex)")
        print("root: \(try tree.root().hex) \(try tree.root().base64)")
        print("checkpoint:\n\(note.serialized)", terminator: "")
        let proof = try TlogProof(entry: entries[1], tree: tree, checkpoint: cp, checkpointNote: note)
        print("proof:\n\(proof.serialized)", terminator: "")
        print("=== end ===")

        #expect(entries.map(\.hash.hex) == WorkedExample.entryHashes)
        #expect(try tree.root().hex == WorkedExample.root)
        #expect(WorkedExample.key.verifierKey.description == WorkedExample.verifierKey)
        let vk = try VerifierKey(parsing: WorkedExample.verifierKey)
        for (e, sig) in zip(entries, WorkedExample.signatures) {
            #expect(vk.isValidSignature(Base64.decode(sig)!, for: e.signedMessage))
        }
        #expect(try Checkpoint.open(WorkedExample.checkpointNote, trustedKeys: [vk]) == cp)
        #if os(Linux)
        #expect(entries.map { Base64.encode($0.signature) } == WorkedExample.signatures)
        #expect(note.serialized == WorkedExample.checkpointNote)
        #endif
        #expect(LedgerVerifier.verify(lines: entries.map(\.line), trustedKeys: [WorkedExample.key.verifierKey],
                                      checkpoint: note.serialized, origin: WorkedExample.origin).isValid)
    }
}
