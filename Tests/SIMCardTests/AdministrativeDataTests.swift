import Foundation
import Testing
import SIMCard

@Suite struct AdministrativeDataTests {
    @Test(arguments: [
        ("00 00 00 02", UInt8(0x00), 2 as Int?, "normal"),
        ("80 00 00 03", 0x80, 3, "type approval"),
        ("01 00 00 03 FF", 0x01, 3, "normal + specific facilities"),
        ("81 00 00 02", 0x81, 2, "type approval + specific facilities"),
        ("02 00 00", 0x02, nil, "maintenance (off line)"),
        ("04 00 00 F3", 0x04, 3, "cell test"),
        ("07 00 00 0F", 0x07, nil, "unknown (0x07)"),
        ("00 FF FF 01", 0x00, nil, "normal"),
    ])
    func decodes(encoding: String, mode: UInt8, mncLength: Int?, name: String) throws {
        let ad = try AdministrativeData(decoding: hex(encoding)[...])
        #expect(ad.raw == hex(encoding))
        #expect(ad.operationMode == mode)
        #expect(ad.mncLength == mncLength)
        #expect(ad.operationModeName == name)
    }

    @Test func dripFeed() {
        let bytes = hex("00 00 00 02")
        for count in 0..<3 {
            #expect(failsTruncated { _ = try AdministrativeData(decoding: bytes.prefix(count)) })
        }
    }

    @Test func codableKeepsRawAndDecodesItAgain() throws {
        let ad = try AdministrativeData(decoding: hex("80 00 00 03")[...])
        let json = try JSONEncoder().encode(ad)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(object?["operationModeName"] as? String == "type approval")
        #expect(object?["mncLength"] as? Int == 3)
        #expect(try JSONDecoder().decode(AdministrativeData.self, from: json) == ad)
    }
}
