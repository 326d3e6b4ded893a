import ByteText
import Testing
@testable import SIMCard

@Suite struct SMSGSM7Tests {
    @Test func packsHelloHello() {
        let septets = GSM7.encode("hellohello")!
        #expect(GSM7.pack(septets) == hex("E8329BFD4697D9EC37"))
        #expect(GSM7.decode(unpacked: GSM7.unpack(hex("E8329BFD4697D9EC37")[...], septets: 10)) == "hellohello")
    }

    @Test func eightSeptetsFillSevenOctets() {
        // 8 septets fill exactly 56 bits; the 8th septet lies wholly in the top bits.
        let septets: [UInt8] = Array("ABCDEFGH".utf8)
        let packed = GSM7.pack(septets)
        #expect(packed.count == 7)
        #expect(GSM7.unpack(packed[...], septets: 8) == septets)
    }

    @Test func extensionTable() {
        let text = "5€ [VIP] {a}|b\\~^"
        let septets = GSM7.encode(text)!
        #expect(septets.prefix(3) == [0x35, 0x1B, 0x65])
        #expect(GSM7.decode(unpacked: septets) == text)
        #expect(GSM7.decode(unpacked: GSM7.unpack(GSM7.pack(septets)[...], septets: septets.count)) == text)
    }

    @Test func defaultAlphabetSpecials() {
        let text = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ ¤¡ÄÖÑÜ§¿äöñüà"
        #expect(GSM7.decode(unpacked: GSM7.encode(text)!) == text)
        #expect(GSM7.encode("tiền") == nil)
    }

    @Test func escapeEdgeCases() {
        // Undefined extension code: the default-alphabet character (TS 23.038 §6.2.1.1).
        #expect(GSM7.decode(unpacked: [0x1B, 0x41]) == "A")
        // ESC ESC: reserved for another table, shown as a space.
        #expect(GSM7.decode(unpacked: [0x41, 0x1B, 0x1B, 0x42]) == "A B")
        // Trailing lone escape ignored; bit 8 ignored.
        #expect(GSM7.decode(unpacked: [0x41, 0x1B]) == "A")
        #expect(GSM7.decode(unpacked: [0xC1, 0xE2]) == "Ab")
    }

    @Test func unpackWithFillBitsAndShortData() {
        let septets = GSM7.encode("Hi there")!
        let packed = GSM7.pack(septets, skipBits: 6 * 8 + 1)
        #expect(Array(packed.prefix(6)) == [0, 0, 0, 0, 0, 0])
        #expect(GSM7.unpack(packed[...], septets: septets.count, skipBits: 49) == septets)
        // Never reads beyond the data.
        #expect(GSM7.unpack(hex("E832")[...], septets: 100).count == 2)
        #expect(GSM7.unpack([][...], septets: 5).isEmpty)
    }
}

@Suite struct SMSAddressTests {
    @Test func internationalNumber() throws {
        let (address, consumed) = try SMSAddress.decode(tpAddress: hex("0B914819325476F8 00")[...])
        #expect(consumed == 8)
        #expect(address.value == "+84912345678")
        #expect(address.typeOfNumber == 1 && address.numberingPlan == 1 && address.kind == .numeric)
        #expect(address.encodedTPAddress == hex("0B914819325476F8"))
    }

    @Test func semiOctetSpecials() throws {
        let address = try SMSAddress(typeOfNumber: 2, numberingPlan: 1, value: "*123#ab")
        #expect(address.encodedTPAddress == hex("07A11A32CBFD"))
        #expect(try SMSAddress(decodingTPAddress: address.encodedTPAddress[...]) == address)
        #expect(failsInvalid { _ = try SMSAddress(decodingTPAddress: hex("04A121F3")[...]) })
    }

    @Test func alphanumericSender() throws {
        let address = try SMSAddress(alphanumeric: "VAYNHANH")
        let encoded = address.encodedTPAddress
        #expect(encoded[0] == 14 && encoded[1] == 0xD0 && encoded.count == 9)
        let decoded = try SMSAddress(decodingTPAddress: encoded[...])
        #expect(decoded.value == "VAYNHANH" && decoded.kind == .alphanumeric)
        // 7 septets: 49 bits, 13 semi-octets.
        #expect(try SMSAddress(decodingTPAddress: SMSAddress(alphanumeric: "SODO666").encodedTPAddress[...]).value == "SODO666")
    }

    @Test func smscAddress() throws {
        let address = try SMSAddress(decodingSMSCAddress: hex("07914809000000F0")[...])
        #expect(address.value == "+84900000000")
        #expect(address.encodedSMSCAddress == hex("07914809000000F0"))
        #expect(try SMSAddress.decode(smscAddress: hex("00 04")[...]).address == nil)
        #expect(failsTruncated { _ = try SMSAddress(decodingSMSCAddress: hex("07914809")[...]) })
        #expect(failsTrailing { _ = try SMSAddress(decodingSMSCAddress: hex("07914809000000F0 00")[...]) })
        #expect(failsInvalid { _ = try SMSAddress(decodingSMSCAddress: hex("0791480900F00000")[...]) })
    }

    @Test func hostileLengths() {
        #expect(failsInvalid { _ = try SMSAddress.decode(tpAddress: (hex("FF91") + [UInt8](repeating: 0x11, count: 200))[...]) })
        #expect(failsInvalid { _ = try SMSAddress.decode(smscAddress: ([0xFF] + [UInt8](repeating: 0x11, count: 300))[...]) })
        #expect(failsTruncated { _ = try SMSAddress.decode(tpAddress: hex("0B914819")[...]) })
    }

    @Test func validation() {
        #expect(failsInvalid { _ = try SMSAddress(typeOfNumber: 1, numberingPlan: 1, value: "84912") })
        #expect(failsInvalid { _ = try SMSAddress(typeOfNumber: 0, numberingPlan: 1, value: "+84912") })
        #expect(failsInvalid { _ = try SMSAddress(alphanumeric: "tiền") })
        #expect(failsInvalid { _ = try SMSAddress(typeOfNumber: 8, numberingPlan: 1, value: "1") })
    }
}

@Suite struct SMSTimestampTests {
    @Test func vietnamPlusSeven() throws {
        let timestamp = try SMSTimestamp(decoding: hex("12015041032182")[...])
        #expect(timestamp.iso8601 == "2021-10-05T14:30:12+07:00")
        #expect(timestamp.timeZoneQuarterHours == 28)
        #expect(timestamp.encoded == hex("12015041032182"))
    }

    @Test func negativeZone() throws {
        // -03:00 = 12 quarters: tens 1 with the sign bit (8) in the low nibble, units 2.
        let timestamp = try SMSTimestamp(decoding: hex("42206031547429")[...])
        #expect(timestamp.iso8601 == "2024-02-06T13:45:47-03:00")
        // -05:30 = 22 quarters: 0x2A.
        let india = try SMSTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0, timeZoneQuarterHours: -22)
        #expect(india.encoded.last == 0x2A)
        #expect(try SMSTimestamp(decoding: india.encoded[...]).iso8601 == "2024-01-01T00:00:00-05:30")
    }

    @Test func rejectsBadBCD() {
        #expect(failsInvalid { _ = try SMSTimestamp(decoding: hex("1A015041032182")[...]) })
        #expect(failsInvalid { _ = try SMSTimestamp(decoding: hex("12315041032182")[...]) })  // month 13
        #expect(failsInvalid { _ = try SMSTimestamp(decoding: hex("120150410321A2")[...]) })
        #expect(failsTruncated { _ = try SMSTimestamp(decoding: hex("120150")[...]) })
        #expect(failsTrailing { _ = try SMSTimestamp(decoding: hex("1201504103218200")[...]) })
    }
}

/// Fixtures shared by the TPDU tests.
enum SMSFixtures {
    static let scts = try! SMSTimestamp(year: 2025, month: 6, day: 14, hour: 9, minute: 41, second: 7, timeZoneQuarterHours: 28)
    static let vietnamese = "Vay tiền nhanh lãi suất thấp"
}

@Suite struct SMSTPDUTests {
    /// The widely published SMS-DELIVER example "hellohello" from +27838890001 (TON 4).
    static let classicDeliver = hex("040BC87238880900F10000993092516195800AE8329BFD4697D9EC37")

    @Test func classicDeliver() throws {
        guard case .deliver(let deliver) = try SMSTPDU.decode(Self.classicDeliver[...], fromNetwork: true) else {
            Issue.record("not a deliver"); return
        }
        #expect(deliver.originator.value == "27838890001")
        #expect(deliver.originator.typeOfNumber == 4)
        #expect(deliver.userData.text == "hellohello")
        #expect(deliver.timestamp.iso8601 == "2099-03-29T15:16:59+02:00")  // 2000-2099 rule
        #expect(!deliver.moreMessagesToSend)
        #expect(deliver.encoded == Self.classicDeliver)
    }

    @Test func ucs2VietnameseExact() throws {
        let userData = try SMSUserData(text: SMSFixtures.vietnamese, encoding: .ucs2)
        let deliver = SMSDeliver(originator: try SMSAddress(alphanumeric: "VAYNHANH"), timestamp: SMSFixtures.scts, userData: userData)
        let decoded = try SMSTPDU.decode(deliver.encoded[...], fromNetwork: true)
        let text = decoded.userData?.text
        #expect(text.map { Array($0.unicodeScalars) } == Array(SMSFixtures.vietnamese.unicodeScalars))
        #expect(decoded.address.value == "VAYNHANH")
        // "ề" is U+1EC1 in UCS-2: 1E C1.
        #expect(Hex.string(deliver.encoded).contains("1EC1"))
    }

    @Test func combiningMarksKeptAsSent() throws {
        // "tiền" with e + U+0302 + U+0300: no normalisation.
        let decomposed = "ti\u{65}\u{302}\u{300}n"
        let bytes = hex("0074 0069 0065 0302 0300 006E")
        let text = SMSUserData.ucs2String(bytes[...])
        #expect(Array(text.unicodeScalars) == Array(decomposed.unicodeScalars))
        #expect(text.unicodeScalars.count == 6)
    }

    @Test func surrogatePairs() {
        #expect(SMSUserData.ucs2String(hex("D83DDCB0 0021")[...]) == "💰!")
        #expect(SMSUserData.ucs2String(hex("D83D 0021")[...]) == "\u{FFFD}!")
    }

    @Test func eightBitData() throws {
        let pdu = hex("04 0B914819325476F8 00 04 52604190147082 04 DEADBEEF")
        guard case .deliver(let deliver) = try SMSTPDU.decode(pdu[...], fromNetwork: true) else { Issue.record("kind"); return }
        #expect(deliver.userData.encoding == .eightBit)
        #expect(deliver.userData.binary == hex("DEADBEEF"))
        #expect(deliver.userData.text == nil)
        #expect(deliver.encoded == pdu)
    }

    @Test func dataCodingGroups() {
        #expect(SMSEncoding.of(dataCodingScheme: 0x00) == (.gsm7, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0x08) == (.ucs2, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0x04) == (.eightBit, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0x18) == (.ucs2, false))  // class 0 UCS-2
        #expect(SMSEncoding.of(dataCodingScheme: 0x0C) == (.gsm7, false))  // reserved alphabet
        #expect(SMSEncoding.of(dataCodingScheme: 0x28) == (.ucs2, true))
        #expect(SMSEncoding.of(dataCodingScheme: 0xF0) == (.gsm7, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0xF4) == (.eightBit, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0xC8) == (.gsm7, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0xD0) == (.gsm7, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0xE0) == (.ucs2, false))
        #expect(SMSEncoding.of(dataCodingScheme: 0x90) == (.gsm7, false))
    }

    @Test func compressedKeptBinary() throws {
        let pdu = hex("04 0B914819325476F8 00 28 52604190147082 03 112233")
        let tpdu = try SMSTPDU.decode(pdu[...], fromNetwork: true)
        #expect(tpdu.userData?.binary == hex("112233"))
        #expect(tpdu.userData?.note != nil)
    }

    @Test func submitWithEachValidityFormat() throws {
        // The widely published SMS-SUBMIT example: VPF relative, VP AA = 4 days.
        let classic = hex("11000B916407281553F80000AA0AE8329BFD4697D9EC37")
        guard case .submit(let submit) = try SMSTPDU.decode(classic[...], fromNetwork: false) else { Issue.record("kind"); return }
        #expect(submit.destination.value == "+46708251358")
        #expect(submit.validityPeriod == .relative(0xAA))
        #expect(submit.validityPeriod?.description == "4 days")
        #expect(submit.userData.text == "hellohello")
        #expect(submit.encoded == classic)

        let destination = try SMSAddress(international: "+84912345678")
        let text = try SMSUserData(text: "Test", encoding: .gsm7)
        let periods: [SMSValidityPeriod?] = [nil, .relative(0x8F), .enhanced(hex("01020304050607")), .absolute(SMSFixtures.scts)]
        for period in periods {
            let original = SMSSubmit(destination: destination, userData: text, messageReference: 0x42, validityPeriod: period,
                                     statusReportRequest: true)
            let decoded = try SMSTPDU.decode(original.encoded[...], fromNetwork: false)
            #expect(decoded == .submit(original))
        }
        #expect(SMSValidityPeriod.relative(0x8F).description == "12 hours")
        #expect(SMSValidityPeriod.relative(0).description == "5 minutes")
        #expect(SMSValidityPeriod.relative(0xA7).description == "1 day")
        #expect(SMSValidityPeriod.relative(0xC5).description == "5 weeks")
        #expect(SMSValidityPeriod.relative(0x90).description == "12 hours 30 minutes")
    }

    @Test func statusReport() throws {
        // MR 2A to +84912345678, delivered (ST 00), no parameters.
        let pdu = hex("06 2A 0B914819325476F8 52604190147082 52604190347082 00")
        guard case .statusReport(let report) = try SMSTPDU.decode(pdu[...], fromNetwork: true) else { Issue.record("kind"); return }
        #expect(report.messageReference == 0x2A)
        #expect(report.recipient.value == "+84912345678")
        #expect(report.dischargeTime.iso8601 == "2025-06-14T09:43:07+07:00")
        #expect(report.status == 0 && report.parameterIndicator == nil)
        #expect(report.encoded == pdu)
        // With TP-PI: PID and UDL (default alphabet).
        let withParameters = SMSStatusReport(messageReference: 1, recipient: report.recipient, serviceCentreTimestamp: SMSFixtures.scts,
                                             dischargeTime: SMSFixtures.scts, status: 0x41, protocolIdentifier: 0,
                                             userData: try SMSUserData(text: "ok", encoding: .gsm7))
        #expect(try SMSTPDU.decode(withParameters.encoded[...], fromNetwork: true) == .statusReport(withParameters))
        #expect(withParameters.statusDescription.hasPrefix("permanent"))
    }

    @Test func concatenationReferences() throws {
        let eight = try Concatenation(reference: 0x5A, total: 2, sequence: 1)
        let userData = try SMSUserData(text: "Phần 1", encoding: .ucs2, concatenation: eight)
        #expect(Array(userData.encoded.prefix(7)) == hex("12 05 00 03 5A 02 01"))
        let deliver = SMSDeliver(originator: try SMSAddress(alphanumeric: "TAICHINH"), timestamp: SMSFixtures.scts, userData: userData)
        let decoded = try SMSTPDU.decode(deliver.encoded[...], fromNetwork: true)
        #expect(decoded.userData?.concatenation == eight)
        #expect(decoded.userData?.text == "Phần 1")
        #expect(decoded.encoded[0] & 0x40 != 0)

        let sixteen = try Concatenation(reference: 0xBEEF, total: 3, sequence: 3, sixteenBitReference: true)
        let gsm = try SMSUserData(text: "part three", encoding: .gsm7, concatenation: sixteen)
        let submit = SMSSubmit(destination: try SMSAddress(international: "+84987654321"), userData: gsm)
        let again = try SMSTPDU.decode(submit.encoded[...], fromNetwork: false)
        #expect(again.userData?.concatenation == sixteen)
        #expect(again.userData?.text == "part three")
        #expect(again.userData?.header.first?.identifier == 0x08)
    }

    @Test func fillBitsAfterHeader() throws {
        // UDH of 6 octets (48 bits) needs 1 fill bit: text starts at septet 7.
        let concat = try Concatenation(reference: 1, total: 2, sequence: 2)
        let userData = try SMSUserData(text: "hello", encoding: .gsm7, concatenation: concat)
        let encoded = userData.encoded
        #expect(encoded[0] == 12)  // 7 header septets + 5
        #expect(Array(encoded[1...6]) == hex("050003010202"))
        // The first text septet 'h' (0x68) shifted left by one fill bit.
        #expect(encoded[7] == 0xD0)
        let (decoded, consumed) = try SMSUserData.decode(encoded[...], dataCodingScheme: 0, hasHeader: true)
        #expect(consumed == encoded.count)
        #expect(decoded.text == "hello")
        #expect(decoded.concatenation == concat)
    }

    @Test func roundTripsBuiltMessages() throws {
        let originator = try SMSAddress(international: "+84789123456")
        for (text, encoding) in [("SODO66: Nap 100K tang 5€ [VIP]", SMSEncoding.gsm7), (SMSFixtures.vietnamese, .ucs2), ("", .gsm7)] {
            let deliver = SMSDeliver(originator: originator, timestamp: SMSFixtures.scts,
                                     userData: try SMSUserData(text: text, encoding: encoding), moreMessagesToSend: true, replyPath: true)
            #expect(try SMSTPDU.decode(deliver.encoded[...], fromNetwork: true) == .deliver(deliver))
        }
    }

    @Test func dripFeedNeverCrashes() throws {
        let deliver = SMSDeliver(originator: try SMSAddress(alphanumeric: "VAYNHANH"), timestamp: SMSFixtures.scts,
                                 userData: try SMSUserData(text: SMSFixtures.vietnamese, encoding: .ucs2,
                                                           concatenation: Concatenation(reference: 7, total: 2, sequence: 1)))
        let submit = SMSSubmit(destination: try SMSAddress(international: "+84912345678"),
                               userData: try SMSUserData(text: "Nap 100K [VIP]", encoding: .gsm7),
                               validityPeriod: .absolute(SMSFixtures.scts))
        for (pdu, fromNetwork) in [(deliver.encoded, true), (submit.encoded, false), (Self.classicDeliver, true)] {
            for length in 0..<pdu.count {
                #expect(failsTruncated { _ = try SMSTPDU.decode(pdu.prefix(length), fromNetwork: fromNetwork) }, "prefix \(length)")
            }
            #expect(failsTrailing { _ = try SMSTPDU.decode((pdu + [0xFF])[...], fromNetwork: fromNetwork) })
        }
    }

    @Test func hostileLengths() {
        // UDL 0x50 septets, 3 octets of data.
        #expect(failsTruncated { _ = try SMSTPDU.decode(hex("04 0B914819325476F8 00 00 52604190147082 50 E8329B")[...], fromNetwork: true) })
        // UDL 255 octets of UCS-2: more than 140.
        #expect(failsInvalid { _ = try SMSTPDU.decode((hex("04 0B914819325476F8 00 08 52604190147082 FF") + [UInt8](repeating: 0, count: 255))[...], fromNetwork: true) })
        // UDHL 0x20 in 4 octets of 8-bit user data.
        #expect(failsInvalid { _ = try SMSTPDU.decode(hex("44 0B914819325476F8 00 04 52604190147082 04 20000301")[...], fromNetwork: true) })
        // A header element overrunning the header.
        #expect(failsInvalid { _ = try SMSTPDU.decode(hex("44 0B914819325476F8 00 04 52604190147082 04 03000901")[...], fromNetwork: true) })
        // GSM 7-bit: a UDL shorter than the header's septets.
        #expect(failsInvalid { _ = try SMSTPDU.decode(hex("44 0B914819325476F8 00 00 52604190147082 02 050003010201")[...], fromNetwork: true) })
        // Address length 255.
        #expect(failsInvalid { _ = try SMSTPDU.decode((hex("04 FF91") + [UInt8](repeating: 0x11, count: 200))[...], fromNetwork: true) })
        // UDHI with UDL 0.
        #expect(failsInvalid { _ = try SMSTPDU.decode(hex("44 0B914819325476F8 00 04 52604190147082 00")[...], fromNetwork: true) })
        // Wrong direction for the MTI, reserved MTI.
        #expect(failsInvalid { _ = try SMSTPDU.decode(Self.classicDeliver[...], fromNetwork: false) })
        #expect(failsInvalid { _ = try SMSTPDU.decode(hex("03")[...], fromNetwork: true) })
    }
}

@Suite struct SMSRecordTests {
    static let smsc = try! SMSAddress(international: "+84900000000")
    static let deliver = SMSTPDU.deliver(SMSDeliver(originator: try! SMSAddress(alphanumeric: "VAYNHANH"), timestamp: SMSFixtures.scts,
                                                    userData: try! SMSUserData(text: SMSFixtures.vietnamese, encoding: .ucs2)))

    @Test func statuses() {
        let cases: [(UInt8, SMSRecordStatus)] = [(0x00, .free), (0x02, .free), (0x01, .read), (0x03, .unread), (0x05, .sent),
                                                 (0x0D, .sent), (0x15, .sent), (0x1D, .sent), (0x07, .toBeSent), (0x0B, .unknown),
                                                 (0xE1, .read)]
        for (byte, status) in cases { #expect(SMSRecordStatus(byte: byte) == status, "\(byte)") }
    }

    @Test func readRecord() {
        let record = SMSRecord.decode(record: SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: Self.deliver)[...])
        #expect(record.status == .read && !record.isEmpty && !record.isDeletedResidue)
        #expect(record.smsc == Self.smsc)
        #expect(record.tpdu == Self.deliver)
        #expect(record.decodeError == nil && record.notes.isEmpty)
        #expect(record.raw.count == 176)
    }

    @Test func residueDetected() {
        let record = SMSRecord.decode(record: SMSRecord.encode(status: 0x00, smsc: Self.smsc, tpdu: Self.deliver)[...])
        #expect(record.status == .free && record.isDeletedResidue && !record.isEmpty)
        #expect(record.text == SMSFixtures.vietnamese)
        let submit = SMSTPDU.submit(SMSSubmit(destination: try! SMSAddress(international: "+84912345678"),
                                              userData: try! SMSUserData(text: "hi", encoding: .gsm7)))
        let sentResidue = SMSRecord.decode(record: SMSRecord.encode(status: 0x00, smsc: nil, tpdu: submit)[...])
        #expect(sentResidue.isDeletedResidue && sentResidue.tpdu == submit)
    }

    @Test func emptyRecords() {
        for bytes in [[0x00] + [UInt8](repeating: 0xFF, count: 175), [UInt8](repeating: 0x00, count: 176),
                      [UInt8](repeating: 0xFF, count: 176)] {
            let record = SMSRecord.decode(record: bytes[...])
            #expect(record.isEmpty && record.status == .free && !record.isDeletedResidue && record.decodeError == nil)
        }
        #expect(SMSRecord.decode(record: [][...]).decodeError != nil)
    }

    @Test func garbageKeptWithError() {
        let record = SMSRecord.decode(record: (hex("01 07914809000000F0 04 FF91") + [UInt8](repeating: 0x33, count: 100))[...])
        #expect(record.status == .read && record.tpdu == nil && record.decodeError != nil)
        let freeGarbage = SMSRecord.decode(record: hex("00 1234")[...])
        #expect(!freeGarbage.isDeletedResidue && !freeGarbage.isEmpty && freeGarbage.decodeError != nil)
        let stray = SMSRecord.decode(record: (SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: Self.deliver, length: 100) + [0x00])[...])
        #expect(stray.tpdu != nil && stray.notes.count == 1)
    }

    @Test func dripFeedRecord() {
        let bytes = SMSRecord.encode(status: 0x03, smsc: Self.smsc, tpdu: Self.deliver, length: 176)
        for length in 0..<176 {
            let record = SMSRecord.decode(record: bytes.prefix(length))
            _ = record.decodeError  // must not crash
        }
    }

    @Test func reassemblyWithMissingPart() throws {
        let sender = try SMSAddress(alphanumeric: "TAICHINH")
        func part(_ sequence: Int, of total: Int, _ text: String, reference: Int = 0x5A) throws -> SMSTPDU {
            .deliver(SMSDeliver(originator: sender, timestamp: SMSFixtures.scts,
                                userData: try SMSUserData(text: text, encoding: .ucs2,
                                                          concatenation: Concatenation(reference: reference, total: total, sequence: sequence))))
        }
        let records: [(recordNumber: Int, record: SMSRecord)] = [
            (1, SMSRecord.decode(record: SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: try part(3, of: 3, "ba"))[...])),
            (2, SMSRecord.decode(record: SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: Self.deliver)[...])),
            (3, SMSRecord.decode(record: SMSRecord.encode(status: 0x00, smsc: Self.smsc, tpdu: try part(1, of: 3, "Một "))[...])),
            (4, SMSRecord.decode(record: SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: try part(1, of: 2, "x", reference: 9))[...])),
            (5, SMSRecord.decode(record: SMSRecord.encode(status: 0x01, smsc: Self.smsc, tpdu: try part(2, of: 2, "y", reference: 9))[...])),
        ]
        let messages = ConcatenatedSMS.reassemble(records)
        #expect(messages.count == 2)
        #expect(messages[0].text == "Một ba")
        #expect(messages[0].missingSequences == [2])
        #expect(messages[0].parts.map(\.recordNumber) == [3, 1])
        #expect(messages[0].containsResidue)
        #expect(messages[0].originatorOrDestination == "TAICHINH")
        #expect(messages[1].text == "xy" && messages[1].missingSequences.isEmpty && !messages[1].containsResidue)
    }
}
