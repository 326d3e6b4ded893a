import Foundation
import Ledger
import SIMCard
import Testing

extension EndToEnd {
/// A case from `case init` to `ledger verify`, with SIMs read from the rig into it.
@Suite struct CaseEndToEndTests {
    struct Show: Decodable {
        var id: String
        var language: String
        var entries: Int
        var items: Int
        var acquisitions: Int
    }

    struct CaseLanguage: Decodable { var language: String }

    struct Verify: Decodable {
        var schema: String
        var valid: Bool
        var verifiedEntries: Int
        var acquisitions: Int
        var items: Int
    }

    struct History: Decodable {
        var schema: String
        var entries: [Entry]
        struct Entry: Decodable {
            var seq: Int
            var action: String
            var examiner: String
        }
    }

    @Test func caseFromInitToVerifyWithSIMsFromTheRig() throws {
        let rig = try Rig.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-case-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": "", "CUSTODY_EXAMINER": ""]
        func custody(_ args: [String], status: Int32 = 0, _ note: String = "") throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }

        let created = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                                   "--time-zone", "Asia/Ho_Chi_Minh", "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        #expect(created.stdout.contains("created in \(dir)"))
        let perms = try FileManager.default.attributesOfItem(atPath: dir + "/station.key")[.posixPermissions] as? NSNumber
        #expect(perms?.intValue == 0o600)
        _ = try custody(["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--case", dir, "--examiner", "sup1"])
        _ = try custody(["examiner", "add", "clerk1", "--name", "Le C", "--role", "clerk", "--case", dir, "--examiner", "sup1"])

        // Two SIMs into the case; one of them again.
        let first = try rig.reader(profile: "usim-mobifone"), second = try rig.reader(profile: "classic-viettel")
        for r in [first, second] { try rig.control(r, "reset-stats") }
        let a = try custody(["sim", "read", "--reader", first.name, "--case", dir, "--examiner", "tech1", "--json"])
        #expect(a.stderr.contains("as SIM-\(first.expect.iccid)"), "\(a.stderr)")
        _ = try custody(["sim", "read", "--reader", second.name, "--case", dir, "--examiner", "tech1", "--full"])
        let again = try custody(["sim", "read", "--reader", first.name, "--case", dir, "--examiner", "tech1"])
        #expect(again.stderr.contains("already in the case as SIM-\(first.expect.iccid); recorded as a re-read"), "\(again.stderr)")
        #expect(again.stderr.contains("same content hash"), "\(again.stderr)")
        // Refused before the card is touched: no examiner.
        let refused = try custody(["sim", "read", "--reader", first.name, "--case", dir], status: 1)
        #expect(refused.stderr.contains("no examiner given"))

        let show = try JSONDecoder().decode(Show.self, from: Data(custody(["case", "show", "--case", dir, "--json"]).stdout.utf8))
        #expect(show.items == 2, "a re-read never makes a duplicate item")
        #expect(show.language == "vi", "a case in Vietnam's time zone writes its documents in Vietnamese by default")
        #expect(show.acquisitions == 3)

        // Custody events on the SIM and a seized phone.
        let sim = "SIM-\(first.expect.iccid)"
        _ = try custody(["event", "seize", "PHONE-1", "--where", "Hanoi, 12 Ly Thuong Kiet", "--when", "2026-11-01T08:30+07:00",
                         "--from", "Suspect A", "--type", "phone", "--identifier", "IMEI=356938035643809", "--case", dir, "--examiner", "tech1"])
        _ = try custody(["event", "transfer", sim, "--released-by", "tech1", "--received-by", "clerk1", "--purpose", "evidence store",
                         "--case", dir, "--examiner", "tech1"])
        _ = try custody(["event", "seal", sim, "--seal", "S-0042", "--case", dir, "--examiner", "clerk1"])
        _ = try custody(["event", "checkout", sim, "--to", "tech1", "--purpose", "court", "--case", dir, "--examiner", "clerk1"])
        _ = try custody(["event", "note", "NOPE", "--text", "x", "--case", dir, "--examiner", "clerk1"], status: 1)

        let history = try JSONDecoder().decode(History.self, from: Data(custody(["history", sim, "--case", dir, "--json"]).stdout.utf8))
        #expect(history.schema == "custody.history/1")
        #expect(history.entries.map(\.action) == ["sim.acquire", "sim.reread", "custody.transfer", "custody.seal", "custody.checkout"])
        #expect(history.entries.map(\.seq) == history.entries.map(\.seq).sorted())
        let text = try custody(["history", sim, "--case", dir]).stdout
        #expect(text.contains("custody.seal") && text.contains("seal=S-0042") && text.contains("+07:00"))

        let verified = try JSONDecoder().decode(Verify.self, from: Data(custody(["ledger", "verify", "--case", dir, "--json"]).stdout.utf8))
        #expect(verified.valid)
        #expect(verified.verifiedEntries == show.entries + 4)
        #expect(verified.acquisitions == 3)
        #expect(verified.items == 3)

        // An inclusion proof for entry 1, checked offline with the case's public key.
        let proofPath = dir + "/entry1.tlog-proof"
        _ = try custody(["ledger", "prove", "1", "--case", dir, "--out", proofPath])
        let proof = try TlogProof(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: proofPath))))
        let key = try VerifierKey(parsing: try String(contentsOfFile: dir + "/station.pub", encoding: .utf8).trimmingCharacters(in: .newlines))
        let checked = try proof.verifyEntry(trustedKeys: [key], origin: "custody.case/\(show.id)")
        #expect(checked.entry.entry.action == .examinerAdd)
        #expect(checked.signatureChecked)

        // A checkpoint now, more entries, then consistency and verify against it.
        let cpPath = dir + "/cp.txt"
        _ = try custody(["ledger", "checkpoint", "--case", dir, "--out", cpPath])
        _ = try custody(["event", "checkin", sim, "--reason", "back from court", "--case", dir, "--examiner", "clerk1"])
        _ = try custody(["ledger", "consistency", "--old", cpPath, "--case", dir])
        _ = try custody(["ledger", "verify", "--case", dir, "--checkpoint", cpPath])

        // Nothing was written to the cards, and no PIN try was spent.
        for r in [first, second] {
            let stats = try rig.stats(r)
            #expect(stats.writeClassAPDUs == 0)
            #expect(stats.pinTriesConsumed == 0)
            #expect(stats.pinPresentations == 0)
        }
    }

    @Test func theCaseLanguageIsChosenAtInitAndAnUnknownOneRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-case-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rig = try Rig.running()
        let env = ["CUSTODY_CASE": "", "CUSTODY_EXAMINER": ""]
        let initArguments = ["case", "init", dir, "--name", "Op Tern", "--agency", "C03", "--authority", "W-1", "--examiner", "sup1",
                             "--examiner-name", "Ada Example"]
        let refused = try rig.run("custody", initArguments + ["--language", "fr"], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("unknown language \"fr\": Custody writes documents in vi, en; pass one of them"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/case.sqlite"))

        let created = try rig.run("custody", initArguments + ["--language", "en", "--json"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try JSONDecoder().decode(CaseLanguage.self, from: Data(created.stdout.utf8)).language == "en")
        let shown = try rig.run("custody", ["case", "show", "--case", dir], environment: env)
        #expect(shown.stdout.contains("language en"), "\(shown.stdout)")

        // Text typed decomposed (NFD) is stored in NFC, so the label typed either way finds the
        // item; the bytes as typed stay in the entry (enteredAs).
        let nfc = "KHO-VẬT-CHỨNG-1", place = "Kho vật chứng, Hà Nội"
        let nfd = nfc.decomposedStringWithCanonicalMapping, placeNFD = place.decomposedStringWithCanonicalMapping
        #expect(Array(nfd.utf8) != Array(nfc.utf8))
        let seized = try rig.run("custody", ["event", "seize", nfd, "--where", placeNFD, "--when", "2026-12-06T14:30+07:00", "--from", "Nguyễn Thị Hằng",
                                             "--type", "phone", "--case", dir, "--examiner", "sup1"], environment: env)
        #expect(seized.status == 0, "\(seized.stderr)")
        let history = try rig.run("custody", ["history", nfc, "--case", dir, "--json"], environment: env)
        #expect(history.status == 0, "\(history.stderr)")
        let entry = try #require((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["entries"] as? [[String: Any]]).first
        let payload = try #require(entry?["payload"] as? [String: Any])
        #expect((payload["where"] as? String).map { Array($0.utf8) } == Array(place.utf8))
        #expect((payload["enteredAs"] as? [String]).map { $0.map { Array($0.utf8) } } == [Array(nfd.utf8), Array(placeNFD.utf8)])
        let verified = try rig.run("custody", ["ledger", "verify", "--case", dir], environment: env)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test func anIncompleteReadIsStoredFlaggedIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-t1")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-case-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        let created = try rig.run("custody", ["case", "init", dir, "--name", "n", "--agency", "a", "--authority", "w",
                                              "--examiner-name", "Nguyen Van A"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        try rig.control(reader, "garbage-after", "12")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let read = try rig.run("custody", ["sim", "read", "--reader", reader.name], environment: env)
        #expect(read.status == 2, "\(read.stderr)")
        #expect(read.stderr.contains("(INCOMPLETE)"), "\(read.stderr)")
        let show = try JSONDecoder().decode(Show.self, from: Data(rig.run("custody", ["case", "show", "--json"], environment: env).stdout.utf8))
        #expect(show.acquisitions == 1)
        let verify = try rig.run("custody", ["ledger", "verify"], environment: env)
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}
}
