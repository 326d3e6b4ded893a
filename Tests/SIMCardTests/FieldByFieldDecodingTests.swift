import ByteText
import Foundation
import Testing
import SIMCard

/// One bad field costs only itself (issue 13 item 4): the decoders keep every field that
/// decodes and name the one that does not, in `fieldErrors` and so in the JSON.
@Suite struct FieldByFieldDecodingTests {
    /// PSLOCI / LOCIGPRS: P-TMSI C0FFEE01, signature ABCDEF, PLMN FFFF00 (not erased, not
    /// decimal), LAC 0123, RAC 2A, status 00.
    static let psloci = hex("C0 FF EE 01  AB CD EF  FF FF 00  01 23  2A  00")

    @Test func aBadPLMNKeepsPTMSILACRACAndStatus() throws {
        let ps = try PacketLocationInformation(decoding: Self.psloci[...])
        #expect(ps.ptmsi == "C0FFEE01")
        #expect(ps.ptmsiSignature == "ABCDEF")
        #expect(ps.routingArea.locationArea.plmn == nil)
        #expect(ps.routingArea.locationArea.lacHex == "0123")
        #expect(ps.routingArea.rac == 0x2A)
        #expect(ps.updateStatusName == "updated")
        let error = try #require(ps.fieldErrors?.first)
        #expect(ps.fieldErrors?.count == 1)
        #expect(error.field == "routingArea.locationArea.plmn")
        #expect(error.error == "PLMN invalid: non-decimal digit in FFFF00")
    }

    @Test func theJSONShowsTheGoodFieldsAndNamesTheBadOne() throws {
        let ps = try PacketLocationInformation(decoding: Self.psloci[...])
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(ps)) as? [String: Any])
        #expect(json["ptmsi"] as? String == "C0FFEE01")
        let area = try #require((json["routingArea"] as? [String: Any])?["locationArea"] as? [String: Any])
        #expect(area["lac"] as? Int == 0x0123)
        #expect(area["plmn"] == nil)
        let errors = try #require(json["fieldErrors"] as? [[String: String]])
        #expect(errors == [["field": "routingArea.locationArea.plmn", "error": "PLMN invalid: non-decimal digit in FFFF00"]])
        // A value that decoded whole carries no fieldErrors member at all.
        let good = try PacketLocationInformation(decoding: hex("C0 12 34 56 AB CD EF 54 F2 40 1A 2B 07 00")[...])
        #expect(good.fieldErrors == nil)
        #expect(!String(decoding: try JSONEncoder().encode(good), as: UTF8.self).contains("fieldErrors"))
    }

    @Test func lociAndEPSLociKeepTheirOtherFields() throws {
        let loci = try LocationInformation(decoding: hex("12 34 AB CD  4F F2 40  1A 2B  FF 01")[...])
        #expect(loci.tmsi == "1234ABCD")
        #expect(loci.locationArea.lacHex == "1A2B")
        #expect(loci.updateStatusName == "not updated")
        #expect(loci.fieldErrors?.map(\.field) == ["locationArea.plmn"])

        // GUTI PLMN and TAI PLMN both bad: each named, M-TMSI, TAC and status kept.
        let eps = try EPSLocationInformation(decoding: hex("0B F6 A4 F2 40 80 01 01 C1 23 45 67  FF FF 0F 00 2A  00")[...])
        #expect(eps.guti?.mTMSI == "C1234567")
        #expect(eps.guti?.plmn == nil)
        #expect(eps.lastVisitedTAI.tacHex == "002A")
        #expect(eps.fieldErrors?.map(\.field) == ["guti.plmn", "lastVisitedTAI.plmn"])
    }

    @Test func anAlphaByteWithBit8SetIsFlaggedNotALetter() throws {
        // "SM", C1 (bit 8 set: no GSM 7-bit character; read as a septet it was "A"), "C".
        #expect(throws: DecodeError.invalid(what: "alpha identifier (GSM 7-bit)",
                                           why: "byte 3 is C1, which has bit 8 set: not a character of the GSM 7-bit alphabet")) {
            try AlphaIdentifier.decode(hex("53 4D C1 43 FF FF")[...])
        }
        #expect(try AlphaIdentifier.decode(hex("53 4D 41 43 FF FF")[...]) == "SMAC")
        // The UCS-2 codings still take bytes with bit 8 set.
        #expect(try AlphaIdentifier.decode(hex("80 1E CB FF FF")[...]) == "ị")
    }

    @Test func smspKeepsItsParametersWhenTheAlphaIsBad() throws {
        // 12-byte alpha "SM", C1, "C"; indicators FD: only the service centre address present,
        // 07 91 48 89 00 00 00 F0 = +84980000000.
        let record = hex("53 4D C1 43 FF FF FF FF FF FF FF FF  FD" + String(repeating: " FF", count: 12)
                         + " 07 91 48 89 00 00 00 F0 FF FF FF FF  FF FF FF")
        let smsp = try SMSParameters(decoding: record[...])
        #expect(smsp.alpha == nil)
        #expect(smsp.fieldErrors?.map(\.field) == ["alpha"])
        #expect(smsp.serviceCentreAddress?.number == "+84980000000")
        #expect(smsp.destinationAddress == nil)
        #expect(smsp.parameterIndicators == 0xFD)
    }

    @Test func spnAndDiallingNumberKeepTheRest() throws {
        let spn = try ServiceProviderName(decoding: hex("01 56 69 E5 74 74 65 6C FF FF FF FF FF FF FF FF FF")[...])
        #expect(spn.displayCondition == 0x01)
        #expect(spn.name == nil)
        #expect(!spn.isEmpty, "a name that does not decode is not an erased one")
        #expect(spn.fieldErrors?.map(\.field) == ["name"])
        #expect(try ServiceProviderName(decoding: hex("01 56 69 65 74 74 65 6C FF FF FF FF FF FF FF FF FF")[...]).name == "Viettel")

        // MSISDN "My number" with its "b" replaced by E2, +84921000042 kept.
        let number = try DiallingNumber.decode(record: hex("4D 79 20 6E 75 6D E2 65 72 FF FF FF FF FF 07 91 48 29 01 00 40 F2 FF FF FF FF FF FF")[...])
        #expect(number.number == "+84921000042")
        #expect(number.alpha == nil)
        #expect(number.fieldErrors?.map(\.field) == ["alpha"])
        #expect(!number.isEmpty)
    }

    @Test func theSummaryListsTheLocationAndEachOwnNumberOnce() throws {
        let msisdn = "4D79206E756D626572FFFFFFFFFF07914829010040F2FFFFFFFFFFFF"
        // "My number" without a number: no own number (it printed as an empty one, a trailing ", ").
        let nameOnly = "4D79206E756D626572FFFFFFFFFF" + String(repeating: "FF", count: 14)
        let json = """
            [{"path": "3F00/7F10/6F40", "name": "EF.MSISDN", "status": "read", "sw": "9000", "records": ["\(msisdn)"]},
             {"path": "ADF.USIM/6F40", "name": "EF.MSISDN", "status": "read", "sw": "9000", "records": ["\(msisdn)", "\(nameOnly)"]},
             {"path": "ADF.USIM/6F73", "name": "EF.PSLOCI", "status": "read", "sw": "9000", "content": "\(Hex.string(Self.psloci))"}]
            """
        let files = try JSONDecoder().decode([FileReading].self, from: Data(json.utf8))
        let msisdnSpec = ElementaryFileSpec("EF.MSISDN", 0x6F40, .diallingNumbers, role: .ownNumbers)
        let summary = AcquisitionSummary(files: files, specs: [
            "3F00/7F10/6F40": msisdnSpec, "ADF.USIM/6F40": msisdnSpec,
            "ADF.USIM/6F73": ElementaryFileSpec("EF.PSLOCI", 0x6F73, .packetLocationInformation, role: .location),
        ])
        #expect(summary.ownNumbers == ["+84921000042"])
        let rai = try #require(summary.locations.first)
        #expect(rai.area == "0123" && rai.routingAreaCode == "2A" && rai.temporaryIdentity == "C0FFEE01")
        #expect(rai.plmn == nil)
        #expect(rai.fieldErrors?.map(\.field) == ["routingArea.locationArea.plmn"])
    }
}
