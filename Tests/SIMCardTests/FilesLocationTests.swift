import Foundation
import Testing
import SIMCard

@Suite struct FilesLocationTests {
    @Test(arguments: [
        ("452", "04", "54 F2 40"),
        ("310", "150", "13 00 51"),
        ("001", "01", "00 F1 10"),
        ("234", "15", "32 F4 51"),
    ])
    func plmnVectors(mcc: String, mnc: String, encoding: String) throws {
        let plmn = try PLMN(mcc: mcc, mnc: mnc)
        #expect(plmn.encoded == hex(encoding))
        #expect(try PLMN.decode(hex(encoding)[...]) == plmn)
    }

    @Test func plmnEmptyAndInvalid() throws {
        #expect(try PLMN.decode(hex("FF FF FF")[...]) == nil)
        #expect(failsInvalid { _ = try PLMN.decode(hex("5A F2 40")[...]) })
        #expect(failsInvalid { _ = try PLMN.decode(hex("54 F2 4F")[...]) })
        #expect(failsInvalid { _ = try PLMN(mcc: "45", mnc: "04") })
        #expect(failsTrailing { _ = try PLMN.decode(hex("54 F2 40 00")[...]) })
        for count in 0..<3 {
            #expect(failsTruncated { _ = try PLMN.decode(hex("54 F2 40").prefix(count)) })
        }
    }

    @Test func plmnCodableValidates() throws {
        let plmn = try PLMN(mcc: "452", mnc: "04")
        let json = try JSONEncoder().encode(plmn)
        #expect(try JSONDecoder().decode(PLMN.self, from: json) == plmn)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PLMN.self, from: Data(#"{"mcc":"4x2","mnc":"04"}"#.utf8)) }
        #expect(plmn.description == "452-04")
    }

    @Test func lociVector() throws {
        // TMSI 1234ABCD, LAI 452-04 LAC 0x1A2B, TMSI TIME FF, status 0.
        let bytes = hex("12 34 AB CD 54 F2 40 1A 2B FF 00")
        let loci = try LocationInformation(decoding: bytes[...])
        #expect(loci.tmsi == "1234ABCD")
        #expect(loci.locationArea.plmn == (try PLMN(mcc: "452", mnc: "04")))
        #expect(loci.locationArea.lac == 0x1A2B)
        #expect(loci.locationArea.lacHex == "1A2B")
        #expect(loci.locationArea.lacNote == nil)
        #expect(loci.tmsiTime == 0xFF)
        #expect(loci.updateStatusName == "updated")
        #expect(loci.encoded == bytes)
        let rebuilt = LocationInformation(tmsi: 0x1234ABCD, locationArea: loci.locationArea, tmsiTime: 0xFF, updateStatus: 0)
        #expect(rebuilt == loci)
    }

    @Test func lociDeletedAndErased() throws {
        let deleted = try LocationInformation(decoding: hex("FF FF FF FF 54 F2 40 FF FE FF 01")[...])
        #expect(deleted.tmsi == nil)
        #expect(deleted.locationArea.lacNote?.contains("deleted") == true)
        #expect(deleted.updateStatusName == "not updated")
        let erased = try LocationInformation(decoding: [UInt8](repeating: 0xFF, count: 11)[...])
        #expect(erased.tmsi == nil)
        #expect(erased.locationArea.plmn == nil)
        #expect(erased.updateStatusName.hasPrefix("reserved"))
        #expect(erased.encoded == [UInt8](repeating: 0xFF, count: 11))
        #expect(try LocationInformation(decoding: hex("FF FF FF FF 54 F2 40 00 00 FF 03")[...]).locationArea.lacNote != nil)
        #expect(try LocationInformation(decoding: hex("FF FF FF FF 54 F2 40 00 01 FF 02")[...]).updateStatusName == "PLMN not allowed")
        #expect(try LocationInformation(decoding: hex("FF FF FF FF 54 F2 40 00 01 FF 03")[...]).updateStatusName == "location area not allowed")
    }

    @Test func psLociVector() throws {
        let bytes = hex("C0 12 34 56 AB CD EF 54 F2 40 1A 2B 07 00")
        let psloci = try PacketLocationInformation(decoding: bytes[...])
        #expect(psloci.ptmsi == "C0123456")
        #expect(psloci.ptmsiSignature == "ABCDEF")
        #expect(psloci.routingArea.locationArea.lac == 0x1A2B)
        #expect(psloci.routingArea.locationArea.plmn?.description == "452-04")
        #expect(psloci.routingArea.rac == 0x07)
        #expect(psloci.updateStatusName == "updated")
        #expect(psloci.encoded == bytes)
        let notAllowed = try PacketLocationInformation(decoding: hex("FF FF FF FF FF FF FF FF FF FF FF FE FF 03")[...])
        #expect(notAllowed.ptmsi == nil && notAllowed.ptmsiSignature == nil)
        #expect(notAllowed.updateStatusName == "routing area not allowed")
    }

    @Test func epsLociVector() throws {
        // GUTI: length 0B, F6 (GUTI), 452-04, MME group 8001, MME code 01, M-TMSI C1234567;
        // TAI 452-04 TAC 002A; status 0.
        let bytes = hex("0B F6 54 F2 40 80 01 01 C1 23 45 67  54 F2 40 00 2A  00")
        let eps = try EPSLocationInformation(decoding: bytes[...])
        #expect(eps.guti?.plmn?.description == "452-04")
        #expect(eps.guti?.mmeGroupID == 0x8001)
        #expect(eps.guti?.mmeCode == 0x01)
        #expect(eps.guti?.mTMSI == "C1234567")
        #expect(eps.lastVisitedTAI.tac == 0x002A)
        #expect(eps.lastVisitedTAI.tacHex == "002A")
        #expect(eps.updateStatusName == "updated")
        #expect(eps.encoded == bytes)

        let empty = try EPSLocationInformation(decoding: hex("FF FF FF FF FF FF FF FF FF FF FF FF  FF FF FF FF FE  01")[...])
        #expect(empty.guti == nil)
        #expect(empty.lastVisitedTAI.plmn == nil)
        #expect(empty.updateStatusName == "not updated")
        #expect(try EPSLocationInformation(decoding: hex("FF FF FF FF FF FF FF FF FF FF FF FF  FF FF FF FF FE  02")[...]).updateStatusName == "roaming not allowed")

        // A GUTI of the wrong length or type is a field error; the TAI and the status are kept.
        for bad in ["0A F6 54 F2 40 80 01 01 C1 23 45 67  54 F2 40 00 2A  00", "0B F1 54 F2 40 80 01 01 C1 23 45 67  54 F2 40 00 2A  00"] {
            let eps = try EPSLocationInformation(decoding: hex(bad)[...])
            #expect(eps.guti == nil)
            #expect(eps.fieldErrors?.map(\.field) == ["guti"])
            #expect(eps.lastVisitedTAI.tacHex == "002A" && eps.lastVisitedTAI.plmn?.description == "452-04")
        }
    }

    @Test func dripFeed() {
        let loci = hex("12 34 AB CD 54 F2 40 1A 2B FF 00")
        for count in 0..<loci.count {
            #expect(failsTruncated { _ = try LocationInformation(decoding: loci.prefix(count)) }, "LOCI prefix \(count)")
        }
        #expect(failsTrailing { _ = try LocationInformation(decoding: (loci + [0xFF])[...]) })
        let psloci = hex("C0 12 34 56 AB CD EF 54 F2 40 1A 2B 07 00")
        for count in 0..<psloci.count {
            #expect(failsTruncated { _ = try PacketLocationInformation(decoding: psloci.prefix(count)) }, "PSLOCI prefix \(count)")
        }
        #expect(failsTrailing { _ = try PacketLocationInformation(decoding: (psloci + [0xFF])[...]) })
        let eps = hex("0B F6 54 F2 40 80 01 01 C1 23 45 67 54 F2 40 00 2A 00")
        for count in 0..<eps.count {
            #expect(failsTruncated { _ = try EPSLocationInformation(decoding: eps.prefix(count)) }, "EPSLOCI prefix \(count)")
        }
        #expect(failsTrailing { _ = try EPSLocationInformation(decoding: (eps + [0xFF])[...]) })
    }

    @Test func slicesWithNonZeroStart() throws {
        // Decoders must honour slice indices: a LOCI inside a longer buffer.
        let buffer = hex("AA BB 12 34 AB CD 54 F2 40 1A 2B FF 00 CC")
        let loci = try LocationInformation(decoding: buffer[2..<13])
        #expect(loci.tmsi == "1234ABCD")
    }
}
