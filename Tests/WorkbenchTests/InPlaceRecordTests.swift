import Foundation
import SIMCard
import Testing
@testable import Workbench

/// An in-place acquisition record (docs/ACQUISITION.md "Read in place"): the SIM acquisition's
/// own members, byte for byte as `sim read` writes them, with `modem` beside them.
@Suite struct InPlaceRecordTests {
    static let access = """
        {"schema": "custody.modem-access/1",
         "port": {"path": "/dev/ttyUSB3", "device": "/dev/ttyUSB3", "physicalPosition": "pci-0000:00:14.0-usb-0:2.3:1.0-port0", "baud": 115200},
         "module": {"manufacturer": "Quectel", "model": "EC25", "revision": "EC25EFAR06A01M4G", "imei": "866758040000016",
                    "imeiAnswer": "866758040000016", "dialect": "quectel", "simState": "READY", "pins": [], "failures": []},
         "accessPath": "csim", "unansweredAPDUs": [], "interventions": [], "unsolicited": [],
         "atTranscript": {"entries": [{"direction": "sent", "kind": "command", "offsetMicroseconds": 12,
                                       "hex": "41542B43474D490D", "text": "AT+CGMI<0D>"}]},
         "atTranscriptSHA256": "", "atCommandCount": 1, "atRefusedCount": 0}
        """

    @Test func carriesTheAcquisitionUnchangedAndModemBesideIt() throws {
        let acquisition = SIMAcquisition.notConnected(reader: "pci-0000:00:14.0-usb-0:2.3:1.0-port0", atr: [], scope: .identity, reason: "test")
        let access = try JSONDecoder().decode(ModemAccess.self, from: Data(Self.access.utf8))
        let record = try encodeJSON(InPlaceRecord(acquisition: acquisition, modem: access))
        var members = try #require(try JSONSerialization.jsonObject(with: record) as? [String: Any])
        let modem = try #require(members.removeValue(forKey: "modem") as? [String: Any])
        #expect(modem["schema"] as? String == "custody.modem-access/1")
        #expect((modem["module"] as? [String: Any])?["imei"] as? String == "866758040000016")
        let alone = try #require(try JSONSerialization.jsonObject(with: try encodeJSON(acquisition)) as? [String: Any])
        func canonical(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }
        #expect(try canonical(members) == (try canonical(alone)), "the acquisition's members are those of `sim read`")
        // Decoded as a plain acquisition (what reads records back do), `modem` is ignored.
        let decoded = try JSONDecoder().decode(SIMAcquisition.self, from: record)
        #expect(try encodeJSON(decoded) == (try encodeJSON(acquisition)))
    }
}
