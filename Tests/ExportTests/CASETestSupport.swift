import CaseStore
import Foundation
import Ledger
import SIMCard

/// A small case in a temporary folder: a system with a 2-port × 2-slot SIM box, a registered SIM
/// in one slot read in full (ICCID, IMSI, own number), a phone with two IMEIs, a seal, a
/// transfer, a photograph and a correction.
struct CASETestCase {
    static let iccid = "8984012204000123456"
    static let imsi = "452010123456789"
    static let msisdn = "84901234567"

    let directory: String
    let store: CaseStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("case-uco-\(UUID().uuidString)").path
        store = try CaseStore.create(directory: directory, name: "Op Lotus", agency: "C03 Hà Nội", authority: "W-2026-17",
                                     timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup1", name: "Nguyễn Văn A"))
        try store.addExaminer(id: "tech1", name: "Trần Thị B", role: .technician, by: "sup1")
        try store.addDevice(DeviceSpec(label: "SYS-1", type: .device(.system)), by: "sup1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox), parent: "SYS-1")
        box.make = "GoIP"
        box.model = "GoIP-4"
        box.serial = "GB4-0001"
        box.ports = 2
        box.slotsPerPort = 2
        try store.addDevice(box, by: "sup1")
        var sim = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-1/P1/S2")
        sim.iccid = Self.iccid
        try store.addDevice(sim, by: "tech1")
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone), parent: "SYS-1")
        phone.make = "Nokia"
        phone.model = "105"
        phone.imeis = ["490154203237518", "356938035643809"]
        try store.addDevice(phone, by: "tech1")
        try store.recordEvent(.custodySeal, label: "SB-1", details: ["seal": "S-001"], by: "tech1")
        try store.recordEvent(.custodyReceive, label: "PH-1", details: ["from": "C03", "at": "Lab 2, Hà Nội"], by: "tech1")
        try store.recordEvent(.custodyTransfer, label: "PH-1", details: ["releasedBy": "tech1", "receivedBy": "sup1", "purpose": "lab"], by: "tech1")
        let photo = directory + "/ph-1.jpg"
        try Data("not really a JPEG".utf8).write(to: URL(fileURLWithPath: photo))
        try store.photograph(label: "PH-1", file: photo, by: "tech1")
        let record = Data(Self.acquisitionJSON.utf8)
        let acquisition = try JSONDecoder().decode(SIMAcquisition.self, from: record)
        _ = try store.recordAcquisition(acquisition, record: record, by: "tech1")
        try store.correct(seq: 6, text: "the seal number is S-001A", by: "sup1")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// A full read of the SIM as `custody sim read` stores it (schema custody.sim.acquisition/1),
    /// cut down to what the registry and the graph read.
    static let acquisitionJSON = """
        {"schema":"custody.sim.acquisition/1","reader":"Virtual PCD 00 00","atr":"3B9F96801FC78031A073BE21136743200718000001A5",
        "atrProtocols":["T=0","T=1"],"cardType":"UICC","applications":[{"aid":"A0000000871002FF86FF0389FFFFFFFF","kind":"usim"}],
        "iccid":{"digits":"\(iccid)","luhnValid":true},
        "imsi":{"state":"read","path":"ADF.USIM/6F07","digits":"\(imsi)","mcc":"452","mnc":"01","mncLengthSource":"EF.AD"},
        "pins":[],"scope":"full","files":[],
        "summary":{"messages":[],"concatenatedMessages":[],"contacts":[],"ownNumbers":["\(msisdn)"],"locations":[],
        "forbiddenNetworks":[],"smsRecords":0,"smsUsed":0,"smsDeletedResidue":0},
        "transcript":{"entries":[
        {"time":"2026-11-29T01:14:32.120Z","command":"00A40004023F00","response":"","sw":"6120","microseconds":900},
        {"time":"2026-11-29T01:14:33.480Z","command":"00B0000000","response":"","sw":"9000","microseconds":800}]},
        "apduCount":2,"contentSHA256":"\(String(repeating: "ab", count: 32))","transcriptSHA256":"\(String(repeating: "cd", count: 32))",
        "complete":true}
        """
}
