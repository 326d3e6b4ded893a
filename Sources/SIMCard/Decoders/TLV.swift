import ByteText

/// A BER-TLV data object as smart cards use it (ISO/IEC 7816-4 §5.2.2, tag and length rules of
/// ITU-T X.690 §8.1.2 and §8.1.3, restricted to what UICCs use): tags of 1 to 3 bytes, definite
/// lengths of at most 2 bytes (`81 xx`, `82 xx xx`).
public struct TLV: Hashable, Sendable {
    /// The tag bytes read as a big-endian number: `0x62`, `0x9F70`, `0xBF8001`...
    public var tag: UInt32
    public var value: [UInt8]

    public init(tag: UInt32, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    /// Parses consecutive data objects filling `bytes`.
    ///
    /// Bytes 00 and FF where a tag would start are skipped as padding: ISO/IEC 7816-4 §5.2.2.1
    /// allows them before, between and after objects (erased data, and records whose content
    /// is shorter than the record length are FF-padded). No valid tag starts with 00 or FF.
    public static func parseAll(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> [TLV] {
        var objects: [TLV] = []
        var rest = bytes
        while let first = rest.first {
            if first == 0x00 || first == 0xFF {
                rest = rest.dropFirst()
                continue
            }
            objects.append(try parse(&rest))
        }
        return objects
    }

    /// Parses one data object from the start of `rest` and removes it from `rest`.
    private static func parse(_ rest: inout ArraySlice<UInt8>) throws(DecodeError) -> TLV {
        let objectStart = rest.startIndex
        var tag = UInt32(rest.removeFirst())
        // X.690 §8.1.2.4: tag number 31 in the first byte means subsequent tag bytes follow,
        // each with bit 8 set when another follows.
        if tag & 0x1F == 0x1F {
            var more = true
            while more {
                guard let next = rest.popFirst() else {
                    throw .truncated(what: "BER-TLV tag", needed: rest.startIndex - objectStart + 1, got: rest.startIndex - objectStart)
                }
                guard tag <= 0xFFFF else {
                    throw .invalid(what: "BER-TLV tag", why: "tags longer than 3 bytes are not used by UICCs")
                }
                tag = tag << 8 | UInt32(next)
                more = next & 0x80 != 0
            }
        }
        let tagName = Hex.string(tagBytes(tag))
        guard let lengthByte = rest.popFirst() else {
            throw .truncated(what: "BER-TLV length of tag \(tagName)", needed: 1, got: 0)
        }
        let length: Int
        switch lengthByte {
        case 0x00...0x7F:
            length = Int(lengthByte)
        case 0x81, 0x82:
            let count = Int(lengthByte & 0x7F)
            guard rest.count >= count else {
                throw .truncated(what: "BER-TLV length of tag \(tagName)", needed: count + 1, got: rest.count + 1)
            }
            length = rest.prefix(count).reduce(0) { $0 << 8 | Int($1) }
            rest = rest.dropFirst(count)
        default:
            throw .invalid(what: "BER-TLV length of tag \(tagName)", why: "length byte \(Hex.string([lengthByte])) is indefinite or longer than 2 bytes")
        }
        guard rest.count >= length else {
            throw .truncated(what: "BER-TLV value of tag \(tagName)", needed: length, got: rest.count)
        }
        let value = Array(rest.prefix(length))
        rest = rest.dropFirst(length)
        return TLV(tag: tag, value: value)
    }

    /// Tag, shortest definite length, value.
    public var encoded: [UInt8] {
        precondition(value.count <= 0xFFFF, "BER-TLV values here are at most 65535 bytes")
        let length: [UInt8] = switch value.count {
        case 0..<0x80: [UInt8(value.count)]
        case 0x80...0xFF: [0x81, UInt8(value.count)]
        default: [0x82, UInt8(value.count >> 8), UInt8(value.count & 0xFF)]
        }
        return Self.tagBytes(tag) + length + value
    }

    /// The tag as 1 to 3 bytes, leading zero bytes dropped.
    static func tagBytes(_ tag: UInt32) -> [UInt8] {
        switch tag {
        case 0...0xFF: [UInt8(tag)]
        case 0x100...0xFFFF: [UInt8(tag >> 8), UInt8(tag & 0xFF)]
        default: [UInt8(tag >> 16 & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag & 0xFF)]
        }
    }
}

extension [TLV] {
    /// The value of the first object with `tag`.
    func value(of tag: UInt32) -> [UInt8]? {
        first { $0.tag == tag }?.value
    }
}
