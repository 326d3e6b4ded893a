import SIMCard

/// Generated file headers: the UICC FCP (TS 102 221 §11.1.1.3) and the classic SIM
/// GET RESPONSE (TS 51.011 §9.2.1). A profile's explicit `header`/`classicHeader` wins.
enum Headers {
    static func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] {
        precondition(value.count < 0x80, "short-form BER length only")
        return [tag, UInt8(value.count)] + value
    }

    private static func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// PIN status template DO (tag C6): PS_DO (tag 90) bitmap then the key references.
    /// b8 of the bitmap = first key reference listed (PIN1 01), b7 = second (PIN2 81), b6 = ADM 0A.
    static func pinStatusTemplate(pin1Enabled: Bool, pin2Enabled: Bool) -> [UInt8] {
        var bitmap: UInt8 = 0x20                 // ADM is always verification-required
        if pin1Enabled { bitmap |= 0x80 }
        if pin2Enabled { bitmap |= 0x40 }
        return tlv(0xC6, tlv(0x90, [bitmap]) + tlv(0x83, [0x01]) + tlv(0x83, [0x81]) + tlv(0x83, [0x0A]))
    }

    static func fcp(_ node: FileNode, pin1Enabled: Bool, pin2Enabled: Bool) -> [UInt8] {
        if let h = node.explicitHeader { return h }
        var body: [UInt8] = []
        switch node.kind {
        case .mf, .df, .adf:
            body += tlv(0x82, [0x78, 0x21])                        // DF, shareable
            if let fid = node.fid { body += tlv(0x83, be16(Int(fid))) }
            if node.kind == .adf { body += tlv(0x84, node.aid) }
            if node.kind == .mf { body += tlv(0xA5, tlv(0x80, [0x71])) }   // UICC characteristics
            body += tlv(0x8A, [0x05])                               // LCS: operational, activated
            body += tlv(0x8C, [0x01, AccessCondition.always.compactSC])     // AM: read (select) always
            if node.kind == .mf || node.kind == .adf {
                body += pinStatusTemplate(pin1Enabled: pin1Enabled, pin2Enabled: pin2Enabled)
            }
        case .ef:
            switch node.structure {
            case .transparent: body += tlv(0x82, [0x41, 0x21])
            case .linearFixed: body += tlv(0x82, [0x42, 0x21] + be16(node.recordLength) + [UInt8(node.records.count)])
            case .cyclic: body += tlv(0x82, [0x46, 0x21] + be16(node.recordLength) + [UInt8(node.records.count)])
            }
            if let fid = node.fid { body += tlv(0x83, be16(Int(fid))) }
            body += tlv(0x8A, [0x05])
            // Compact security attributes: AM byte b2 update, b1 read; SC bytes in b7...b1 order.
            body += tlv(0x8C, [0x03, node.update.compactSC, node.read.compactSC])
            body += tlv(0x80, be16(node.fileSize))
            body += node.sfi.map { tlv(0x88, [$0 << 3]) } ?? tlv(0x88, [])
        }
        return tlv(0x62, body)
    }

    struct CHVStatus { var tries: Int; var initialised: Bool = true
        var byte: UInt8 { (initialised ? 0x80 : 0x00) | UInt8(tries & 0x0F) }
    }

    /// TS 51.011 §9.2.1 (MF/DF, 23 bytes) and §9.2.2 (EF, 15 bytes).
    static func classic(_ node: FileNode, freeMemory: Int, chv1Enabled: Bool,
                        chv1: CHVStatus, unblock1: CHVStatus, chv2: CHVStatus, unblock2: CHVStatus) -> [UInt8] {
        if let h = node.explicitClassicHeader { return h }
        let fid = be16(Int(node.fid ?? 0))
        if node.isDF {
            var r: [UInt8] = [0x00, 0x00] + be16(freeMemory) + fid
            r.append(node.kind == .mf ? 0x01 : 0x02)
            r += [0x00, 0x00, 0x00, 0x00, 0x00]                    // bytes 8-12 RFU
            r.append(0x0A)                                          // byte 13: bytes 14-23 follow
            r.append(0x13 | (chv1Enabled ? 0x00 : 0x80))            // 14: characteristics, b8 = CHV1 disabled
            r.append(UInt8(node.children.filter { $0.kind == .df }.count))   // 15: DFs
            r.append(UInt8(node.children.filter { $0.kind == .ef }.count))   // 16: EFs
            r.append(0x04)                                          // 17: CHVs, UNBLOCK CHVs, ADM codes
            r.append(0x00)                                          // 18: RFU
            r += [chv1.byte, unblock1.byte, chv2.byte, unblock2.byte] // 19-22
            r.append(0x00)                                          // 23: RFU
            return r
        }
        var r: [UInt8] = [0x00, 0x00] + be16(node.fileSize) + fid
        r.append(0x04)                                              // 7: EF
        r.append(node.structure == .cyclic ? 0x40 : 0x00)           // 8: b7 = INCREASE allowed (cyclic)
        r.append(node.read.classicNibble << 4 | node.update.classicNibble)   // 9: READ/SEEK | UPDATE
        r.append(AccessCondition.adm.classicNibble << 4)            // 10: INCREASE | RFU
        r.append(AccessCondition.adm.classicNibble << 4 | AccessCondition.adm.classicNibble)   // 11: REHAB | INVAL
        r.append(0x01)                                              // 12: status: not invalidated
        r.append(0x02)                                              // 13: bytes 14-15 follow
        switch node.structure {
        case .transparent: r += [0x00, 0x00]
        case .linearFixed: r += [0x01, UInt8(node.recordLength)]
        case .cyclic: r += [0x03, UInt8(node.recordLength)]
        }
        return r
    }
}
