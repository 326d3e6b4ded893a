import ByteText
import Foundation
import SIMCard
import Testing

/// `custody` through the real pcscd + libpcsclite + vpcd + virtual-sim, one reader per card
/// profile. Serialized, all suites together: fault tests change a reader's card for a moment.
@Suite(.serialized) enum EndToEnd {}

extension EndToEnd {
@Suite struct SIMReadEndToEndTests {
    static let profiles = (try? FileManager.default.contentsOfDirectory(atPath: Rig.packageRoot + "/Evidence/cards"))?
        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []

    @Test func everyShippedProfileIsOnTheRig() throws {
        let rig = try Rig.running()
        #expect(Self.profiles.count >= 6)
        for profile in Self.profiles { _ = try rig.reader(profile: profile) }
    }

    @Test(arguments: profiles)
    func readsIdentityWithoutChangingTheCard(profile: String) throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: profile)
        try rig.control(reader, "reset-stats")
        let (output, identity) = try rig.readIdentity(reader)
        #expect(output.status == 0, "\(output.stderr)")
        let expect = reader.expect
        #expect(identity.schema == SIMAcquisition.schema)
        #expect(identity.reader == reader.name)
        #expect(identity.complete)
        #expect(identity.iccid?.digits == expect.iccid)
        #expect(identity.iccid?.luhnValid == expect.iccidLuhnValid)
        let pin1 = identity.pins.first { $0.name == "PIN1" }
        #expect(pin1?.enabled == expect.pin1Enabled)
        #expect(pin1?.remainingTries == expect.pin1Tries)
        #expect(pin1?.blocked == (expect.pin1Tries == 0))
        if expect.imsiReadable {
            #expect(identity.imsi?.state == .read)
            #expect(identity.imsi?.digits == expect.imsi)
            #expect(identity.imsi?.mcc == expect.mcc)
            #expect(identity.imsi?.mnc == expect.mnc)
            #expect(identity.imsi?.operatorInfo?.mnc == expect.mnc)
        } else {
            #expect(identity.imsi?.state == .pinRequired)
            #expect(identity.imsi?.digits == nil)
        }
        #expect(identity.contentSHA256.count == 64)
        #expect(identity.transcriptSHA256 == identity.transcript.sha256)

        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0, "write-class APDUs reached \(profile)")
        #expect(stats.pinTriesConsumed == 0, "PIN tries consumed on \(profile)")
        #expect(stats.pinPresentations == 0, "a PIN was presented to \(profile)")
        #expect(stats.apdus == identity.apduCount, "the card saw \(stats.apdus) APDUs, the transcript says \(identity.apduCount)")
    }

    @Test func humanOutputShowsWhatATechnicianReadsFirst() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name])
        #expect(output.status == 0)
        #expect(output.stdout.contains("ICCID            \(reader.expect.iccid) (Luhn ok)"))
        #expect(output.stdout.contains("IMSI             \(reader.expect.imsi)  MCC 452 MNC 01 (MNC length: EF.AD); MobiFone, Vietnam"))
        #expect(output.stdout.contains("PIN1             disabled"))
    }

    @Test func pinProtectedIMSIIsReportedNotFailed() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-enabled")
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name])
        #expect(output.status == 0)
        #expect(output.stdout.contains("IMSI             PIN required"))
        #expect(output.stdout.contains("PIN1             enabled, 3 tries left"))
    }

    @Test func blockedPINIsAStateNotAnError() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-blocked")
        let (output, identity) = try rig.readIdentity(reader)
        #expect(output.status == 0)
        #expect(identity.pins.first { $0.name == "PIN1" }?.blocked == true)
        #expect(identity.iccid?.digits == reader.expect.iccid)
    }

    @Test func sameCardTwiceGivesTheSameContentHash() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "classic-viettel")
        let (_, first) = try rig.readIdentity(reader)
        let (_, second) = try rig.readIdentity(reader)
        #expect(first.contentSHA256 == second.contentSHA256)
        #expect(first.transcriptSHA256 != second.transcriptSHA256, "transcripts carry times")
    }

    @Test func twoReadersAtOnceEachReadTheirOwnCard() throws {
        let rig = try Rig.running()
        let a = try rig.reader(profile: "usim-mobifone"), b = try rig.reader(profile: "classic-viettel")
        let runningA = try rig.start("custody", ["sim", "read", "--reader", a.name, "--json"])
        let runningB = try rig.start("custody", ["sim", "read", "--reader", b.name, "--json"])
        let outA = runningA.wait(), outB = runningB.wait()
        #expect(outA.status == 0 && outB.status == 0, "\(outA.stderr) \(outB.stderr)")
        let idA = try JSONDecoder().decode(SIMAcquisition.self, from: Data(outA.stdout.utf8))
        let idB = try JSONDecoder().decode(SIMAcquisition.self, from: Data(outB.stdout.utf8))
        #expect(idA.iccid?.digits == a.expect.iccid)
        #expect(idB.iccid?.digits == b.expect.iccid)
    }

    @Test func readersListsEveryRigReaderWithItsATR() throws {
        let rig = try Rig.running()
        let output = try rig.run("custody", ["readers", "--json"])
        #expect(output.status == 0)
        struct Listing: Codable { var schema: String; var readers: [Entry] }
        struct Entry: Codable { var name: String; var cardPresent: Bool; var atr: String? }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(output.stdout.utf8))
        #expect(listing.schema == "custody.readers/1")
        for reader in rig.readers {
            let entry = listing.readers.first { $0.name == reader.name }
            #expect(entry?.cardPresent == true, "\(reader.name)")
            let profile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reader.profilePath))) as? [String: Any]
            let atr = (profile?["atr"] as? String).flatMap(Hex.bytes).map(Hex.string)
            #expect(entry?.atr == atr)
        }
    }
}
}
