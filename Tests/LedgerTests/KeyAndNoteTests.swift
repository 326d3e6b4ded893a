import ByteText
import Foundation
@testable import Ledger
import SeededRandom
import Testing

/// The signed-note reference example from golang.org/x/mod/sumdb/note (note_test.go and its
/// package documentation): a key pair and a note signed with it.
enum GoNoteVector {
    static let verifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let signerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let signatureLine = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static var note: String { text + "\n" + signatureLine }
}

@Suite struct KeyAndNoteTests {
    @Test func referenceKeysParse() throws {
        let v = try VerifierKey(parsing: GoNoteVector.verifierKey)
        #expect(v.name == "PeterNeumann")
        #expect(v.keyID.hex == "c74f20a3")
        #expect(v.description == GoNoteVector.verifierKey)
        let s = try StationKey(parsing: GoNoteVector.signerKey)
        #expect(s.verifierKey == v)
        #expect(s.privateKeyFile == GoNoteVector.signerKey + "\n")
    }

    @Test func referenceNoteVerifies() throws {
        let v = try VerifierKey(parsing: GoNoteVector.verifierKey)
        let note = try SignedNote(parsing: GoNoteVector.note)
        #expect(note.text == GoNoteVector.text)
        #expect(try note.verify(with: [v]) == [v])
        #expect(note.serialized == GoNoteVector.note)
        #if os(Linux)
        // BoringSSL Ed25519 is deterministic (RFC 8032), so signing reproduces the reference.
        let signed = try SignedNote.sign(text: GoNoteVector.text, with: [try StationKey(parsing: GoNoteVector.signerKey)])
        #expect(signed.serialized == GoNoteVector.note)
        #endif
        let changed = try SignedNote(parsing: GoNoteVector.note.replacingOccurrences(of: "cryptography", with: "cryptographY"))
        #expect(throws: NoteError.invalidSignature(name: "PeterNeumann", keyID: v.keyID)) { try changed.verify(with: [v]) }
    }

    @Test func keyRoundTrip() throws {
        let k = try StationKey.generate(name: "lab.example/custody/station-1")
        let again = try StationKey(parsing: k.privateKeyFile)
        #expect(again.seed == k.seed)
        #expect(again.verifierKey == k.verifierKey)
        #expect(try VerifierKey(parsing: k.verifierKey.description) == k.verifierKey)
        let msg: [UInt8] = Array("hello".utf8)
        #expect(k.verifierKey.isValidSignature(k.sign(msg), for: msg))
        #expect(!k.verifierKey.isValidSignature(k.sign(msg), for: msg + [0]))
    }

    @Test func keyIDFollowsSignedNoteRule() throws {
        let k = try StationKey(name: "a", seed: [UInt8](repeating: 7, count: 32))
        let digest = SHA256Hash.of(Array("a".utf8), [0x0A, 0x01], k.verifierKey.publicKey)
        #expect(k.keyID.bytes == Array(digest.bytes.prefix(4)))
    }

    @Test(arguments: ["", "a b", "a+b", "a\u{2003}b", "tab\there"])
    func rejectsBadNames(name: String) {
        #expect(throws: KeyError.invalidName(name)) { try StationKey(name: name, seed: [UInt8](repeating: 1, count: 32)) }
    }

    @Test func rejectsBadKeyStrings() throws {
        let good = GoNoteVector.verifierKey
        var bytes = Array(good.utf8)
        for i in bytes.indices {
            bytes[i] &+= 1
            #expect(throws: KeyError.self) { try VerifierKey(parsing: String(decoding: bytes, as: UTF8.self)) }
            bytes[i] &-= 1
        }
        for cut in 0..<bytes.count {
            #expect(throws: KeyError.self) { try VerifierKey(parsing: String(decoding: bytes.prefix(cut), as: UTF8.self)) }
        }
        #expect(throws: KeyError.keyIDMismatch(stated: "c74f20a4", computed: "c74f20a3")) {
            try VerifierKey(parsing: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
        #expect(throws: KeyError.unsupportedAlgorithm(2)) {
            let pub = try VerifierKey(parsing: GoNoteVector.verifierKey).publicKey
            _ = try VerifierKey(parsing: "PeterNeumann+c74f20a3+" + Base64.encode([0x02] + pub))
        }
    }

    @Test func noteRules() throws {
        let k1 = try StationKey(name: "one.example", seed: [UInt8](repeating: 1, count: 32))
        let k2 = try StationKey(name: "two.example", seed: [UInt8](repeating: 2, count: 32))
        let other = try StationKey(name: "one.example", seed: [UInt8](repeating: 3, count: 32))
        let note = try SignedNote.sign(text: "hello\n\nworld\n", with: [k1, k2])
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed == note)
        #expect(parsed.text == "hello\n\nworld\n")
        #expect(try parsed.verify(with: [k2.verifierKey]) == [k2.verifierKey])
        #expect(try parsed.verify(with: [k1.verifierKey, k2.verifierKey]).count == 2)
        // Unknown key only (same name, different ID): rejected as untrusted, not as a bad signature.
        #expect(throws: NoteError.noTrustedSignature) { try parsed.verify(with: [other.verifierKey]) }
        // A known key whose signature fails rejects the note even if another verifies.
        let forged = SignedNote(text: note.text, signatures: [
            NoteSignature(name: k1.name, keyID: k1.keyID, signature: k1.sign(Array("other\n".utf8))),
            note.signatures[1],
        ])
        #expect(throws: NoteError.invalidSignature(name: k1.name, keyID: k1.keyID)) {
            try forged.verify(with: [k1.verifierKey, k2.verifierKey])
        }
    }

    @Test(arguments: [
        ("", NoteError.missingBlankLine),
        ("text\n", .missingBlankLine),
        ("text\n\n", .malformedSignatureLine),
        ("text\n\n— name AAAA\n", .malformedSignatureLine),
        ("text\n\n- name AAAAAAAA\n", .malformedSignatureLine),
        ("text\n\n— name AAAAAAAA", .malformedSignatureLine),
        ("text\n\n— na me AAAAAAAA\n", .malformedSignatureLine),
        ("text\n\n— name AAAAAAAA\n\n", .malformedSignatureLine),
        ("te\u{07}xt\n\n— name AAAAAAAA\n", .controlCharacter(offset: 2)),
        ("text\r\n\n— name AAAAAAAA\n", .controlCharacter(offset: 4)),
    ])
    func rejectsMalformedNotes(text: String, error: NoteError) {
        #expect(throws: error) { try SignedNote(parsing: text) }
    }

    @Test func dripFeedNotesAndCheckpoints() throws {
        let k = try StationKey(name: "lab.example/custody/station-1", seed: [UInt8](repeating: 9, count: 32))
        let cp = try Checkpoint(origin: "custody.local/case/X", size: 3, root: RFC6962Vectors.roots[3])
        let note = Array(try cp.signedNote(keys: [k]).serialized.utf8)
        #expect(try Checkpoint.open(note, trustedKeys: [k.verifierKey]) == cp)
        for n in 0..<note.count {
            #expect(throws: CheckpointError.self) { try Checkpoint.open(note.prefix(n), trustedKeys: [k.verifierKey]) }
        }
        for i in note.indices {
            var b = note
            b[i] ^= 0x01
            #expect(throws: CheckpointError.self) { try Checkpoint.open(b, trustedKeys: [k.verifierKey]) }
        }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            var b = note
            for _ in 0..<Int(rng.next() % 4 + 1) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? SignedNote(parsing: b)
            _ = try? Checkpoint.open(b, trustedKeys: [k.verifierKey])
        }
    }

    @Test func checkpointText() throws {
        let cp = try Checkpoint(origin: "example.com/behind-the-sofa", size: 20852163,
                                root: SHA256Hash(base64: "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")!)
        #expect(cp.text == "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
        #expect(try Checkpoint(text: cp.text) == cp)
        #expect(try Checkpoint(text: cp.text + "ext\n").extensions == ["ext"])
        for bad in ["o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "o\n1\nAAAA\n", "o\n1\n", "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
                    "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
                    "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="] {
            #expect(throws: CheckpointError.self) { try Checkpoint(text: bad) }
        }
    }

    @Test func checkpointOriginAndKeys() throws {
        let k = try StationKey(name: "s.example", seed: [UInt8](repeating: 4, count: 32))
        let evil = try StationKey(name: "s.example", seed: [UInt8](repeating: 5, count: 32))
        let cp = try Checkpoint(origin: "custody.local/case/A", size: 0, root: MerkleTree.emptyRoot)
        let note = try cp.signedNote(keys: [k]).serialized
        #expect(try Checkpoint.open(note, trustedKeys: [k.verifierKey], origin: "custody.local/case/A") == cp)
        #expect(throws: CheckpointError.originMismatch(expected: "custody.local/case/B", found: "custody.local/case/A")) {
            try Checkpoint.open(note, trustedKeys: [k.verifierKey], origin: "custody.local/case/B")
        }
        #expect(throws: CheckpointError.note(.noTrustedSignature)) {
            try Checkpoint.open(try cp.signedNote(keys: [evil]).serialized, trustedKeys: [k.verifierKey])
        }
    }
}
