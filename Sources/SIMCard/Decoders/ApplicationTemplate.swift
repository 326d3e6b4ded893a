import ByteText

/// What an application identifier names, from its RID and application code (TS 101 220
/// annex E; 3GPP RID A000000087, 3GPP2 RID A000000343).
public enum ApplicationKind: String, Hashable, Sendable, Codable {
    case usim, isim, csim, other
}

/// One record of EF.DIR (ETSI TS 102 221 §13.1): an application template, tag 61, holding the
/// application identifier (tag 4F) and optionally a label (tag 50). Other objects in the
/// template are not decoded; the caller keeps the raw record.
public struct ApplicationTemplate: Hashable, Sendable, Codable {
    public var aid: [UInt8]
    /// Tag 50, read as UTF-8 (ASCII in practice); invalid sequences become U+FFFD.
    public var label: String?

    public init(aid: [UInt8], label: String? = nil) {
        self.aid = aid
        self.label = label
    }

    public var kind: ApplicationKind {
        guard aid.count >= 7 else { return .other }
        let rid = Array(aid[0..<5])
        let code = (aid[5], aid[6])
        switch (rid, code) {
        case ([0xA0, 0x00, 0x00, 0x00, 0x87], (0x10, 0x02)): return .usim
        case ([0xA0, 0x00, 0x00, 0x00, 0x87], (0x10, 0x04)): return .isim
        case ([0xA0, 0x00, 0x00, 0x03, 0x43], (0x10, 0x02)): return .csim
        default: return .other
        }
    }

    /// Decodes one EF.DIR record; nil for an unused record (all FF). The template may be
    /// followed by FF padding up to the record length.
    public static func decode(record: ArraySlice<UInt8>) throws(DecodeError) -> ApplicationTemplate? {
        guard !record.isEmpty else { throw .truncated(what: "EF.DIR record", needed: 1, got: 0) }
        if record.allSatisfy({ $0 == 0xFF }) { return nil }
        let objects = try TLV.parseAll(record)
        guard let template = objects.first, template.tag == 0x61 else {
            throw .invalid(what: "EF.DIR record", why: "expected an application template (tag 61) in \(Hex.string(record))")
        }
        guard objects.count == 1 else {
            throw .trailingBytes(what: "EF.DIR record", count: objects.dropFirst().reduce(0) { $0 + $1.encoded.count })
        }
        let inner = try TLV.parseAll(template.value[...])
        // An AID is a 5-byte RID plus a PIX of up to 11 bytes (ISO/IEC 7816-5).
        guard let aid = inner.value(of: 0x4F), (5...16).contains(aid.count) else {
            throw .invalid(what: "EF.DIR record", why: "no application identifier of 5 to 16 bytes (tag 4F)")
        }
        return ApplicationTemplate(aid: aid, label: inner.value(of: 0x50).map { String(decoding: $0, as: UTF8.self) })
    }

    /// The template as an EF.DIR record of `length` bytes, FF-padded.
    public func encodedRecord(length: Int) -> [UInt8] {
        var inner = TLV(tag: 0x4F, value: aid).encoded
        if let label { inner += TLV(tag: 0x50, value: Array(label.utf8)).encoded }
        let template = TLV(tag: 0x61, value: inner).encoded
        precondition(template.count <= length, "the template needs \(template.count) bytes, the record has \(length)")
        return template + [UInt8](repeating: 0xFF, count: length - template.count)
    }
}
