import ByteText
import CaseStore
import Crypto
import Export
import Foundation
import Ledger
import SIMCard
import Wording

/// A small seizure in a temporary case: a SIM box with two ports of two slots, a phone, a SIM
/// lot, a full read with spam SMS (Vietnamese UCS-2, an HTML tag, a deleted message, a bidi
/// override), a PIN-locked read, a read that stopped before the ICCID, a photo, custody events.
struct ReportCase {
    static let fullReadICCID = "8984012204000123456"
    static let lockedICCID = "8984012204000123464"
    static let lotICCID = "8984012204000123472"
    /// UCS-2 on the card; the `<b>` must reach the report as text, never as markup.
    static let spamText = "Vay tiền nhanh <b>lãi suất 0%</b> & \"ưu đãi\" tại vaynhanh247.vn"
    static let residueText = "Nhan ngay 200K tien thuong: vao tk88.vip"
    static let bidiText = "Tai khoan \u{202E}gnaht\u{202C} da bi khoa"

    let directory: String
    let store: CaseStore
    let photoSHA256: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        store = try CaseStore.create(directory: directory, name: "Chuyên án SIM rác", agency: "C03 – Bộ Công an",
                                     authority: "Lệnh khám xét 17/2026", timeZone: "Asia/Ho_Chi_Minh",
                                     examiner: .init(id: "sup1", name: "Nguyễn Văn A"))
        try store.addExaminer(id: "tech1", name: "Trần Thị B", role: .technician, by: "sup1")
        try store.addExaminer(id: "clerk1", name: "Lê Văn C", role: .clerk, by: "sup1")

        try store.addDevice(DeviceSpec(label: "SZ-1", type: .device(.seizure)), by: "clerk1")
        var box = DeviceSpec(label: "SB-01", type: .device(.simbox), parent: "SZ-1")
        box.make = "GoIP"; box.ports = 2; box.slotsPerPort = 2; box.serial = "GOIP-778"
        try store.addDevice(box, by: "clerk1")
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone), parent: "SZ-1")
        let body = "35693803564380"
        phone.imeis = [body + String(Luhn.checkDigit(of: body))]
        try store.addDevice(phone, by: "clerk1")
        var lot = DeviceSpec(label: "LOT-1", type: .device(.simlot), parent: "SZ-1")
        lot.count = 3
        try store.addDevice(lot, by: "clerk1")
        var slotted = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-01/P1/S1")
        slotted.iccid = Self.fullReadICCID
        try store.addDevice(slotted, by: "clerk1")
        var locked = DeviceSpec(label: "SIM-B", type: .device(.sim), parent: "SB-01/P2/S2")
        locked.iccid = Self.lockedICCID
        try store.addDevice(locked, by: "clerk1")

        try store.recordEvent(.custodyTransfer, label: "SB-01", details: ["releasedBy": "clerk1", "receivedBy": "tech1", "purpose": "đọc SIM"], by: "clerk1")
        try store.recordEvent(.custodySeal, label: "SB-01", details: ["seal": "S-0042"], by: "clerk1")
        let photo = FileManager.default.temporaryDirectory.appendingPathComponent("sb01-\(UUID().uuidString).jpg")
        try Data("not really a JPEG, but bytes with a hash".utf8).write(to: photo)
        defer { try? FileManager.default.removeItem(at: photo) }
        photoSHA256 = try store.photograph(label: "SB-01", file: photo.path, by: "clerk1").1.sha256

        try store.recordAcquisition(Self.fullRead(), by: "tech1")
        try store.recordAcquisition(Self.identityRead(Self.lockedICCID, imsiState: "pinRequired"), by: "tech1")
        try store.recordAcquisition(Self.identityRead(Self.lotICCID, imsiState: "read"), by: "tech1")
        try store.place("SIM-\(Self.lotICCID)", in: "LOT-1", by: "tech1")
        try store.recordAcquisition(SIMAcquisition.notConnected(reader: "Bench 2", atr: [0x3B, 0x02, 0x14, 0x50], scope: .identity,
                                                               reason: "card removed during the read"), by: "tech1")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The hashes the report must show per exhibit: acquisitions from the acquisition table,
    /// the photo from its record (independent of the ledger the report reads).
    func expectedHashes() throws -> [String: Set<String>] {
        var expected = [String: Set<String>]()
        for item in try store.items() { expected[item.label] = [] }
        for a in try store.acquisitions() {
            guard let item = a.item else { continue }
            expected[item]!.formUnion([a.contentSHA256, a.recordSHA256, a.transcriptSHA256])
        }
        expected["SB-01"]!.insert(photoSHA256)
        return expected
    }

    static let verification = ReportVerificationFacts(
        ledgerEntries: 21, ledgerRoot: "q2RhAQ4M7wZBq3Xo2rF3Hxk0cZ3w9uE2yV1pFq8lYdA=", ledgerSize: 21,
        stationKeys: [])

    static let tool = ToolIdentity(name: "Custody", version: "0.1.0", build: "test-build-7f3a")

    func html(items: Set<String>? = nil, language: Language = .en, verification: ReportVerificationFacts = ReportCase.verification) throws -> String {
        try document(items: items, language: language, verification: verification).html
    }

    func document(items: Set<String>? = nil, language: Language = .en, verification: ReportVerificationFacts = ReportCase.verification) throws -> ReportDocument {
        var facts = verification
        facts.stationKeys = [store.caseRecord.stationKey]
        return try CourtReport.document(store: store, items: items, language: language, tool: Self.tool, verification: facts,
                                        time: Date(timeIntervalSince1970: 1_790_000_000))
    }

    // MARK: Acquisitions

    static func iccidView(_ digits: String) throws -> SIMAcquisition.ICCIDView {
        try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"\#(digits)","luhnValid":true}"#.utf8))
    }

    static func imsiView(state: String, digits: String?) throws -> SIMAcquisition.IMSIView {
        let digitsField = digits.map { #","digits":"\#($0)","mcc":"452","mnc":"01""# } ?? ""
        return try JSONDecoder().decode(SIMAcquisition.IMSIView.self, from: Data(#"{"state":"\#(state)","path":"ADF.USIM/6F07"\#(digitsField)}"#.utf8))
    }

    static func identityRead(_ iccid: String, imsiState: String) throws -> SIMAcquisition {
        var a = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x02, 0x14, 0x50], scope: .identity, reason: "")
        a.complete = true
        a.incompleteReason = nil
        a.iccid = try iccidView(iccid)
        a.imsi = try imsiView(state: imsiState, digits: imsiState == "read" ? "4520112345" + iccid.suffix(5) : nil)
        a.contentSHA256 = SIMReader.contentHash(files: [], pins: [PINState(name: "PIN1", enabled: imsiState != "read", remainingTries: 3, source: "test")])
        return a
    }

    /// A full read whose EF.SMS holds a UCS-2 spam message, a deleted (free) GSM 7-bit one, a
    /// sent one with a bidi override, and an empty record.
    static func fullRead() throws -> SIMAcquisition {
        let time = try SMSTimestamp(year: 2026, month: 10, day: 3, hour: 9, minute: 41, second: 5, timeZoneQuarterHours: 28)
        let spam = SMSTPDU.deliver(SMSDeliver(originator: try SMSAddress(alphanumeric: "VAYNHANH"), timestamp: time,
                                              userData: try SMSUserData(text: spamText, encoding: .ucs2)))
        let residue = SMSTPDU.deliver(SMSDeliver(originator: try SMSAddress(international: "84912345678"), timestamp: time,
                                                 userData: try SMSUserData(text: residueText, encoding: .gsm7)))
        let sent = SMSTPDU.submit(SMSSubmit(destination: try SMSAddress(international: "84987654321"),
                                            userData: try SMSUserData(text: bidiText, encoding: .ucs2)))
        let records = [
            SMSRecord.encode(status: 0x01, smsc: nil, tpdu: spam),
            SMSRecord.encode(status: 0x00, smsc: nil, tpdu: residue),
            SMSRecord.encode(status: 0x05, smsc: nil, tpdu: sent),
            [UInt8](repeating: 0xFF, count: 176),
        ].map { Hex.string($0) }
        let file = try JSONDecoder().decode(FileReading.self, from: JSONSerialization.data(withJSONObject: [
            "path": "3F00/7F10/6F3C", "name": "EF.SMS", "status": "read", "sw": "9000", "structure": "linearFixed", "records": records,
        ]))
        var a = try identityRead(fullReadICCID, imsiState: "read")
        a.scope = .full
        a.files = [file]
        a.summary = AcquisitionSummary(files: [file], specs: [file.path: ElementaryFileSpec("EF.SMS", 0x6F3C, .shortMessages, role: .messages)])
        a.contentSHA256 = SIMReader.contentHash(files: [file], pins: [])
        return a
    }
}

extension CaseStore {
    @discardableResult
    func recordAcquisition(_ a: SIMAcquisition, by examiner: String) throws -> AcquisitionOutcome {
        try recordAcquisition(a, record: JSONEncoder().encode(a), by: examiner)
    }
}
