import Testing
import SIMCard

@Suite struct TLVTests {
    @Test(arguments: [
        ("80 01 AA", UInt32(0x80), 1),
        ("9F 70 00", 0x9F70, 0),
        ("BF 80 01 02 01 02", 0xBF8001, 2),
        ("C0 7F" + String(repeating: " 00", count: 0x7F), 0xC0, 0x7F),
        ("62 81 80" + String(repeating: " 11", count: 0x80), 0x62, 0x80),
        ("62 81 FF" + String(repeating: " 11", count: 0xFF), 0x62, 0xFF),
        ("62 82 01 00" + String(repeating: " 22", count: 0x100), 0x62, 0x100),
    ])
    func roundTrip(encoding: String, tag: UInt32, length: Int) throws {
        let bytes = hex(encoding)
        let objects = try TLV.parseAll(bytes[...])
        #expect(objects.count == 1)
        #expect(objects.first?.tag == tag)
        #expect(objects.first?.value.count == length)
        #expect(objects.first?.encoded == bytes)
    }

    @Test func sequence() throws {
        let objects = try TLV.parseAll(hex("4F 02 A0 00 50 01 41")[...])
        #expect(objects == [TLV(tag: 0x4F, value: [0xA0, 0x00]), TLV(tag: 0x50, value: [0x41])])
    }

    @Test(arguments: ["80 01 AA FF FF FF", "80 01 AA 00 00", "FF 80 01 AA", "80 01 AA FF 00 FF"])
    func skipsPadding(encoding: String) throws {
        #expect(try TLV.parseAll(hex(encoding)[...]) == [TLV(tag: 0x80, value: [0xAA])])
    }

    @Test func emptyAndAllPadding() throws {
        #expect(try TLV.parseAll([][...]).isEmpty)
        #expect(try TLV.parseAll(hex("FF FF FF")[...]).isEmpty)
    }

    @Test(arguments: ["BF 80 80 01 00", "80 80", "80 83 00 00 01 00", "80 84 00 00 00 01 00"])
    func rejectsUnsupportedForms(encoding: String) {
        #expect(failsInvalid { _ = try TLV.parseAll(hex(encoding)[...]) })
    }

    @Test(arguments: ["BF 80 01 02 01 02", "62 82 01 00" + String(repeating: " 22", count: 0x100), "9F 70 03 01 02 03"])
    func dripFeed(encoding: String) {
        let bytes = hex(encoding)
        for count in 1..<bytes.count {
            #expect(failsTruncated { _ = try TLV.parseAll(bytes.prefix(count)) }, "prefix of \(count) bytes")
        }
    }

    @Test func truncatedValueAfterComplete() {
        #expect(failsTruncated { _ = try TLV.parseAll(hex("80 01 AA 81 02 01")[...]) })
    }
}
