import Testing
import SIMCard

@Suite struct FileControlParametersTests {
    /// EF.DIR-like linear fixed EF: 4 records of 32 bytes, FID 2F00, SFI 1, ARR reference.
    static let linearFixedEF = hex("""
        62 1A 82 05 42 21 00 20 04 83 02 2F 00 8A 01 05 8B 03 2F 06 01 80 02 00 80 88 01 08
        """)
    static let usimAID = hex("A0 00 00 00 87 10 02 FF 86 FF FF 89 FF FF FF FF")
    /// ADF.USIM: PIN 01 disabled, PIN2 81, ADM 0A and 0B enabled (PS_DO 70 = b7 b6 b5).
    static let adf = hex("""
        62 37 82 02 78 21 83 02 7F FF 84 10 A0 00 00 00 87 10 02 FF 86 FF FF 89 FF FF FF FF
        8A 01 05 8B 03 2F 06 02 C6 0F 90 01 70 83 01 01 83 01 81 83 01 0A 83 01 0B 81 02 1A 2B
        """)

    @Test func linearFixed() throws {
        let fcp = try FileControlParameters(decoding: Self.linearFixedEF[...])
        #expect(fcp.raw == Self.linearFixedEF)
        #expect(fcp.encoded == Self.linearFixedEF)
        #expect(fcp.fileDescriptor == 0x42)
        #expect(fcp.structure == .linearFixed)
        #expect(fcp.recordLength == 32)
        #expect(fcp.recordCount == 4)
        #expect(fcp.fileSize == 128)
        #expect(fcp.totalSize == nil)
        #expect(fcp.fileID == 0x2F00)
        #expect(fcp.dfName == nil)
        #expect(fcp.lifeCycleStatus == 0x05)
        #expect(fcp.pinStatus == nil)
    }

    @Test func adfWithPINStatus() throws {
        let fcp = try FileControlParameters(decoding: Self.adf[...])
        #expect(fcp.structure == .dedicatedFile)
        #expect(fcp.fileID == 0x7FFF)
        #expect(fcp.dfName == Self.usimAID)
        #expect(fcp.totalSize == 0x1A2B)
        #expect(fcp.fileSize == nil)
        #expect(fcp.recordLength == nil)
        let pins = try #require(fcp.pinStatus)
        #expect(pins.entries.map(\.keyReference) == [0x01, 0x81, 0x0A, 0x0B])
        #expect(pins.entries.map(\.enabled) == [false, true, true, true])
        #expect(pins.isEnabled(keyReference: 0x01) == false)
        #expect(pins.isEnabled(keyReference: 0x81) == true)
        #expect(pins.isEnabled(keyReference: 0x02) == nil)
    }

    @Test func builderMatchesHandBuiltBytes() throws {
        let built = FileControlParameters(
            structure: .linearFixed, fileID: 0x2F00, recordLength: 32, recordCount: 4, fileSize: 128,
            otherObjects: [TLV(tag: 0x8B, value: [0x2F, 0x06, 0x01])])
        #expect(built.encoded == hex("62 17 82 05 42 21 00 20 04 83 02 2F 00 8A 01 05 8B 03 2F 06 01 80 02 00 80"))
        #expect(try FileControlParameters(decoding: built.encoded[...]) == built)

        let adf = FileControlParameters(
            structure: .dedicatedFile, fileID: 0x7FFF, totalSize: 0x1A2B, dfName: Self.usimAID,
            otherObjects: [TLV(tag: 0x8B, value: [0x2F, 0x06, 0x02])],
            pinStatus: PINStatusTemplate(entries: [
                .init(keyReference: 0x01, enabled: false), .init(keyReference: 0x81, enabled: true),
                .init(keyReference: 0x0A, enabled: true), .init(keyReference: 0x0B, enabled: true),
            ]))
        #expect(adf.encoded == Self.adf)
        #expect(try FileControlParameters(decoding: Self.adf[...]) == adf)
    }

    @Test(arguments: [FileStructure.transparent, .linearFixed, .cyclic, .dedicatedFile, .berTLV])
    func roundTrip(structure: FileStructure) throws {
        let isRecord = structure == .linearFixed || structure == .cyclic
        let built = FileControlParameters(
            structure: structure, fileID: 0x6F07,
            recordLength: isRecord ? 300 : nil, recordCount: isRecord ? 3 : nil,
            fileSize: structure == .dedicatedFile ? nil : 70_000,
            totalSize: structure == .dedicatedFile ? 512 : nil, lifeCycleStatus: 0x04)
        let decoded = try FileControlParameters(decoding: built.encoded[...])
        #expect(decoded == built)
        #expect(decoded.structure == structure)
    }

    @Test(arguments: [
        (UInt8(0x01), FileStructure.transparent), (0x41, .transparent), (0x09, .transparent),
        (0x02, .linearFixed), (0x42, .linearFixed), (0x06, .cyclic), (0x46, .cyclic),
        (0x38, .dedicatedFile), (0x78, .dedicatedFile), (0x39, .berTLV), (0x79, .berTLV),
        (0x03, .unknown), (0x11, .unknown), (0x3A, .unknown),
    ])
    func descriptorByte(descriptor: UInt8, structure: FileStructure) throws {
        let isRecord = structure == .linearFixed || structure == .cyclic
        let value: [UInt8] = isRecord ? [descriptor, 0x21, 0x00, 0x10, 0x02] : [descriptor, 0x21]
        let bytes = TLV(tag: 0x62, value: TLV(tag: 0x82, value: value).encoded).encoded
        let fcp = try FileControlParameters(decoding: bytes[...])
        #expect(fcp.structure == structure)
        #expect(fcp.fileDescriptor == descriptor)
    }

    @Test(arguments: [linearFixedEF, adf])
    func dripFeed(bytes: [UInt8]) {
        for count in 0..<bytes.count {
            #expect(failsTruncated { _ = try FileControlParameters(decoding: bytes.prefix(count)) }, "prefix of \(count) bytes")
        }
    }

    @Test(arguments: [
        "6F 03 82 01 41",                      // not an FCP template
        "62 03 83 01 2F",                      // file id of 1 byte
        "62 05 82 03 42 21 00",                // record EF without record length and count
        "62 04 8A 02 05 05",                   // life cycle status of 2 bytes
        "62 02 82 00",                         // empty descriptor
        "62 07 80 05 00 00 00 00 01",          // 5-byte size
        "62 08 C6 06 83 01 01 90 01 80",       // PS_DO not first
        "62 13 84 11 A0 00 00 00 87 10 02 FF 86 FF FF 89 FF FF FF FF 01", // 17-byte DF name
    ])
    func rejectsMalformed(encoding: String) {
        #expect(failsInvalid { _ = try FileControlParameters(decoding: hex(encoding)[...]) })
    }

    @Test func rejectsTrailingObject() {
        #expect(failsTrailing { _ = try FileControlParameters(decoding: hex("62 03 8A 01 05 90 00")[...]) })
    }

    @Test func allowsPaddingAfterTemplate() throws {
        #expect(try FileControlParameters(decoding: hex("62 03 8A 01 05 FF FF")[...]).lifeCycleStatus == 0x05)
    }
}

@Suite struct PINStatusTemplateTests {
    @Test func usageQualifierPrecedesItsKeyReference() throws {
        let value = hex("90 01 C0 95 01 08 83 01 01 83 01 81")
        let template = try PINStatusTemplate(decoding: value[...])
        #expect(template.entries == [
            .init(keyReference: 0x01, enabled: true, usageQualifier: 0x08),
            .init(keyReference: 0x81, enabled: true),
        ])
        #expect(template.encodedValue == value)
    }

    @Test func bitOrderFromB8() throws {
        let template = try PINStatusTemplate(decoding: hex("90 01 40 83 01 01 83 01 81")[...])
        #expect(template.isEnabled(keyReference: 0x01) == false)
        #expect(template.isEnabled(keyReference: 0x81) == true)
    }

    @Test func nineKeyReferencesUseTwoPSDOBytes() throws {
        let entries = (1...9).map { KeyReferenceStatus(keyReference: UInt8($0), enabled: $0 % 2 == 1) }
        let template = PINStatusTemplate(entries: entries)
        #expect(template.encodedValue.prefix(4) == [0x90, 0x02, 0xAA, 0x80])
        #expect(try PINStatusTemplate(decoding: template.encodedValue[...]) == template)
        #expect(PINStatusTemplate(entries: []).encodedValue == [0x90, 0x01, 0x00])
    }

    @Test(arguments: [
        "83 01 01",                            // no PS_DO
        "90 01 80 83 01 01 95 01 08",          // qualifier with no key reference after it
        "90 01 80 95 01 08 95 01 08 83 01 01", // two qualifiers
        "90 01 FF" + String(repeating: " 83 01 01", count: 9), // 9 references, 8 bits
        "90 01 80 83 02 01 01",                // 2-byte key reference
        "90 01 80 84 01 01",                   // unexpected tag
    ])
    func rejectsMalformed(encoding: String) {
        #expect(failsInvalid { _ = try PINStatusTemplate(decoding: hex(encoding)[...]) })
    }
}
