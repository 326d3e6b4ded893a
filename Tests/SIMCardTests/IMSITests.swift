import Foundation
import Testing
import SIMCard

@Suite struct IMSITests {
    @Test func workedVector() throws {
        let bytes = hex("08 49 25 40 00 00 00 00 10")
        let imsi = try IMSI(decoding: bytes[...])
        #expect(imsi.digits == "452040000000001")
        #expect(imsi.mcc == "452")
        #expect(imsi.mnc(length: 2) == "04")
        #expect(imsi.msin(mncLength: 2) == "0000000001")
        #expect(imsi.encoded == bytes)
    }

    @Test func threeDigitMNC() throws {
        let imsi = try IMSI(digits: "310150123456789")
        #expect(imsi.mcc == "310")
        #expect(imsi.mnc(length: 3) == "150")
        #expect(imsi.msin(mncLength: 3) == "123456789")
    }

    @Test(arguments: [
        ("452040000000001", "08 49 25 40 00 00 00 00 10"),
        ("45204000000001", "08 41 25 40 00 00 00 00 F1"),
        ("001010", "04 01 10 10 F0 FF FF FF FF"),
        ("0010101", "04 09 10 10 10 FF FF FF FF"),
    ])
    func roundTrip(digits: String, encoding: String) throws {
        let imsi = try IMSI(digits: digits)
        #expect(imsi.encoded == hex(encoding))
        #expect(try IMSI(decoding: hex(encoding)[...]) == imsi)
    }

    @Test(arguments: [
        "08 41 25 40 00 00 00 00 10", // even parity nibble, 15 digits
        "08 49 25 40 00 00 00 00 F1", // odd parity nibble, 14 digits
        "08 49 25 40 00 0A 00 00 10", // A nibble
        "08 49 25 40 F0 00 00 00 10", // F inside the digits
        "00 FF FF FF FF FF FF FF FF", // length 0
        "09 49 25 40 00 00 00 00 10", // length 9
        "FF FF FF FF FF FF FF FF FF", // erased file
        "04 09 10 10 10 FF FF 00 FF", // non-FF after the significant bytes
        "02 09 10 FF FF FF FF FF FF", // 3 digits only
    ])
    func rejectsInvalid(encoding: String) {
        #expect(failsInvalid { _ = try IMSI(decoding: hex(encoding)[...]) })
    }

    @Test(arguments: ["12345", "1234567890123456", "45204000000000X", ""])
    func rejectsBadDigits(digits: String) {
        #expect(failsInvalid { _ = try IMSI(digits: digits) })
    }

    @Test func dripFeed() {
        let bytes = hex("08 49 25 40 00 00 00 00 10")
        for count in 0..<bytes.count {
            #expect(failsTruncated { _ = try IMSI(decoding: bytes.prefix(count)) }, "prefix of \(count) bytes")
        }
        #expect(failsTrailing { _ = try IMSI(decoding: (bytes + [0xFF])[...]) })
    }

    @Test func codableAsDigitString() throws {
        let imsi = try IMSI(digits: "452040000000001")
        let json = try JSONEncoder().encode([imsi])
        #expect(String(decoding: json, as: UTF8.self) == #"["452040000000001"]"#)
        #expect(try JSONDecoder().decode([IMSI].self, from: json) == [imsi])
    }
}
