import ByteText

/// The PIN status template DO, tag C6 in the FCP of the MF, a DF or an ADF
/// (ETSI TS 102 221 §9.5.2): which key references (PINs) exist there and whether each is
/// enabled.
///
/// The value is a PS_DO (tag 90) followed by key reference DOs (tag 83), each optionally
/// preceded by a usage qualifier DO (tag 95) that applies to it. The PS_DO is a bitmap read
/// from b8 of its first byte on: the n-th bit says whether the n-th key reference is
/// enabled (1) or disabled (0).
public struct PINStatusTemplate: Hashable, Sendable, Codable {
    /// In the card's order.
    public var entries: [KeyReferenceStatus]

    public init(entries: [KeyReferenceStatus]) {
        self.entries = entries
    }

    /// Decodes the value of the C6 DO (without the C6 tag and length).
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let objects = try TLV.parseAll(bytes)
        guard let psDO = objects.first, psDO.tag == 0x90 else {
            throw .invalid(what: "PIN status template", why: "does not start with a PS_DO (tag 90)")
        }
        var entries: [KeyReferenceStatus] = []
        var qualifier: UInt8?
        for object in objects.dropFirst() {
            let tagName = Hex.string(TLV.tagBytes(object.tag))
            guard object.tag == 0x83 || object.tag == 0x95 else {
                throw .invalid(what: "PIN status template", why: "unexpected tag \(tagName)")
            }
            guard object.value.count == 1 else {
                throw .invalid(what: "PIN status template", why: "DO \(tagName) has \(object.value.count) bytes, expected 1")
            }
            if object.tag == 0x95 {
                guard qualifier == nil else {
                    throw .invalid(what: "PIN status template", why: "two usage qualifiers for one key reference")
                }
                qualifier = object.value[0]
                continue
            }
            let bit = entries.count
            guard bit < psDO.value.count * 8 else {
                throw .invalid(what: "PIN status template", why: "more key references than PS_DO bits")
            }
            let enabled = psDO.value[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0
            entries.append(KeyReferenceStatus(keyReference: object.value[0], enabled: enabled, usageQualifier: qualifier))
            qualifier = nil
        }
        guard qualifier == nil else {
            throw .invalid(what: "PIN status template", why: "usage qualifier not followed by a key reference")
        }
        self.entries = entries
    }

    /// Whether the PIN with this key reference is enabled; nil when the template does not list it.
    public func isEnabled(keyReference: UInt8) -> Bool? {
        entries.first { $0.keyReference == keyReference }?.enabled
    }

    /// The value of the C6 DO: the PS_DO (one byte per 8 key references, at least one), then
    /// each key reference with its usage qualifier.
    public var encodedValue: [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: max(1, (entries.count + 7) / 8))
        for (bit, entry) in entries.enumerated() where entry.enabled {
            bitmap[bit / 8] |= 0x80 >> UInt8(bit % 8)
        }
        var out = TLV(tag: 0x90, value: bitmap).encoded
        for entry in entries {
            if let qualifier = entry.usageQualifier { out += TLV(tag: 0x95, value: [qualifier]).encoded }
            out += TLV(tag: 0x83, value: [entry.keyReference]).encoded
        }
        return out
    }
}

/// One key reference listed in a PIN status template, with its state.
public struct KeyReferenceStatus: Hashable, Sendable, Codable {
    /// 01 to 08 application PINs, 0A to 0E ADM, 11 universal PIN, 81 to 88 second PINs
    /// (TS 102 221 §9.5.1, table 9.3).
    public var keyReference: UInt8
    public var enabled: Bool
    /// The usage qualifier DO value (e.g. 08: user authentication), when present.
    public var usageQualifier: UInt8?

    public init(keyReference: UInt8, enabled: Bool, usageQualifier: UInt8? = nil) {
        self.keyReference = keyReference
        self.enabled = enabled
        self.usageQualifier = usageQualifier
    }
}
