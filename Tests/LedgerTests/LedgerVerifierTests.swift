import ByteText
import Foundation
@testable import Ledger
import SeededRandom
import Testing

@Suite struct LedgerVerifierTests {
    static let entries = Fixture.build()
    let entries = LedgerVerifierTests.entries
    var lines: [String] { entries.map(\.line) }
    let trusted = [Fixture.station1.verifierKey]

    func verify(_ lines: [String], checkpoint: String? = nil) -> LedgerVerifier.Report {
        LedgerVerifier.verify(lines: lines, trustedKeys: trusted, checkpoint: checkpoint, origin: Fixture.origin)
    }

    /// The first failure, the same whether the lines are taken as they are or prepared first
    /// (`LedgerVerifier.PreparedLine`) with the right keys or with keys that lie.
    func failure(_ lines: [String], checkpoint: String? = nil) -> String? {
        let found = verify(lines, checkpoint: checkpoint).failure?.description
        let honest = Dictionary([Fixture.station1, Fixture.station2].map { ($0.keyID, $0.verifierKey) }, uniquingKeysWith: { a, _ in a })
        let lying = [Fixture.station1.keyID: Fixture.intruder.verifierKey, Fixture.station2.keyID: Fixture.intruder.verifierKey]
        for keys in [honest, lying] {
            var stream = LedgerVerifier.Stream(trustedKeys: trusted)
            for line in lines.map({ LedgerVerifier.PreparedLine(Array($0.utf8), keys: keys) }) where stream.take(line) == nil { break }
            #expect(LedgerVerifier.verify(stream, checkpoint: checkpoint, origin: Fixture.origin).failure?.description == found)
        }
        return found
    }

    /// Replaces entry `i` by the result of editing its decoded form, re-hashing, and signing
    /// with `key` (or keeping the old signature when nil).
    func rewrite(_ i: Int, key: StationKey?, _ edit: (inout LedgerEntry) -> Void) -> [String] {
        var e = entries[i].entry
        edit(&e)
        var l = lines
        if let key {
            l[i] = try! LedgerWriter.sign(e, key: key).line
        } else {
            let body = e.canonicalBody
            let line = #"{"entry":"# + String(decoding: body, as: UTF8.self) + #","hash":""#
                + SHA256Hash.of(LedgerEntry.domainPrefix, body).hex + #"","sig":""# + Base64.encode(entries[i].signature) + #""}"#
            l[i] = line
        }
        return l
    }

    @Test func validLedgerVerifies() throws {
        let r = verify(lines, checkpoint: Fixture.checkpoint(entries))
        #expect(r.failure == nil)
        #expect(r.isValid)
        #expect(r.verifiedCount == 20)
        #expect(r.caseID == "2026-0042")
        #expect(r.examiners == ["E1", "E2"])
        #expect(r.activeStations == trusted)
        #expect(r.lastHash == entries.last!.hash)
        #expect(r.checkpoint?.size == 20)
        #expect(r.root == (try MerkleTree(leafHashes: entries.map(\.leafHash)).root()))
        // An earlier checkpoint is consistent with the longer ledger.
        #expect(verify(lines, checkpoint: Fixture.checkpoint(entries, size: 7)).checkpoint?.size == 7)
        // The jsonl form, and each line re-parses to the same entry.
        let jsonl = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(LedgerVerifier.verify(jsonl: jsonl, trustedKeys: trusted).isValid)
        for e in entries { #expect(try SignedEntry(line: e.line) == e) }
    }

    @Test func entryShape() throws {
        let e = entries[3]
        #expect(e.entry.sequence == 3)
        #expect(e.entry.previousHash == entries[2].hash)
        #expect(e.hash == e.computedHash)
        #expect(e.line.hasPrefix(#"{"entry":{"action":"sim.acquire","examiner":"E2","payload":{"content_sha256":""#))
        #expect(entries[0].entry.previousHash == .zero)
        // The stored line is itself canonical JSON.
        #expect(try CanonicalJSON(parsingCanonical: Array(e.line.utf8))["hash"]?.stringValue == e.hash.hex)
    }

    // MARK: tamper classes

    @Test func byteFlippedInBody() {
        var l = lines
        l[7] = l[7].replacingOccurrences(of: "analysis", with: "analysiz")
        #expect(failure(l) == "entry 7: hash mismatch (stored \(entries[7].hash.hex), computed \(try! SignedEntry(line: l[7]).computedHash.hex))")
    }

    @Test func entryDeleted() {
        var l = lines
        l.remove(at: 5)
        #expect(failure(l) == "sequence gap: 6 follows 4")
    }

    @Test func entryDeletedAndRenumbered() {
        // The forger deletes entry 5 and re-signs entry 6 as 5 with the real key: the chain breaks.
        var l = rewrite(6, key: Fixture.station1) { $0.sequence = 5 }
        l.remove(at: 5)
        #expect(failure(l)?.hasPrefix("entry 5: previous-hash link broken") == true)
    }

    @Test func entriesSwapped() {
        var l = lines
        l.swapAt(8, 9)
        #expect(failure(l) == "sequence gap: 9 follows 7")
    }

    @Test func firstEntryDeleted() {
        #expect(failure(Array(lines.dropFirst())) == "sequence gap: ledger starts at 1, not 0")
    }

    @Test func tailCutAgainstEarlierCheckpoint() {
        let cp = Fixture.checkpoint(entries)
        #expect(failure(Array(lines.prefix(15)), checkpoint: cp) == "ledger has 15 entries but checkpoint says 20: truncated")
        // Without a checkpoint a cut tail is undetectable, and that is what checkpoints are for.
        #expect(failure(Array(lines.prefix(15))) == nil)
    }

    @Test func entryResignedWithDifferentKey() {
        var l = lines
        let forged = SignedEntry(entry: entries[12].entry, body: entries[12].body, hash: entries[12].hash,
                                 signature: Fixture.intruder.sign(entries[12].signedMessage))
        l[12] = forged.line
        #expect(failure(l) == "entry 12: signature does not verify with station key \(Fixture.station1.verifierKey)")
    }

    /// A prepared verdict counts only for the key the ledger names at that line: an entry signed
    /// by the intruder passes its preparation with the intruder's key under station 1's key ID,
    /// and is still refused; a good entry prepared so is still accepted.
    @Test func preparedVerdictOnlyForTheKeyTheLedgerNames() {
        let forged = SignedEntry(entry: entries[12].entry, body: entries[12].body, hash: entries[12].hash,
                                 signature: Fixture.intruder.sign(entries[12].signedMessage))
        var l = lines
        l[12] = forged.line
        let lying = [Fixture.station1.keyID: Fixture.intruder.verifierKey]
        let prepared = l.map { LedgerVerifier.PreparedLine(Array($0.utf8), keys: lying) }
        var stream = LedgerVerifier.Stream(trustedKeys: trusted)
        for line in prepared.prefix(12) { #expect(stream.take(line) != nil) }
        #expect(stream.take(prepared[12]) == nil)
        #expect(stream.failure?.description == "entry 12: signature does not verify with station key \(Fixture.station1.verifierKey)")
        // Prepared on every core (`concurrentMap`), in order, with the keys a stream offers.
        let honest = LedgerVerifier.Stream(trustedKeys: trusted).keysByID
        #expect(honest == [Fixture.station1.keyID: Fixture.station1.verifierKey])
        var whole = LedgerVerifier.Stream(trustedKeys: trusted)
        for line in lines.map({ Array($0.utf8) }).concurrentMap({ LedgerVerifier.PreparedLine($0, keys: honest) }) {
            #expect(whole.take(line) != nil)
        }
        #expect(LedgerVerifier.verify(whole, checkpoint: Fixture.checkpoint(entries), origin: Fixture.origin).isValid)
    }

    @Test func entryResignedWithIntruderKeyID() {
        let l = rewrite(12, key: Fixture.intruder) { $0.station = Fixture.intruder.keyID }
        #expect(failure(l) == "entry 12: station key \(Fixture.intruder.keyID.hex) is not an active station key")
    }

    @Test func payloadChangedRehashedNotResigned() {
        let l = rewrite(10, key: nil) { $0.payload["seal"] = .string("S-9999") }
        #expect(failure(l) == "entry 10: signature does not verify with station key \(Fixture.station1.verifierKey)")
    }

    @Test func forgedCheckpoint() {
        // Signed by a key with the station's name but not its key.
        let forged = Fixture.checkpoint(entries, size: 20, key: Fixture.intruder)
        #expect(failure(lines, checkpoint: forged) == "checkpoint note: note is not signed by any trusted key")
        // Correctly signed text edited afterwards.
        let real = Fixture.checkpoint(entries)
        let edited = real.replacingOccurrences(of: "\n20\n", with: "\n21\n")
        #expect(failure(lines, checkpoint: edited)?.hasPrefix("checkpoint note: signature by known key lab.example/custody/station-1") == true)
    }

    @Test func historyRewrittenWithStolenKey() {
        // A forger holding the station key rewrites entry 4 and re-signs everything after it:
        // the chain verifies, but not against the checkpoint published before.
        let cp = Fixture.checkpoint(entries)
        var rewritten = Array(entries.prefix(4))
        var e = entries[4].entry
        e.payload["purpose"] = .string("destroyed")
        rewritten.append(try! LedgerWriter.sign(e, key: Fixture.station1))
        for i in 5..<20 {
            var n = entries[i].entry
            n.previousHash = rewritten.last!.hash
            rewritten.append(try! LedgerWriter.sign(n, key: Fixture.station1))
        }
        let l = rewritten.map(\.line)
        #expect(failure(l) == nil)
        #expect(failure(l, checkpoint: cp)?.hasPrefix("checkpoint root mismatch at size 20") == true)
    }

    @Test func wholeLedgerRemadeWithAnotherKey() {
        var e0 = entries[0].entry
        e0.station = Fixture.intruder.keyID
        e0.payload["stations"] = .array([.string(Fixture.intruder.verifierKey.description)])
        var l = lines
        l[0] = try! LedgerWriter.sign(e0, key: Fixture.intruder).line
        #expect(failure(l) == "entry 0: signed by station key \(Fixture.intruder.verifierKey), which is not a trusted key")
    }

    @Test func everySingleByteFlipIsDetected() {
        let cp = Fixture.checkpoint(entries)
        for i in [0, 3, 19] {
            let original = Array(lines[i].utf8)
            for j in original.indices {
                var b = original
                b[j] ^= 0x01
                var l = lines.map { Array($0.utf8) }
                l[i] = b
                let r = LedgerVerifier.verify(lineBytes: l, trustedKeys: trusted, checkpoint: cp)
                #expect(r.failure != nil, "line \(i) byte \(j)")
            }
        }
    }

    // MARK: roster and keys

    @Test func unknownExaminer() {
        var l = Array(lines.prefix(3))
        l.append(try! LedgerWriter.next(after: entries[2], time: Fixture.time(3), examiner: "E9", action: .custodyNote,
                                        payload: ["text": .string("hi")], key: Fixture.station1).line)
        #expect(failure(l) == "entry 3: examiner E9 is not in the roster")
    }

    @Test func stationAddAndRevoke() throws {
        let s1 = Fixture.station1, s2 = Fixture.station2
        var es = Array(entries.prefix(3))
        es.append(try LedgerWriter.next(after: es.last!, time: Fixture.time(3), examiner: "E1", action: .stationAdd,
                                        payload: ["key": .string(s2.verifierKey.description)], key: s1))
        es.append(try LedgerWriter.next(after: es.last!, time: Fixture.time(4), examiner: "E1", action: .custodyNote, key: s2))
        es.append(try LedgerWriter.next(after: es.last!, time: Fixture.time(5), examiner: "E1", action: .stationRevoke,
                                        payload: ["station": .string(s1.keyID.hex)], key: s2))
        es.append(try LedgerWriter.next(after: es.last!, time: Fixture.time(6), examiner: "E2", action: .custodyNote, key: s2))
        let r = verify(es.map(\.line))
        #expect(r.failure == nil)
        #expect(r.activeStations == [s2.verifierKey])
        // A checkpoint by the added station verifies too (it is bound by the ledger).
        let cp = try LedgerWriter.checkpoint(origin: Fixture.origin, tree: r.tree, keys: [s2]).1.serialized
        #expect(verify(es.map(\.line), checkpoint: cp).isValid)

        // Signed by station 1 after its revocation.
        var bad = Array(es.prefix(6))
        bad.append(try LedgerWriter.next(after: bad.last!, time: Fixture.time(6), examiner: "E2", action: .custodyNote, key: s1))
        #expect(failure(bad.map(\.line)) == "entry 6: station key \(s1.keyID.hex) is not an active station key")

        // Signed by station 2 in the very entry that adds it (valid only from the next entry on).
        var early = Array(es.prefix(3))
        early.append(try LedgerWriter.next(after: early.last!, time: Fixture.time(3), examiner: "E1", action: .stationAdd,
                                           payload: ["key": .string(s2.verifierKey.description)], key: s2))
        #expect(failure(early.map(\.line)) == "entry 3: station key \(s2.keyID.hex) is not an active station key")
    }

    @Test func writerRejectsBadInput() {
        let last = entries.last!
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.next(after: last, time: Fixture.time(1), examiner: "E1", action: "Bad Action", key: Fixture.station1)
        }
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.next(after: last, time: Fixture.time(1), examiner: "E1", action: .stationAdd, payload: ["key": .string("nope")], key: Fixture.station1)
        }
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.next(after: last, time: Fixture.time(1), examiner: "E1", action: .caseInit, key: Fixture.station1)
        }
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.next(after: last, time: Fixture.time(1), examiner: "", action: .custodyNote, key: Fixture.station1)
        }
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.genesis(caseID: "C", examiners: [["id": .string("E1")]], stations: [Fixture.station2.verifierKey],
                                     examiner: "E1", time: Fixture.time(0), key: Fixture.station1)
        }
        #expect(throws: LedgerWriteError.self) {
            try LedgerWriter.genesis(caseID: "C", examiners: [["id": .string("E1")]], stations: [Fixture.station1.verifierKey],
                                     examiner: "E7", time: Fixture.time(0), key: Fixture.station1)
        }
    }

    // MARK: parsers and files

    @Test func emptyAndIncompleteFiles() {
        #expect(LedgerVerifier.verify(lines: [], trustedKeys: trusted).failure == .emptyLedger)
        let text = lines.prefix(3).joined(separator: "\n")
        let r = LedgerVerifier.verify(jsonl: Array(text.utf8), trustedKeys: trusted)
        #expect(r.failure?.description == "line 3: malformed line: last line has no newline (incomplete write?)")
        #expect(r.verifiedCount == 3)
        let blank = Array((lines.prefix(3).joined(separator: "\n") + "\n\n").utf8)
        #expect(LedgerVerifier.verify(jsonl: blank, trustedKeys: trusted).failure?.description == "line 4: malformed line: too short")
    }

    @Test func nonCanonicalBodyIsRejected() {
        var l = lines
        l[2] = l[2].replacingOccurrences(of: #"{"entry":{"action""#, with: #"{"entry":{ "action""#)
        #expect(failure(l) == "line 3: entry body: JSON is not in canonical form")
    }

    @Test func dripFeedEntryLines() {
        let full = Array(lines[5].utf8)
        for n in 0..<full.count {
            #expect(throws: EntryError.self) { try SignedEntry(line: full.prefix(n)) }
        }
        var rng = SplitMix64(seed: 11)
        for _ in 0..<3000 {
            var b = full
            for _ in 0..<Int(rng.next() % 5 + 1) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 3 == 0 { b.removeLast(Int(rng.next() % UInt64(b.count))) }
            _ = try? SignedEntry(line: b)
            _ = LedgerVerifier.verify(lineBytes: [b], trustedKeys: trusted)
        }
    }

    @Test func excerptsVerifyWithGapsButNotOutOfOrderOrTampered() {
        func excerpt(_ seqs: [Int]) -> LedgerVerifier.ExcerptReport {
            LedgerVerifier.verify(excerpt: seqs.map { entries[$0].lineBytes }, trustedKeys: trusted)
        }
        let ok = excerpt([0, 1, 4, 5, 9, 19])
        #expect(ok.isValid, "\(String(describing: ok.failure))")
        #expect(ok.entries.map(\.entry.sequence) == [0, 1, 4, 5, 9, 19])
        #expect(ok.caseID == "2026-0042")
        #expect(ok.boundKeys == [Fixture.station1.verifierKey])
        #expect(excerpt([1, 4]).failure == .sequenceGap(found: 1, after: nil))
        #expect(excerpt([0, 1, 5, 4]).failure == .sequenceGap(found: 4, after: 5))
        #expect(excerpt([0, 4, 4]).failure == .sequenceGap(found: 4, after: 4))
        // Entry 2 is by examiner E2, whom entry 1 adds: without entry 1 the roster lacks E2.
        #expect(excerpt([0, 3]).failure == .unknownExaminer(3, "E2"))
        #expect(LedgerVerifier.verify(excerpt: [entries[0].lineBytes], trustedKeys: [Fixture.station2.verifierKey]).failure
                == .untrustedGenesis(Fixture.station1.verifierKey.description))
        let forged = Array(entries[4].line.replacingOccurrences(of: "analysis", with: "analysiz").utf8)
        #expect(LedgerVerifier.verify(excerpt: [entries[0].lineBytes, entries[1].lineBytes, forged], trustedKeys: trusted).failure?
                    .description.contains("entry 4: hash mismatch") == true)
        #expect(excerpt([]).failure == .emptyLedger)
    }
}
