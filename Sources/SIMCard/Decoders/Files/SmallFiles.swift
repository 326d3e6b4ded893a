import ByteText

/// EF.PHASE (DF.GSM 6FAE, TS 51.011 §10.3.19): the SIM's phase, 1 byte.
public struct PhaseIndicator: Hashable, Sendable, Codable {
    public let raw: UInt8

    public init(raw: UInt8) { self.raw = raw }

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        raw = try FileBytes.exact(bytes, 1, "EF.PHASE")[0]
    }

    public var encoded: [UInt8] { [raw] }

    /// 00 phase 1, 02 phase 2, 03 phase 2+ (phase 2 and PROFILE DOWNLOAD required).
    public var name: String {
        switch raw {
        case 0x00: "phase 1"
        case 0x02: "phase 2"
        case 0x03: "phase 2+"
        default: "unknown (\(Hex.string([raw])))"
        }
    }
}

/// EF.ACC, access control classes (TS 31.102 §4.2.15, TS 51.011 §10.3.15): 2 bytes, byte 1
/// bits 8–1 are classes 15–8, byte 2 bits 8–1 are classes 7–0 (TS 22.011 §4: 0–9 ordinary
/// subscribers, 10 emergency calls, 11–15 special categories).
public struct AccessControlClasses: Hashable, Sendable, Codable {
    public static let encodedLength = 2

    /// The classes whose bit is set, ascending.
    public let classes: [Int]

    public init(classes: [Int]) {
        self.classes = Array(Set(classes.filter { (0...15).contains($0) })).sorted()
    }

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.ACC")
        let bits = UInt16(raw[0]) << 8 | UInt16(raw[1])
        classes = (0..<16).filter { bits >> $0 & 1 != 0 }
    }

    public var encoded: [UInt8] {
        let bits = classes.reduce(UInt16(0)) { $0 | 1 << UInt16($1) }
        return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
    }
}

/// The language preference files:
/// - EF.LP (DF.GSM 6F05, TS 51.011 §10.3.1): one byte per language, coded as the CBS language
///   of TS 23.038 §5 (data coding scheme group 0000); FF unused.
/// - EF.LI (ADF.USIM 6F05, TS 31.102 §4.2.1) and EF.PL (MF 2F05, TS 102 221 §13.5): two bytes
///   per language, an ISO 639 alpha-2 code in lower-case ASCII; FFFF unused.
///
/// Unused entries are skipped. `code` is the hex byte for EF.LP ("01") and the letters for
/// EF.LI/EF.PL ("vi").
public struct LanguagePreference: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// EF.LP: TS 23.038 CBS language bytes.
        case cbs
        /// EF.LI / EF.PL: ISO 639 alpha-2 pairs.
        case iso639
    }

    public struct Language: Hashable, Sendable, Codable {
        public let code: String
        public let name: String?
    }

    public let kind: Kind
    public let languages: [Language]

    public init(decoding bytes: ArraySlice<UInt8>, kind: Kind) throws(DecodeError) {
        let raw = Array(bytes)
        var languages: [Language] = []
        switch kind {
        case .cbs:
            for byte in raw where byte != 0xFF {
                languages.append(Language(code: Hex.string([byte]), name: Self.cbsNames[byte]))
            }
        case .iso639:
            guard raw.count % 2 == 0 else {
                throw .truncated(what: "EF.LI/EF.PL language code", needed: 2, got: 1)
            }
            for start in stride(from: 0, to: raw.count, by: 2) where !(raw[start] == 0xFF && raw[start + 1] == 0xFF) {
                let pair = raw[start..<(start + 2)]
                guard pair.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                    throw .invalid(what: "EF.LI/EF.PL", why: "language code \(Hex.string(pair)) is not ASCII letters")
                }
                let code = String(decoding: pair, as: UTF8.self)
                languages.append(Language(code: code, name: Self.isoNames[code.lowercased()]))
            }
        }
        self.kind = kind
        self.languages = languages
    }

    /// TS 23.038 §5, CBS data coding scheme group 0000 (0x00–0x0F) and the ISO-coded
    /// languages of group 0010 (0x20–0x24).
    static let cbsNames: [UInt8: String] = [
        0x00: "German", 0x01: "English", 0x02: "Italian", 0x03: "French", 0x04: "Spanish", 0x05: "Dutch",
        0x06: "Swedish", 0x07: "Danish", 0x08: "Portuguese", 0x09: "Finnish", 0x0A: "Norwegian", 0x0B: "Greek",
        0x0C: "Turkish", 0x0D: "Hungarian", 0x0E: "Polish", 0x0F: "unspecified",
        0x20: "Czech", 0x21: "Hebrew", 0x22: "Arabic", 0x23: "Russian", 0x24: "Icelandic",
    ]

    /// Common ISO 639-1 codes.
    static let isoNames: [String: String] = [
        "vi": "Vietnamese", "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
        "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "fi": "Finnish", "no": "Norwegian",
        "el": "Greek", "tr": "Turkish", "hu": "Hungarian", "pl": "Polish", "cs": "Czech", "he": "Hebrew",
        "ar": "Arabic", "ru": "Russian", "is": "Icelandic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
        "th": "Thai", "km": "Khmer", "lo": "Lao", "id": "Indonesian", "ms": "Malay", "tl": "Tagalog",
        "hi": "Hindi", "bn": "Bengali", "uk": "Ukrainian", "ro": "Romanian",
    ]
}

/// EF.SMSS, SMS status (TS 31.102 §4.2.28, TS 51.011 §10.5.7): byte 1 the last used TP-MR;
/// byte 2 bit 1 the memory capacity flag, where 0 means capacity *exceeded* (1: available).
/// Further bytes are RFU and ignored.
public struct SMSStatusInfo: Hashable, Sendable, Codable {
    public static let minimumLength = 2

    public let lastMessageReference: UInt8
    public let memoryCapacityExceeded: Bool

    public init(lastMessageReference: UInt8, memoryCapacityExceeded: Bool) {
        self.lastMessageReference = lastMessageReference
        self.memoryCapacityExceeded = memoryCapacityExceeded
    }

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.atLeast(bytes, Self.minimumLength, "EF.SMSS")
        lastMessageReference = raw[0]
        memoryCapacityExceeded = raw[1] & 0x01 == 0
    }

    /// The two defined bytes, RFU bits of byte 2 set to 1.
    public var encoded: [UInt8] { [lastMessageReference, memoryCapacityExceeded ? 0xFE : 0xFF] }
}
