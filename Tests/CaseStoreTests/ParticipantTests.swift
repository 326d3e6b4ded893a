import CaseStore
import Foundation
import Ledger
import Testing

/// The people of a custody event (docs/CASE-STORE.md, "Participants"): parsed from the
/// command line's `ROLE=Full Name[,unit]`, stored in the entry, read back from it.
@Suite struct ParticipantTests {
    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func optionsParseIntoRoleNameAndUnit() throws {
        let investigator = try EventParticipant(option: "Investigator=Nguyễn Văn An, Đội 3, PC02")
        #expect(investigator.role == .investigator && investigator.name == "Nguyễn Văn An" && investigator.unit == "Đội 3, PC02")
        let witness = try EventParticipant(option: "Lê Thị Hoa", role: .witness)
        #expect(witness.role == .witness && witness.name == "Lê Thị Hoa" && witness.unit == nil)

        #expect(refusal { _ = try EventParticipant(option: "boss=Tran B") }
            == "--participant boss=Tran B: unknown role \"boss\"; use one of investigator, prosecutor, technician, witness, owner, holder, clerk, deliverer, receiver")
        #expect(refusal { _ = try EventParticipant(option: "Tran B") }.hasPrefix("--participant Tran B: write it as ROLE=Full Name[,unit]"))
        #expect(refusal { _ = try EventParticipant(option: "witness= ,C03") }.hasPrefix("--participant witness= ,C03: the person's full name is missing"))
        #expect(refusal { _ = try EventParticipant(option: "", role: .witness) }.hasPrefix("--witness : the person's full name is missing"))
    }

    @Test(arguments: Backend.all) func participantsAreStoredWithTheEventAndReadBack(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let people = [try EventParticipant(option: "technician=Trần Bình,Phòng PC04"), try EventParticipant(option: "Nguyễn Thị Hằng,Kho vật chứng", role: .witness)]
        let entry = try c.store.recordEvent(.custodySeal, label: "EX-1", details: ["seal": "NP-0001"], by: "tech1", participants: people)

        let stored = try #require(try c.store.history("EX-1").last)
        #expect(stored.hash == entry.hash)
        #expect(stored.entry.payload["participants"] == .array([
            .object(["role": .string("technician"), "name": .string("Trần Bình"), "unit": .string("Phòng PC04")]),
            .object(["role": .string("witness"), "name": .string("Nguyễn Thị Hằng"), "unit": .string("Kho vật chứng")]),
        ]))
        #expect(EventParticipant.recorded(in: stored.entry.payload) == people)

        // An event without people has no participants member at all.
        let bare = try c.store.recordEvent(.custodyUnseal, label: "EX-1", details: ["seal": "NP-0001"], by: "tech1")
        #expect(bare.entry.payload["participants"] == nil)
        #expect(EventParticipant.recorded(in: bare.entry.payload).isEmpty)
    }
}
