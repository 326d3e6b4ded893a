import Testing
import Workbench

/// Each event's action and details keys are those docs/CASE-STORE.md lists ("Ledger payloads"):
/// every front end records them through `CustodyEvent`, so the ledger reads the same whoever wrote it.
@Suite struct CustodyEventTests {
    @Test(arguments: [
        (CustodyEvent.receive(from: "Cpt. Trần", at: nil), "custody.receive", ["from": "Cpt. Trần", "at": ""]),
        (.receive(from: "A", at: "front desk"), "custody.receive", ["from": "A", "at": "front desk"]),
        (.transfer(releasedBy: "e1", receivedBy: "e2", purpose: "exam"), "custody.transfer",
         ["releasedBy": "e1", "receivedBy": "e2", "purpose": "exam"]),
        (.checkOut(to: "tech1", purpose: "exam", due: "2026-12-31"), "custody.checkout", ["to": "tech1", "purpose": "exam", "due": "2026-12-31"]),
        (.checkOut(to: "tech1", purpose: "exam", due: nil), "custody.checkout", ["to": "tech1", "purpose": "exam", "due": ""]),
        (.checkIn(location: "SHELF-A", reason: "intact"), "custody.checkin", ["location": "SHELF-A", "reason": "intact"]),
        (.checkIn(location: nil, reason: nil), "custody.checkin", ["location": "", "reason": ""]),
        (.move(to: "SHELF-A"), "custody.move", ["to": "SHELF-A"]),
        (.seal(number: "S-1"), "custody.seal", ["seal": "S-1"]),
        (.unseal(number: "S-1"), "custody.unseal", ["seal": "S-1"]),
        (.note(text: "n"), "custody.note", ["text": "n"]),
    ])
    func actionAndDetails(event: CustodyEvent, action: String, details: [String: String]) {
        #expect(event.action.rawValue == action)
        #expect(event.details == details)
    }

    @Test func seizureIdentifiersAreKeyEqualsValue() throws {
        #expect(try Seizure.identifiers(["IMEI=356938035643809", "serial=A=B"]) == ["IMEI": "356938035643809", "serial": "A=B"])
        for bad in ["IMEI", "=1", "IMEI="] {
            #expect(throws: WorkbenchError("--identifier \(bad): write it as KEY=VALUE, e.g. IMEI=356938035643809")) {
                try Seizure.identifiers([bad])
            }
        }
    }
}
