import Foundation
import Testing
@testable import SIMCard

/// Guards the EF.SMS records of the card profiles against drift: every record must decode to
/// exactly the texts the profile's `expect.sms` promises (code points compared, so a
/// decomposed diacritic must stay decomposed).
@Suite struct SMSProfileTests {
    struct Profile: Decodable {
        struct Node: Decodable {
            let fid: String?
            let recordLength: Int?
            let records: [String]?
            let children: [Node]?
        }
        struct Expect: Decodable {
            struct SMS: Decodable { let records: Int; let used: Int; let deletedResidue: Int; let texts: [String] }
            let sms: SMS
        }
        let mf: Node
        let expect: Expect
    }

    static func find(_ node: Profile.Node, fid: String) -> Profile.Node? {
        if node.fid == fid { return node }
        for child in node.children ?? [] { if let found = find(child, fid: fid) { return found } }
        return nil
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["usim-mobifone", "classic-viettel"])
    func profileMessagesDecode(name: String) throws {
        let url = Self.repository.appendingPathComponent("Evidence/cards/\(name).json")
        let profile = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: url))
        let ef = try #require(Self.find(profile.mf, fid: "6F3C"))
        let rawRecords = try #require(ef.records)
        #expect(ef.recordLength == 176)
        let expected = profile.expect.sms
        #expect(rawRecords.count == expected.records)
        let records = rawRecords.map { SMSRecord.decode(record: hex($0)[...]) }
        for (index, record) in records.enumerated() {
            #expect(record.raw.count == 176, "record \(index + 1)")
            #expect(record.decodeError == nil, "record \(index + 1): \(record.decodeError ?? "")")
            #expect(record.notes.isEmpty, "record \(index + 1)")
        }
        #expect(records.filter { !$0.isEmpty && !$0.isDeletedResidue }.count == expected.used)
        #expect(records.filter(\.isDeletedResidue).count == expected.deletedResidue)
        let texts = records.filter { !$0.isEmpty }.map { $0.text ?? "" }
        #expect(texts.map { Array($0.unicodeScalars) } == expected.texts.map { Array($0.unicodeScalars) })

        // The content the profile is meant to show.
        #expect(records.contains { $0.isEmpty && $0.status == .free })
        #expect(records.contains { if case .submit = $0.tpdu { $0.status == .sent } else { false } })
        #expect(records.contains { $0.tpdu?.address.kind == .alphanumeric && $0.tpdu?.userData?.encoding == .ucs2 })
        #expect(records.contains { $0.tpdu?.address.value.hasPrefix("+84") == true && $0.tpdu?.userData?.encoding == .ucs2 })
        #expect(records.contains { $0.tpdu?.userData?.encoding == .gsm7 && GSM7.encode($0.text ?? "")?.contains(GSM7.escape) == true })
        for record in records {
            if case .deliver(let deliver) = record.tpdu { #expect(deliver.timestamp.timeZoneQuarterHours == 28) }
        }
        let concatenated = ConcatenatedSMS.reassemble(records.enumerated().map { (recordNumber: $0.offset + 1, record: $0.element) })
        #expect(concatenated.count == 1)
        #expect(concatenated.first?.missingSequences == [])
        #expect(concatenated.first?.parts.count == 2)
        #expect(concatenated.first?.parts.first.map { _ in concatenated[0].text.count > 60 } == true)
    }
}
