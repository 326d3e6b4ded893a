import ByteText
import Foundation
import Testing
@testable import SIMCard
@testable import virtual_sim

/// The summary is inside the hashed acquisition record: these pin what it draws from rich
/// cards, read in process through the simulator, and how it takes SMS records the file's view
/// shows as errors.
@Suite struct AcquisitionSummaryTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fullRead(_ profile: String) throws -> AcquisitionSummary {
        let card = try Profile.load(path: repository.appendingPathComponent(profile).path)
        let acquisition = SIMReader().read(transport: MisbehavingCard(profile: card, plan: nil), atr: card.atr, scope: .full)
        return try #require(acquisition.summary)
    }

    @Test func aUICCWithAPhonebookAndEveryLocationFile() throws {
        let summary = try Self.fullRead("Evidence/cards/usim-iccid20.json")
        // ADN and SDN are contacts, EF.PBR's ADN too; MSISDN is the own number.
        #expect(summary.contacts.map { "\($0.file) \($0.path) \($0.record) \($0.number)" } == [
            "EF.ADN 3F00/7F10/6F3A 1 +84921000001",
            "EF.SDN ADF.USIM/6F49 1 18001090001112223334",
            "EF.ADN (phonebook) ADF.USIM/5F3A/4F3A 1 +84912345678",
            "EF.ADN (phonebook) ADF.USIM/5F3A/4F3A 2 0987654321",
            "EF.ADN (phonebook) ADF.USIM/5F3A/4F3A 3 +84283912345",
        ])
        #expect(summary.ownNumbers == ["+84921000042"])
        #expect(summary.locations.map { "\($0.file) \($0.kind) \($0.plmn ?? "-") \($0.area)" } == [
            "3F00/7F20/6F7E LAI 452-05 0123", "ADF.USIM/6F7E LAI 452-05 0123",
            "ADF.USIM/6F73 RAI 452-05 0123", "ADF.USIM/6FE3 TAI 452-05 2B01",
        ])
        // EF.FPLMN only: the other PLMN lists are not forbidden networks.
        #expect(summary.forbiddenNetworks == ["452-04", "452-01"])
        #expect(summary.serviceProviderName == "Vietnamobile")
        #expect(summary.smsRecords == 2 && summary.smsUsed == 0 && summary.messages.isEmpty)
    }

    @Test func aClassicSIMWithDeletedResidue() throws {
        let summary = try Self.fullRead("Evidence/cards/classic-viettel.json")
        #expect(summary.ownNumbers == ["+84981234567"])
        #expect(summary.contacts.map(\.number) == ["+84912345678"])
        #expect(summary.locations.map { "\($0.file) \($0.kind) \($0.plmn ?? "-") \($0.area)" } == ["3F00/7F20/6F7E LAI 452-04 2F01"])
        #expect(summary.serviceProviderName == "Viettel" && summary.forbiddenNetworks.isEmpty)
        #expect(summary.smsRecords == 8 && summary.smsUsed == 6 && summary.smsDeletedResidue == 1)
        #expect(summary.messages.count == 7 && summary.concatenatedMessages.count == 1)
        #expect(summary.messages.filter(\.deletedResidue).map(\.record) == [7])
    }

    @Test func aFullCard() throws {
        let summary = try Self.fullRead("Benchmarks/profiles/usim-50sms-250adn.json")
        #expect(summary.smsRecords == 50 && summary.smsUsed == 40 && summary.smsDeletedResidue == 3)
        #expect(summary.messages.count == 43 && summary.concatenatedMessages.count == 6)
        #expect(summary.messages.filter(\.deletedResidue).map(\.record) == [7, 21, 35])
        #expect(summary.contacts.count == 200 && Set(summary.contacts.map(\.file)) == ["EF.ADN"])
        #expect(summary.ownNumbers.isEmpty && summary.serviceProviderName == "MobiFone")
    }

    /// A used SMS record that does not decode is an error in the file's view, yet the summary
    /// counts and lists it: its bytes may still be a message.
    @Test func anUndecodableMessageIsAnErrorInTheViewAndAMessageInTheSummary() throws {
        let garbage = hex("01 07914809000000F0 04 FF91") + [UInt8](repeating: 0x33, count: 100)
        let free = [UInt8](repeating: 0xFF, count: 176)
        let file = try JSONDecoder().decode(FileReading.self, from: JSONSerialization.data(withJSONObject: [
            "path": "3F00/7F10/6F3C", "name": "EF.SMS", "status": "read", "sw": "9000", "records": [Hex.string(garbage), Hex.string(free)],
        ]))
        let spec = try #require(SIMFileTree.telecom.files.first { $0.name == "EF.SMS" })
        let view = FileDecoding.decoded(file, content: spec.content)
        #expect(view.decodeErrors?.count == 1 && view.decodeErrors?.first?.hasPrefix("record 1: ") == true)
        let summary = AcquisitionSummary(files: [view], specs: [file.path: spec])
        #expect(summary.smsRecords == 2 && summary.smsUsed == 1)
        #expect(summary.messages.map(\.record) == [1] && summary.messages.first?.decodeError != nil)
    }
}
