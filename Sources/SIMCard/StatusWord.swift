import ByteText

/// The two status bytes ending every response (ISO/IEC 7816-4, TS 51.011 §9.4, TS 102 221 §10.2).
/// An open set: well-known values are `static let`s, families are predicates.
public struct StatusWord: Hashable, Sendable, Codable, CustomStringConvertible {
    public var sw1: UInt8
    public var sw2: UInt8

    public init(sw1: UInt8, sw2: UInt8) { self.sw1 = sw1; self.sw2 = sw2 }
    public init(_ value: UInt16) { self.init(sw1: UInt8(value >> 8), sw2: UInt8(value & 0xFF)) }

    public var value: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }

    public static let ok = StatusWord(0x9000)
    public static let classNotSupported = StatusWord(0x6E00)
    public static let instructionNotSupported = StatusWord(0x6D00)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let recordNotFound = StatusWord(0x6A83)
    public static let securityNotSatisfied = StatusWord(0x6982)
    public static let authenticationMethodBlocked = StatusWord(0x6983)
    public static let referencedDataInvalidated = StatusWord(0x6984)
    public static let wrongParameters = StatusWord(0x6B00)
    public static let incorrectP1P2 = StatusWord(0x6A86)
    public static let commandNotAllowedNoEF = StatusWord(0x6986)
    public static let wrongLength = StatusWord(0x6700)
    /// Classic SIM (TS 51.011): file id not found.
    public static let simFileNotFound = StatusWord(0x9404)
    /// Classic SIM: out of range (invalid address / record).
    public static let simOutOfRange = StatusWord(0x9402)
    /// Classic SIM: access condition not fulfilled (CHV needed).
    public static let simAccessConditionNotFulfilled = StatusWord(0x9804)
    /// Classic SIM: CHV blocked / unsuccessful verification.
    public static let simCHVBlocked = StatusWord(0x9840)
    /// Classic SIM: no EF selected.
    public static let simNoEFSelected = StatusWord(0x9400)
    /// Classic SIM: file inconsistent with the command.
    public static let simFileInconsistent = StatusWord(0x9408)

    public var isSuccess: Bool { sw1 == 0x90 || sw1 == 0x91 || sw1 == 0x92 }
    /// A warning rather than a clean success or error: 62xx and 63xx (ISO/IEC 7816-4 §5.6,
    /// e.g. 6282 "end of file reached before Le bytes", 6281 "data may be corrupted") except the
    /// 63Cx tries counter, and classic SIM 92xx (TS 51.011 §9.4.1: 920x "succeeded after x
    /// internal retries", 9240 "memory problem").
    public var isWarning: Bool { sw1 == 0x62 || (sw1 == 0x63 && remainingTries == nil) || sw1 == 0x92 }
    /// 61xx (UICC) or 9Fxx (SIM): xx bytes wait for GET RESPONSE.
    public var responseBytesAvailable: Int? {
        (sw1 == 0x61 || sw1 == 0x9F) ? (sw2 == 0 ? 256 : Int(sw2)) : nil
    }
    /// 6Cxx: resend with Le = xx.
    public var correctLength: Int? { sw1 == 0x6C ? Int(sw2) : nil }
    /// The file does not exist on this card.
    public var isFileNotFound: Bool { self == .fileNotFound || self == .simFileNotFound }
    /// A PIN (CHV) must be verified first.
    public var isSecurityNotSatisfied: Bool {
        self == .securityNotSatisfied || self == .simAccessConditionNotFulfilled
    }
    /// 63Cx: x verification tries remain (answer to VERIFY/UNBLOCK without data).
    public var remainingTries: Int? { (sw1 == 0x63 && sw2 & 0xF0 == 0xC0) ? Int(sw2 & 0x0F) : nil }

    public var hex: String { Hex.string([sw1, sw2]) }
    public var description: String { hex }
}

/// Status words a card sends that Custody only needs to recognise; the simulator sends them,
/// and the constructors below are the encoding side of the predicates above.
extension StatusWord {
    public static let logicalChannelNotSupported = StatusWord(0x6881)
    public static let commandIncompatibleWithFileStructure = StatusWord(0x6981)
    public static let referencedDataNotFound = StatusWord(0x6A88)
    public static let technicalProblem = StatusWord(0x6F00)
    /// Classic SIM: in contradiction with CHV status (VERIFY of a disabled CHV).
    public static let simCHVStatusContradiction = StatusWord(0x9808)

    /// 61xx (UICC) / 9Fxx (classic SIM): xx bytes wait for GET RESPONSE (00 = 256).
    public static func responseBytesAvailable(_ count: Int, classic: Bool) -> StatusWord {
        StatusWord(sw1: classic ? 0x9F : 0x61, sw2: UInt8(truncatingIfNeeded: count))
    }
    /// 6Cxx: wrong Le, xx is the right one.
    public static func correctLength(_ count: Int) -> StatusWord { StatusWord(sw1: 0x6C, sw2: UInt8(truncatingIfNeeded: count)) }
    /// Classic SIM 67xx (TS 51.011 §9.4.4): incorrect P3, xx is the right one.
    public static func incorrectP3(_ count: Int) -> StatusWord { StatusWord(sw1: 0x67, sw2: UInt8(truncatingIfNeeded: count)) }
    /// 63Cx: verification failed or queried, x tries left.
    public static func triesLeft(_ tries: Int) -> StatusWord { StatusWord(sw1: 0x63, sw2: 0xC0 | UInt8(tries & 0x0F)) }
}
