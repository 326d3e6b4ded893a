import Foundation
import Testing
import SIMCard

@Suite struct ICCIDTests {
    @Test func workedVector() throws {
        let bytes = hex("98 48 10 32 54 76 98 10 32 F4")
        let iccid = try ICCID(decoding: bytes[...])
        #expect(iccid.digits == "8984012345678901234")
        #expect(iccid.description == "8984012345678901234")
        #expect(iccid.luhnValid)
        #expect(iccid.encoded == bytes)
    }

    @Test(arguments: [
        ("898401234567890123", "98 48 10 32 54 76 98 10 32 FF"),
        ("8984012345678901234", "98 48 10 32 54 76 98 10 32 F4"),
        ("89840123456789012345", "98 48 10 32 54 76 98 10 32 54"),
    ])
    func lengths(digits: String, encoding: String) throws {
        let iccid = try ICCID(digits: digits)
        #expect(iccid.encoded == hex(encoding))
        #expect(try ICCID(decoding: hex(encoding)[...]) == iccid)
    }

    @Test(arguments: [
        ("8984012345678901234", true),
        ("8984012345678901235", false),
        ("89014103211118510720", true),
        ("89014103211118510721", false),
        ("894412345678901234", false),
    ])
    func luhn(digits: String, valid: Bool) throws {
        #expect(try ICCID(digits: digits).luhnValid == valid)
    }

    @Test(arguments: ["", "12345678901234567", "123456789012345678901", "89840123456789012A", "8984 0123456789012"])
    func rejectsBadDigits(digits: String) {
        #expect(failsInvalid { _ = try ICCID(digits: digits) })
    }

    @Test(arguments: [
        "98 48 10 32 54 76 98 10 3A F4", // A nibble
        "98 48 10 32 54 76 98 10 F2 FF", // digit after the padding
        "98 48 10 32 54 76 98 FF FF FF", // only 14 digits
        "FF FF FF FF FF FF FF FF FF FF", // erased file
    ])
    func rejectsInvalidNibbles(encoding: String) {
        #expect(failsInvalid { _ = try ICCID(decoding: hex(encoding)[...]) })
    }

    @Test func dripFeed() {
        let bytes = hex("98 48 10 32 54 76 98 10 32 F4")
        for count in 0..<bytes.count {
            #expect(failsTruncated { _ = try ICCID(decoding: bytes.prefix(count)) }, "prefix of \(count) bytes")
        }
    }

    @Test func rejectsTrailingBytes() {
        #expect(failsTrailing { _ = try ICCID(decoding: hex("98 48 10 32 54 76 98 10 32 F4 FF")[...]) })
    }

    @Test func decodesFromASliceNotStartingAtZero() throws {
        let bytes = hex("00 00 98 48 10 32 54 76 98 10 32 F4")
        #expect(try ICCID(decoding: bytes[2...]).digits == "8984012345678901234")
    }

    @Test func codableAsDigitString() throws {
        let iccid = try ICCID(digits: "8984012345678901234")
        let json = try JSONEncoder().encode([iccid])
        #expect(String(decoding: json, as: UTF8.self) == #"["8984012345678901234"]"#)
        #expect(try JSONDecoder().decode([ICCID].self, from: json) == [iccid])
        #expect(throws: DecodeError.self) { try JSONDecoder().decode([ICCID].self, from: Data(#"["12"]"#.utf8)) }
    }
}
