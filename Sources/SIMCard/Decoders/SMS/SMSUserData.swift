import ByteText

/// The character set of TP-UD as TP-DCS selects it.
public enum SMSEncoding: String, Hashable, Sendable, Codable {
    case gsm7, eightBit, ucs2

    /// The alphabet a TP-DCS octet selects (TS 23.038 §4), and whether the text is
    /// compressed. Reserved codings are read as the GSM 7-bit default alphabet, as §4 asks of
    /// a receiving entity.
    public static func of(dataCodingScheme dcs: UInt8) -> (encoding: SMSEncoding, compressed: Bool) {
        func alphabet(_ bits: UInt8) -> SMSEncoding {
            switch bits & 0x03 { case 0x01: .eightBit; case 0x02: .ucs2; default: .gsm7 }
        }
        switch dcs >> 4 {
        case 0x0...0x7:
            // 00xx xxxx general data coding, 01xx xxxx the same marked for automatic
            // deletion: bit 5 compressed, bits 3-2 the alphabet.
            return (alphabet(dcs >> 2), dcs & 0x20 != 0)
        case 0xC, 0xD:
            return (.gsm7, false)  // message waiting, discard / store: default alphabet
        case 0xE:
            return (.ucs2, false)  // message waiting, store: UCS-2
        case 0xF:
            return (dcs & 0x04 != 0 ? .eightBit : .gsm7, false)  // data coding / message class
        default:
            return (.gsm7, false)  // 1000-1011 reserved
        }
    }

    /// The plain TP-DCS for this alphabet: general group, no class, uncompressed.
    public var defaultDataCodingScheme: UInt8 {
        switch self { case .gsm7: 0x00; case .eightBit: 0x04; case .ucs2: 0x08 }
    }
}

/// One information element of a user data header (TS 23.040 §9.2.3.24).
public struct UserDataHeaderElement: Hashable, Sendable, Codable {
    /// The IEI: 00 concatenation with an 8-bit reference, 08 with a 16-bit one, 05 port
    /// addressing, …
    public let identifier: UInt8
    public let data: [UInt8]

    public init(identifier: UInt8, data: [UInt8]) throws(DecodeError) {
        guard data.count <= 137 else {
            throw .invalid(what: "UDH element", why: "\(data.count) bytes of data cannot fit in a user data header")
        }
        self.identifier = identifier
        self.data = data
    }
}

/// Concatenated short message information (TS 23.040 §9.2.3.24.1, IEI 00; §9.2.3.24.8,
/// IEI 08 with a 16-bit reference).
public struct Concatenation: Hashable, Sendable, Codable {
    public let reference: Int
    public let total: Int
    public let sequence: Int
    /// True for IEI 08.
    public let sixteenBitReference: Bool

    public init(reference: Int, total: Int, sequence: Int, sixteenBitReference: Bool = false) throws(DecodeError) {
        guard (0...(sixteenBitReference ? 0xFFFF : 0xFF)).contains(reference),
              (1...255).contains(total), (1...255).contains(sequence)
        else {
            throw .invalid(what: "concatenation", why: "reference \(reference), part \(sequence) of \(total) out of range")
        }
        self.reference = reference
        self.total = total
        self.sequence = sequence
        self.sixteenBitReference = sixteenBitReference
    }

    /// The element, or nil when `element` is not a well-formed concatenation element. A
    /// total or sequence of 0 makes the element void (TS 23.040 §9.2.3.24.1: ignore it).
    init?(_ element: UserDataHeaderElement) {
        let d = element.data
        switch (element.identifier, d.count) {
        case (0x00, 3):
            guard let value = try? Concatenation(reference: Int(d[0]), total: Int(d[1]), sequence: Int(d[2])) else { return nil }
            self = value
        case (0x08, 4):
            guard let value = try? Concatenation(reference: Int(d[0]) << 8 | Int(d[1]), total: Int(d[2]), sequence: Int(d[3]),
                                                 sixteenBitReference: true) else { return nil }
            self = value
        default:
            return nil
        }
    }

    public var element: UserDataHeaderElement {
        // The initialiser's ranges guarantee the element is valid.
        if sixteenBitReference {
            return try! UserDataHeaderElement(identifier: 0x08, data: [UInt8(reference >> 8), UInt8(reference & 0xFF), UInt8(total), UInt8(sequence)])
        }
        return try! UserDataHeaderElement(identifier: 0x00, data: [UInt8(reference), UInt8(total), UInt8(sequence)])
    }
}

/// TP-UD with its header, decoded with the alphabet of TP-DCS (TS 23.040 §9.2.3.16,
/// §9.2.3.24; TS 23.038 §4, §6.1.2).
///
/// `text` is set for GSM 7-bit and UCS-2, `binary` for 8-bit data and for compressed text
/// (compression, TS 23.042, is not undone; `note` says so).
public struct SMSUserData: Hashable, Sendable, Codable {
    /// The longest TP-UD: 140 octets (160 septets).
    public static let maximumOctets = 140

    public let header: [UserDataHeaderElement]
    public let text: String?
    public let binary: [UInt8]?
    public let encoding: SMSEncoding
    public let concatenation: Concatenation?
    public let note: String?

    /// User data to encode: `text` for GSM 7-bit and UCS-2, `binary` for 8-bit.
    public init(text: String? = nil, binary: [UInt8]? = nil, encoding: SMSEncoding,
                header: [UserDataHeaderElement] = []) throws(DecodeError) {
        switch encoding {
        case .gsm7, .ucs2:
            guard let text, binary == nil else { throw .invalid(what: "SMS user data", why: "\(encoding) needs text and no binary") }
            if encoding == .gsm7, GSM7.encode(text) == nil {
                throw .invalid(what: "SMS user data", why: "text not representable in the GSM 7-bit alphabet")
            }
        case .eightBit:
            guard binary != nil, text == nil else { throw .invalid(what: "SMS user data", why: "8-bit data needs binary and no text") }
        }
        self.header = header
        self.text = text
        self.binary = binary
        self.encoding = encoding
        self.concatenation = header.lazy.compactMap(Concatenation.init).first
        self.note = nil
        guard encodedLength <= Self.maximumOctets else {
            throw .invalid(what: "SMS user data", why: "\(encodedLength) octets exceed \(Self.maximumOctets)")
        }
    }

    /// Text with a concatenation element in the header.
    public init(text: String, encoding: SMSEncoding, concatenation: Concatenation) throws(DecodeError) {
        try self.init(text: text, encoding: encoding, header: [concatenation.element])
    }

    private init(header: [UserDataHeaderElement], text: String?, binary: [UInt8]?, encoding: SMSEncoding, note: String?) {
        self.header = header
        self.text = text
        self.binary = binary
        self.encoding = encoding
        self.concatenation = header.lazy.compactMap(Concatenation.init).first
        self.note = note
    }

    // MARK: Decoding

    /// The number of octets TP-UDL announces: septets rounded up to octets for GSM 7-bit
    /// (TS 23.040 §9.2.3.16), octets otherwise.
    static func octetCount(length: UInt8, encoding: SMSEncoding) -> Int {
        encoding == .gsm7 ? (Int(length) * 7 + 7) / 8 : Int(length)
    }

    /// Decodes TP-UDL and TP-UD at the start of `bytes` and returns the bytes taken; anything
    /// after the announced length (FF padding in EF.SMS) is never read.
    static func decode(_ bytes: ArraySlice<UInt8>, dataCodingScheme: UInt8, hasHeader: Bool) throws(DecodeError) -> (SMSUserData, consumed: Int) {
        let what = "TP-UD"
        guard let udl = bytes.first else { throw .truncated(what: "TP-UDL", needed: 1, got: 0) }
        let (encoding, compressed) = SMSEncoding.of(dataCodingScheme: dataCodingScheme)
        // Compressed text is counted in octets whatever the alphabet (TS 23.040 §9.2.3.16).
        let octets = compressed ? Int(udl) : octetCount(length: udl, encoding: encoding)
        guard octets <= maximumOctets else {
            throw .invalid(what: what, why: "TP-UDL \(udl) announces \(octets) octets, more than \(maximumOctets)")
        }
        guard bytes.count - 1 >= octets else {
            throw .truncated(what: what, needed: 1 + octets, got: bytes.count)
        }
        let data = bytes[(bytes.startIndex + 1)..<(bytes.startIndex + 1 + octets)]
        var header: [UserDataHeaderElement] = []
        var headerOctets = 0
        if hasHeader {
            guard let udhl = data.first else {
                throw .invalid(what: what, why: "TP-UDHI set but TP-UDL is 0")
            }
            headerOctets = 1 + Int(udhl)
            guard headerOctets <= octets else {
                throw .invalid(what: what, why: "header length \(udhl) exceeds the \(octets) octets of user data")
            }
            var index = data.startIndex + 1
            let end = data.startIndex + headerOctets
            // Each element takes at least two octets, so the loop ends within the header.
            while index < end {
                guard end - index >= 2 else { throw .invalid(what: "UDH", why: "element header cut by the header length") }
                let identifier = data[index], length = Int(data[index + 1])
                guard end - index - 2 >= length else {
                    throw .invalid(what: "UDH", why: "element \(Hex.string([identifier])) of \(length) bytes overruns the header")
                }
                header.append(try UserDataHeaderElement(identifier: identifier, data: Array(data[(index + 2)..<(index + 2 + length)])))
                index += 2 + length
            }
        }
        let payload = data.dropFirst(headerOctets)
        if compressed {
            return (SMSUserData(header: header, text: nil, binary: Array(payload), encoding: encoding,
                                note: "compressed (TS 23.042); the compressed octets are kept undecoded"), 1 + octets)
        }
        switch encoding {
        case .gsm7:
            // The text starts at the first septet boundary after the header (fill bits).
            let headerBits = headerOctets * 8
            let headerSeptets = (headerBits + 6) / 7
            let septets = Int(udl) - headerSeptets
            guard septets >= 0 else {
                throw .invalid(what: what, why: "header of \(headerSeptets) septets exceeds TP-UDL \(udl)")
            }
            let unpacked = GSM7.unpack(data, septets: septets, skipBits: headerSeptets * 7)
            return (SMSUserData(header: header, text: GSM7.decode(unpacked: unpacked), binary: nil, encoding: .gsm7, note: nil), 1 + octets)
        case .ucs2:
            guard payload.count % 2 == 0 else {
                throw .invalid(what: what, why: "UCS-2 text of an odd \(payload.count) octets")
            }
            return (SMSUserData(header: header, text: ucs2String(payload), binary: nil, encoding: .ucs2, note: nil), 1 + octets)
        case .eightBit:
            return (SMSUserData(header: header, text: nil, binary: Array(payload), encoding: .eightBit, note: nil), 1 + octets)
        }
    }

    /// Big-endian UTF-16 code units as they are: surrogate pairs join (senders use UTF-16
    /// beyond strict UCS-2 for emoji), nothing is normalised, so combining marks stay
    /// separate code points; a lone surrogate becomes U+FFFD.
    static func ucs2String(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    // MARK: Encoding

    private var encodedHeader: [UInt8] {
        guard !header.isEmpty else { return [] }
        let elements = header.flatMap { [$0.identifier, UInt8($0.data.count)] + $0.data }
        return [UInt8(elements.count)] + elements
    }

    private var payloadUnits: [UInt8] {
        switch encoding {
        case .gsm7: GSM7.encode(text ?? "") ?? []
        case .ucs2: (text ?? "").utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .eightBit: binary ?? []
        }
    }

    private var encodedLength: Int { encoded.count - 1 }

    /// TP-UDL followed by TP-UD. Compressed user data is re-emitted as its octets.
    public var encoded: [UInt8] {
        let head = encodedHeader
        if encoding == .gsm7 && note == nil {
            let headerSeptets = (head.count * 8 + 6) / 7
            let septets = payloadUnits
            let packed = GSM7.pack(septets, skipBits: headerSeptets * 7)
            var data = packed
            for (offset, byte) in head.enumerated() { data[offset] = byte }
            let udl = headerSeptets + septets.count
            return [UInt8(truncatingIfNeeded: udl)] + data.prefix((udl * 7 + 7) / 8)
        }
        let body = note == nil ? payloadUnits : (binary ?? [])
        let data = head + body
        return [UInt8(truncatingIfNeeded: data.count)] + data
    }
}
