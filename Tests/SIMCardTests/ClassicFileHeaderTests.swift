import Testing
import SIMCard

@Suite struct ClassicFileHeaderTests {
    /// DF.GSM: CHV1 enabled (byte 14 = 13, b8 clear), CHV1 3 tries, UNBLOCK CHV1 10,
    /// CHV2 not initialised, UNBLOCK CHV2 10.
    static let dfGSM = hex("00 00 12 34 7F 20 02 00 00 00 00 00 09 13 02 1A 04 00 83 8A 03 8A")
    /// EF.ADN: linear fixed, 10 records of 28 bytes.
    static let efADN = hex("00 00 01 18 6F 3A 04 00 11 F0 22 01 02 01 1C")
    /// EF.ICCID: transparent, 10 bytes.
    static let efICCID = hex("00 00 00 0A 2F E2 04 00 0F FF FF 01 02 00 00")

    @Test func dedicatedFile() throws {
        let header = try ClassicFileHeader(decoding: Self.dfGSM[...])
        #expect(header.raw == Self.dfGSM)
        #expect(header.fileID == 0x7F20)
        #expect(header.kind == .dedicatedFile)
        #expect(header.structure == .dedicatedFile)
        #expect(header.fileSize == nil)
        #expect(header.chv1Enabled == true)
        #expect(header.chv1 == CHVStatus(initialised: true, remainingTries: 3))
        #expect(header.unblockCHV1 == CHVStatus(initialised: true, remainingTries: 10))
        #expect(header.chv2 == CHVStatus(initialised: false, remainingTries: 3))
        #expect(header.unblockCHV2 == CHVStatus(initialised: true, remainingTries: 10))
    }

    @Test func masterFileWithCHV1DisabledAndOptionalBytes() throws {
        // Byte 14 = 93 (b8 set: CHV1 disabled), byte 13 = 0x15: 21 bytes follow (to byte 34).
        let bytes = hex("00 00 12 34 3F 00 01 00 00 00 00 00 15 93 02 1A 04 00 80 8A 83 8A")
            + [UInt8](repeating: 0x00, count: 12)
        let header = try ClassicFileHeader(decoding: bytes[...])
        #expect(header.kind == .masterFile)
        #expect(header.fileID == 0x3F00)
        #expect(header.chv1Enabled == false)
        #expect(header.chv1 == CHVStatus(initialised: true, remainingTries: 0))
    }

    @Test func shortDirectoryHeaderLeavesCHVsUnknown() throws {
        let header = try ClassicFileHeader(decoding: hex("00 00 12 34 7F 10 02 00 00 00 00 00 02 13 00")[...])
        #expect(header.chv1Enabled == true)
        #expect(header.chv1 == nil)
        #expect(header.unblockCHV2 == nil)
    }

    @Test func linearFixedEF() throws {
        let header = try ClassicFileHeader(decoding: Self.efADN[...])
        #expect(header.kind == .elementaryFile)
        #expect(header.fileID == 0x6F3A)
        #expect(header.fileSize == 280)
        #expect(header.structure == .linearFixed)
        #expect(header.recordLength == 28)
        #expect(header.recordCount == 10)
        #expect(header.accessConditions == [0x11, 0xF0, 0x22])
        #expect(header.fileStatus == 0x01)
        #expect(header.chv1Enabled == nil)
        #expect(header.chv1 == nil)
    }

    @Test func transparentEF() throws {
        let header = try ClassicFileHeader(decoding: Self.efICCID[...])
        #expect(header.structure == .transparent)
        #expect(header.fileSize == 10)
        #expect(header.recordLength == nil)
        #expect(header.recordCount == nil)
    }

    @Test func cyclicAndUnknownStructure() throws {
        let cyclic = try ClassicFileHeader(decoding: hex("00 00 00 28 6F 3D 04 40 11 F0 22 01 02 03 04")[...])
        #expect(cyclic.structure == .cyclic)
        #expect(cyclic.recordCount == 10)
        let odd = try ClassicFileHeader(decoding: hex("00 00 00 28 6F 3D 04 00 11 F0 22 01 02 07 04")[...])
        #expect(odd.structure == .unknown)
        #expect(odd.recordLength == nil)
    }

    @Test func builders() throws {
        let df = ClassicFileHeader.directory(
            kind: .dedicatedFile, fileID: 0x7F20, chv1Enabled: true,
            chv1: CHVStatus(initialised: true, remainingTries: 3), unblockCHV1: CHVStatus(initialised: true, remainingTries: 10),
            chv2: CHVStatus(initialised: false, remainingTries: 3), unblockCHV2: CHVStatus(initialised: true, remainingTries: 10))
        #expect(df.encoded == hex("00 00 00 00 7F 20 02 00 00 00 00 00 09 00 00 00 04 00 83 8A 03 8A"))
        #expect(try ClassicFileHeader(decoding: df.encoded[...]) == df)

        let mf = ClassicFileHeader.directory(
            kind: .masterFile, fileID: 0x3F00, chv1Enabled: false,
            chv1: CHVStatus(initialised: true, remainingTries: 0), unblockCHV1: CHVStatus(initialised: true, remainingTries: 10),
            chv2: CHVStatus(initialised: true, remainingTries: 3), unblockCHV2: CHVStatus(initialised: true, remainingTries: 10))
        #expect(try ClassicFileHeader(decoding: mf.encoded[...]) == mf)

        let adn = ClassicFileHeader.elementaryFile(
            fileID: 0x6F3A, structure: .linearFixed, fileSize: 280, recordLength: 28, accessConditions: [0x11, 0xF0, 0x22])
        #expect(adn.encoded == Self.efADN)
        #expect(try ClassicFileHeader(decoding: adn.encoded[...]) == adn)

        let iccid = ClassicFileHeader.elementaryFile(
            fileID: 0x2FE2, structure: .transparent, fileSize: 10, accessConditions: [0x0F, 0xFF, 0xFF])
        #expect(iccid.encoded == Self.efICCID)
        #expect(try ClassicFileHeader(decoding: iccid.encoded[...]) == iccid)

        let cyclic = ClassicFileHeader.elementaryFile(
            fileID: 0x6F3D, structure: .cyclic, fileSize: 40, recordLength: 4, accessConditions: [0x11, 0xF0, 0x22], fileStatus: 0x00)
        #expect(try ClassicFileHeader(decoding: cyclic.encoded[...]) == cyclic)
    }

    @Test(arguments: [dfGSM, efADN, efICCID])
    func dripFeed(bytes: [UInt8]) {
        for count in 0..<bytes.count {
            #expect(failsTruncated { _ = try ClassicFileHeader(decoding: bytes.prefix(count)) }, "prefix of \(count) bytes")
        }
    }

    @Test func recordEFNeedsRecordLengthByte() {
        #expect(failsTruncated { _ = try ClassicFileHeader(decoding: hex("00 00 01 18 6F 3A 04 00 11 F0 22 01 01 01")[...]) })
        #expect(failsTruncated { _ = try ClassicFileHeader(decoding: hex("00 00 01 18 6F 3A 04 00 11 F0 22 01 00")[...]) })
    }

    @Test func rejectsTrailingBytesAndUnknownType() {
        #expect(failsTrailing { _ = try ClassicFileHeader(decoding: (Self.efADN + [0x00])[...]) })
        #expect(failsInvalid { _ = try ClassicFileHeader(decoding: hex("00 00 01 18 6F 3A 08 00 11 F0 22 01 02 01 1C")[...]) })
    }
}
