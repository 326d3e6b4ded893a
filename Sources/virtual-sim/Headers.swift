import SIMCard

/// Generated file headers, built with the SIMCard encoders: the UICC FCP (TS 102 221 §11.1.1.3)
/// and the classic SIM GET RESPONSE (TS 51.011 §9.2.1, §9.2.2). A profile's explicit
/// `header`/`classicHeader` wins.
enum Headers {
    /// PIN1 (key reference 01), PIN2 (81) and ADM (0A, always verification-required), in
    /// that order: b8, b7, b6 of the PS_DO.
    static func pinStatusTemplate(pin1Enabled: Bool, pin2Enabled: Bool) -> PINStatusTemplate {
        PINStatusTemplate(entries: [
            KeyReferenceStatus(keyReference: 0x01, enabled: pin1Enabled),
            KeyReferenceStatus(keyReference: 0x81, enabled: pin2Enabled),
            KeyReferenceStatus(keyReference: 0x0A, enabled: true),
        ])
    }

    static func fcp(_ node: FileNode, pin1Enabled: Bool, pin2Enabled: Bool) -> [UInt8] {
        if let h = node.explicitHeader { return h }
        // Simulator-specific objects go through `otherObjects`: UICC characteristics (A5/80),
        // compact security attributes (8C: AM byte, then the SC bytes in b7...b1 order) and the SFI (88).
        if node.isDF {
            var other: [TLV] = []
            if node.kind == .mf { other.append(TLV(tag: 0xA5, value: TLV(tag: 0x80, value: [0x71]).encoded)) }
            other.append(TLV(tag: 0x8C, value: [0x01, AccessCondition.always.compactSC]))   // AM b1 read (select): always
            return FileControlParameters(
                structure: .dedicatedFile, fileID: node.fid, dfName: node.kind == .adf ? node.aid : nil,
                otherObjects: other,
                pinStatus: node.kind == .df ? nil : pinStatusTemplate(pin1Enabled: pin1Enabled, pin2Enabled: pin2Enabled)
            ).encoded
        }
        let isRecord = node.structure != .transparent
        return FileControlParameters(
            structure: node.structure, fileID: node.fid,
            recordLength: isRecord ? node.recordLength : nil, recordCount: isRecord ? node.records.count : nil,
            fileSize: node.fileSize,
            otherObjects: [
                TLV(tag: 0x8C, value: [0x03, node.update.compactSC, node.read.compactSC]),   // AM b2 update, b1 read
                TLV(tag: 0x88, value: node.sfi.map { [$0 << 3] } ?? []),
            ]
        ).encoded
    }

    /// TS 51.011 §9.2.1 (MF/DF) and §9.2.2 (EF).
    static func classic(_ node: FileNode, freeMemory: Int, chv1Enabled: Bool,
                        chv1: CHVStatus, unblock1: CHVStatus, chv2: CHVStatus, unblock2: CHVStatus) -> [UInt8] {
        if let h = node.explicitClassicHeader { return h }
        if node.isDF {
            var r = ClassicFileHeader.directory(
                kind: node.kind == .mf ? .masterFile : .dedicatedFile, fileID: node.fid ?? 0, chv1Enabled: chv1Enabled,
                chv1: chv1, unblockCHV1: unblock1, chv2: chv2, unblockCHV2: unblock2
            ).encoded
            // Bytes `directory(...)` leaves zero and has no parameters for (0-based indices):
            r[2] = UInt8(freeMemory >> 8); r[3] = UInt8(freeMemory & 0xFF)       // 3-4: free memory (profile)
            r[13] |= 0x13                                                         // 14: other file characteristics
            r[14] = UInt8(node.children.filter { $0.kind == .df }.count)          // 15: number of DFs
            r[15] = UInt8(node.children.filter { $0.kind == .ef }.count)          // 16: number of EFs
            return r
        }
        let adm = AccessCondition.adm.classicNibble
        var r = ClassicFileHeader.elementaryFile(
            fileID: node.fid ?? 0, structure: node.structure, fileSize: node.fileSize,
            recordLength: node.structure == .transparent ? nil : node.recordLength,
            accessConditions: [
                node.read.classicNibble << 4 | node.update.classicNibble,         // 9: READ/SEEK | UPDATE
                adm << 4,                                                         // 10: INCREASE | RFU
                adm << 4 | adm,                                                   // 11: REHABILITATE | INVALIDATE
            ]
        ).encoded
        // Byte 8 b7 (INCREASE allowed, cyclic EFs): `elementaryFile(...)` always writes 00 there.
        if node.structure == .cyclic { r[7] = 0x40 }
        return r
    }
}
