import Testing
import SIMCard

@Suite struct ApplicationTemplateTests {
    static let usimAID = hex("A0 00 00 00 87 10 02 FF 86 FF FF 89 FF FF FF FF")
    /// 61 18: 4F 10 <AID> 50 04 "USIM", then FF padding to a 32-byte record.
    static let usimRecord = hex("61 18 4F 10 A0 00 00 00 87 10 02 FF 86 FF FF 89 FF FF FF FF 50 04 55 53 49 4D")
        + [UInt8](repeating: 0xFF, count: 6)

    @Test func usimRecordDecodes() throws {
        let template = try #require(try ApplicationTemplate.decode(record: Self.usimRecord[...]))
        #expect(template.aid == Self.usimAID)
        #expect(template.label == "USIM")
        #expect(template.kind == .usim)
        #expect(template.encodedRecord(length: 32) == Self.usimRecord)
    }

    @Test func emptyRecordIsNil() throws {
        #expect(try ApplicationTemplate.decode(record: [UInt8](repeating: 0xFF, count: 32)[...]) == nil)
    }

    @Test(arguments: [
        ("A0 00 00 00 87 10 02", ApplicationKind.usim),
        ("A0 00 00 00 87 10 04 FF 49 FF FF 89", .isim),
        ("A0 00 00 03 43 10 02 FF 86", .csim),
        ("A0 00 00 00 87 10 05", .other),
        ("A0 00 00 00 03 10 10", .other),
        ("A0 00 00 00 87", .other),
    ])
    func kinds(aid: String, kind: ApplicationKind) {
        #expect(ApplicationTemplate(aid: hex(aid)).kind == kind)
    }

    @Test func roundTripWithoutLabel() throws {
        let template = ApplicationTemplate(aid: hex("A0 00 00 00 87 10 04 FF 49 FF FF 89 FF FF FF FF"))
        let record = template.encodedRecord(length: 40)
        #expect(record.count == 40)
        #expect(try ApplicationTemplate.decode(record: record[...]) == template)
    }

    @Test func dripFeed() {
        let template = Array(Self.usimRecord.prefix(2 + Int(Self.usimRecord[1])))
        for count in 0..<template.count {
            #expect(failsTruncated { _ = try ApplicationTemplate.decode(record: template.prefix(count)) }, "prefix of \(count) bytes")
        }
    }

    @Test(arguments: [
        "70 03 4F 01 A0",                      // not an application template
        "61 04 50 02 41 42",                   // no AID
        "61 06 4F 04 A0 00 00 00",             // AID shorter than a RID
        "61 09 4F 07 A0 00 00 00 87 10 02 61 00", // second template (trailing)
    ])
    func rejectsMalformed(encoding: String) {
        #expect(throws: DecodeError.self) { try ApplicationTemplate.decode(record: hex(encoding)[...]) }
    }
}
