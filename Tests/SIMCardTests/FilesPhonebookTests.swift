import Foundation
import Testing
import SIMCard

@Suite struct FilesPhonebookTests {
    // MARK: Alpha identifiers

    @Test func gsmAlpha() throws {
        #expect(try AlphaIdentifier.decode(hex("4E 68 61 FF FF FF")[...]) == "Nha")
        #expect(AlphaIdentifier.encode("Nha", length: 6) == hex("4E 68 61 FF FF FF"))
        #expect(try AlphaIdentifier.decode(hex("FF FF FF FF")[...]) == "")
        #expect(try AlphaIdentifier.decode([][...]) == "")
        // GSM specials: @ is 00, € is the escape 1B 65.
        #expect(try AlphaIdentifier.decode(hex("00 41 1B 65 FF")[...]) == "@A€")
    }

    @Test func ucs2VietnameseName() throws {
        // "Chị Hằng": C 0043, h 0068, ị 1ECB, space 0020, H 0048, ằ 1EB1, n 006E, g 0067.
        let field = hex("80 00 43 00 68 1E CB 00 20 00 48 1E B1 00 6E 00 67 FF FF FF")
        #expect(try AlphaIdentifier.decode(field[...]) == "Chị Hằng")
        #expect(try AlphaIdentifier.decode(field[...]).unicodeScalars.map(\.value) == [0x43, 0x68, 0x1ECB, 0x20, 0x48, 0x1EB1, 0x6E, 0x67])
        // Odd trailing byte and FFFF end mark.
        #expect(try AlphaIdentifier.decode(hex("80 1E CB FF FF 00")[...]) == "ị")
    }

    @Test func encoderPicksShortestUCS2Form() throws {
        // Both non-GSM characters lie in the half page 1E80–1EFF: 81 coding, base byte 3D.
        let encoded = AlphaIdentifier.encode("Chị Hằng", length: 14)
        #expect(encoded == hex("81 08 3D 43 68 CB 20 48 B1 6E 67 FF FF FF"))
        #expect(try AlphaIdentifier.decode(encoded[...]) == "Chị Hằng")
        // Characters too far apart for one window: 80 coding.
        let mixed = AlphaIdentifier.encode("ị中", length: 6)
        #expect(mixed == hex("80 1E CB 4E 2D FF"))
        #expect(try AlphaIdentifier.decode(mixed[...]) == "ị中")
        // Truncation keeps whole characters.
        #expect(try AlphaIdentifier.decode(AlphaIdentifier.encode("Chị Hằng", length: 7)[...]) == "Chị ")
        #expect(AlphaIdentifier.encode("abc", length: 0) == [])
    }

    @Test func ucs2Form81() throws {
        // 3 characters, base pointer 13 << 7 = 0980: "S" (GSM 53), 0995, 09A6.
        #expect(try AlphaIdentifier.decode(hex("81 03 13 53 95 A6 FF FF")[...]) == "S\u{995}\u{9A6}")
        #expect(AlphaIdentifier.encode("S\u{995}\u{9A6}", length: 8) == hex("81 03 13 53 95 A6 FF FF"))
    }

    @Test func ucs2Form82() throws {
        // TS 102 221 Annex A example: 5 characters, base 0530: "-", 0532, 0583, "-", "1".
        let field = hex("82 05 05 30 2D 82 D3 2D 31")
        #expect(try AlphaIdentifier.decode(field[...]) == "-\u{532}\u{583}-1")
        let encoded = AlphaIdentifier.encode("-\u{532}\u{583}-1", length: 9)
        #expect(try AlphaIdentifier.decode(encoded[...]) == "-\u{532}\u{583}-1")
    }

    @Test func hostileUCS2Lengths() {
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(hex("81 0A 13 53 95")[...]) })
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(hex("81 FF 13 53")[...]) })
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(hex("82 05 05 30 2D")[...]) })
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(hex("81 01")[...]) })
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(hex("82 01 05")[...]) })
        // A base near the top of the code space must not overflow.
        #expect((try? AlphaIdentifier.decode(hex("82 01 FF F0 FF")[...])) != nil)
    }

    // MARK: Dialling digits

    @Test func diallingDigits() {
        #expect(DiallingDigits.decode(hex("21 43 F5")[...]) == "12345")
        #expect(DiallingDigits.decode(hex("BA DC FE")[...]) == "*#,?E")
        #expect(DiallingDigits.decode(hex("21 F3 65")[...]) == "123")
        #expect(DiallingDigits.encode("*#,?E") == hex("BA DC FE"))
        #expect(DiallingDigits.encode("12345") == hex("21 43 F5"))
        #expect(DiallingDigits.encode("12a") == nil)
        #expect(DiallingDigits.encode("") == [])
    }

    // MARK: ADN

    static let nhaRecord = "4E 68 61 FF FF FF FF FF FF FF FF FF FF FF  07 91 48 19 32 54 76 F8 FF FF FF FF  FF FF"

    @Test func adnVector() throws {
        let record = hex(Self.nhaRecord)
        #expect(record.count == 28)
        let entry = try DiallingNumber.decode(record: record[...])
        #expect(entry.alpha == "Nha")
        #expect(entry.number == "+84912345678")
        #expect(entry.digits == "84912345678")
        #expect(entry.typeOfNumber == 1)
        #expect(entry.numberingPlan == 1)
        #expect(entry.typeOfNumberName == "international")
        #expect(entry.capabilityConfigurationID == nil)
        #expect(entry.extensionRecord == nil)
        #expect(!entry.isEmpty)
        #expect(entry.encodedRecord(alphaLength: 14) == record)
        let built = DiallingNumber(alpha: "Nha", number: "+84912345678")
        #expect(built.encodedRecord(alphaLength: 14) == record)
    }

    @Test func adnUCS2AndNational() throws {
        let alpha = AlphaIdentifier.encode("Chị Hằng", length: 18)
        let record = alpha + hex("06 81 90 21 43 65 87 FF FF FF FF FF 05 FF")
        let entry = try DiallingNumber.decode(record: record[...])
        #expect(entry.alpha == "Chị Hằng")
        #expect(entry.number == "0912345678")
        #expect(entry.typeOfNumber == 0)
        #expect(entry.capabilityConfigurationID == 5)
        #expect(entry.encodedRecord(alphaLength: 18) == record)
    }

    @Test func emptyRecords() throws {
        let erased = [UInt8](repeating: 0xFF, count: 28)
        let entry = try DiallingNumber.decode(record: erased[...])
        #expect(entry.isEmpty)
        #expect(entry.alpha == nil && entry.number == "" && entry.typeOfNumber == nil)
        #expect(entry.encodedRecord(alphaLength: 14) == erased)
        // No alpha field at all (14-byte records exist).
        let bare = try DiallingNumber.decode(record: hex("04 81 21 43 F5 FF FF FF FF FF FF FF FF FF")[...])
        #expect(bare.alpha == nil && bare.number == "12345")
    }

    @Test func hostileADN() throws {
        var record = hex(Self.nhaRecord)
        record[14] = 0xFE
        #expect(failsInvalid { _ = try DiallingNumber.decode(record: record[...]) })
        record[14] = 0x0C
        #expect(failsInvalid { _ = try DiallingNumber.decode(record: record[...]) })
        // 81 alpha whose character count runs past the 14-byte alpha field.
        // It is a field error: the number is kept.
        let ucs = hex("81 20 3D 43 68 CB FF FF FF FF FF FF FF FF") + hex(Self.nhaRecord).suffix(14)
        let overrun = try DiallingNumber.decode(record: ucs[...])
        #expect(overrun.alpha == nil && overrun.number == "+84912345678")
        #expect(overrun.fieldErrors?.first?.error == "alpha identifier (81 coding) of 32 characters truncated: needed 35 bytes, got 14")
        #expect(failsTruncated { _ = try AlphaIdentifier.decode(ucs.prefix(14)) })
        // Maximum length 11 reads exactly to the end of the number field.
        let full = hex("0B 81 21 43 65 87 09 21 43 65 87 09 FF FF")
        #expect(try DiallingNumber.decode(record: full[...]).number == "12345678901234567890")
    }

    @Test func adnDripFeed() {
        let record = hex(Self.nhaRecord)
        for count in 0..<14 {
            #expect(failsTruncated { _ = try DiallingNumber.decode(record: record.suffix(14).prefix(count)) }, "prefix \(count)")
        }
        // Every other cut still decodes or throws, never traps.
        for count in 0...record.count {
            _ = try? DiallingNumber.decode(record: record.prefix(count))
        }
    }

    @Test func encoderRejectsUnencodable() {
        #expect(DiallingNumber(alpha: nil, number: "123x").encodedRecord(alphaLength: 0) == nil)
        #expect(DiallingNumber(alpha: nil, number: "123456789012345678901").encodedRecord(alphaLength: 0) == nil)
    }

    // MARK: Extension records

    @Test func extensionChain() throws {
        let adn = try DiallingNumber.decode(record: hex("FF FF 0B 81 21 43 65 87 09 21 43 65 87 09 FF 01")[...])
        #expect(adn.extensionRecord == 1)
        let first = try ExtensionRecord(decoding: hex("02 03 21 43 65 FF FF FF FF FF FF FF 02")[...])
        let second = try ExtensionRecord(decoding: hex("02 01 87 FF FF FF FF FF FF FF FF FF 01")[...])
        #expect(first.additionalDigits == "123456")
        #expect(first.nextRecord == 2)
        #expect(second.additionalDigits == "78")
        // Record 2 points back to record 1: the loop stops there.
        let full = adn.appending(extensions: [1: first, 2: second])
        #expect(full.number == "1234567890123456789012345678")
        #expect(first.encoded == hex("02 03 21 43 65 FF FF FF FF FF FF FF 02"))
        #expect(ExtensionRecord.additionalData("123456", nextRecord: 2) == first)
        // Missing record: stop quietly.
        #expect(adn.appending(extensions: [:]).number == adn.number)
        // A self-loop and a long chain stay bounded.
        let selfLoop = try ExtensionRecord(decoding: hex("02 01 21 FF FF FF FF FF FF FF FF FF 01")[...])
        #expect(adn.appending(extensions: [1: selfLoop]).number == adn.number + "12")
        var chain: [Int: ExtensionRecord] = [:]
        for id in 1...30 { chain[id] = ExtensionRecord.additionalData("9", nextRecord: UInt8(id + 1)) }
        #expect(adn.appending(extensions: chain).number == adn.number + String(repeating: "9", count: DiallingNumber.maximumExtensionHops))
    }

    @Test func extensionRecordEdges() throws {
        let empty = try ExtensionRecord(decoding: [UInt8](repeating: 0xFF, count: 13)[...])
        #expect(empty.isEmpty && empty.additionalDigits == nil && empty.nextRecord == nil)
        let subaddress = try ExtensionRecord(decoding: hex("01 03 80 50 12 FF FF FF FF FF FF FF FF")[...])
        #expect(subaddress.subaddress?.prefix(4) == hex("03 80 50 12")[...])
        #expect(subaddress.additionalDigits == nil)
        #expect(failsInvalid { _ = try ExtensionRecord(decoding: hex("02 0B 21 43 65 FF FF FF FF FF FF FF FF")[...]) })
        let bytes = hex("02 03 21 43 65 FF FF FF FF FF FF FF 02")
        for count in 0..<13 {
            #expect(failsTruncated { _ = try ExtensionRecord(decoding: bytes.prefix(count)) })
        }
        #expect(failsTrailing { _ = try ExtensionRecord(decoding: (bytes + [0xFF])[...]) })
    }

    // MARK: EF.PBR

    static let pbr = "A8 0E C0 03 4F 3A 01 C1 02 4F 25 C5 03 4F 09 05  A9 05 C4 03 4F 11 11  FF FF FF"

    @Test func phonebookReference() throws {
        let pbr = try PhonebookReference(decoding: hex(Self.pbr)[...])
        #expect(pbr.files.map(\.name) == ["ADN", "IAP", "PBC", "ANR"])
        #expect(pbr.files.map(\.type) == [1, 1, 1, 2])
        #expect(pbr.files[0].fid == 0x4F3A && pbr.files[0].sfi == 0x01 && pbr.files[0].fidHex == "4F3A")
        #expect(pbr.files[1].sfi == nil)
        #expect(pbr.files[3].tag == 0xC4 && pbr.files[3].sfi == 0x11)
        #expect(try PhonebookReference.decode(record: [UInt8](repeating: 0xFF, count: 20)[...]).files.isEmpty)
        #expect(PhonebookReference.name(of: 0xCA) == "EMAIL")
        #expect(PhonebookReference.name(of: 0xCB) == "CCP1")
    }

    @Test func hostilePhonebookReference() {
        #expect(failsTruncated { _ = try PhonebookReference(decoding: hex("A8 10 C0 03 4F 3A")[...]) })
        #expect(failsTruncated { _ = try PhonebookReference(decoding: hex("A8 05 C0 09 4F 3A 01")[...]) })
        #expect(failsInvalid { _ = try PhonebookReference(decoding: hex("A8 03 C0 01 4F")[...]) })
        #expect(failsInvalid { _ = try PhonebookReference(decoding: hex("B0 00")[...]) })
        let bytes = hex(Self.pbr)
        for count in 0...bytes.count {
            _ = try? PhonebookReference(decoding: bytes.prefix(count))
        }
        for count in [1, 2, 5, 9, 17, 20] {
            #expect((try? PhonebookReference(decoding: bytes.prefix(count))) == nil, "prefix \(count)")
        }
    }
}
