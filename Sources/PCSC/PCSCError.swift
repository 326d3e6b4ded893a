internal import CPCSCLite

/// A failed PC/SC call: which C function, the pcsc-lite return code and its text.
/// Every return code from libpcsclite goes through `check(_:_:)` into this type.
public struct PCSCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C function that failed, e.g. "SCardConnect".
    public let function: String
    public let code: Code

    public init(function: String, code: Code) { self.function = function; self.code = code }

    /// A pcsc-lite return code (`SCARD_E_*`, `SCARD_W_*`, `SCARD_F_*`). Open set.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let cancelled = Code(rawValue: 0x8010_0002)
        public static let invalidHandle = Code(rawValue: 0x8010_0003)
        public static let invalidParameter = Code(rawValue: 0x8010_0004)
        public static let unknownReader = Code(rawValue: 0x8010_0009)
        public static let timeout = Code(rawValue: 0x8010_000A)
        public static let sharingViolation = Code(rawValue: 0x8010_000B)
        public static let noSmartcard = Code(rawValue: 0x8010_000C)
        public static let protocolMismatch = Code(rawValue: 0x8010_000F)
        public static let notReady = Code(rawValue: 0x8010_0010)
        public static let commError = Code(rawValue: 0x8010_0013)
        public static let notTransacted = Code(rawValue: 0x8010_0016)
        public static let readerUnavailable = Code(rawValue: 0x8010_0017)
        public static let noService = Code(rawValue: 0x8010_001D)
        public static let serviceStopped = Code(rawValue: 0x8010_001E)
        public static let noReadersAvailable = Code(rawValue: 0x8010_002E)
        public static let unsupportedCard = Code(rawValue: 0x8010_0065)
        public static let unresponsiveCard = Code(rawValue: 0x8010_0066)
        public static let unpoweredCard = Code(rawValue: 0x8010_0067)
        public static let resetCard = Code(rawValue: 0x8010_0068)
        public static let removedCard = Code(rawValue: 0x8010_0069)

        /// The pcsc-lite macro name where known, e.g. "SCARD_W_REMOVED_CARD".
        public var name: String {
            switch self {
            case .cancelled: "SCARD_E_CANCELLED"
            case .invalidHandle: "SCARD_E_INVALID_HANDLE"
            case .invalidParameter: "SCARD_E_INVALID_PARAMETER"
            case .unknownReader: "SCARD_E_UNKNOWN_READER"
            case .timeout: "SCARD_E_TIMEOUT"
            case .sharingViolation: "SCARD_E_SHARING_VIOLATION"
            case .noSmartcard: "SCARD_E_NO_SMARTCARD"
            case .protocolMismatch: "SCARD_E_PROTO_MISMATCH"
            case .notReady: "SCARD_E_NOT_READY"
            case .commError: "SCARD_F_COMM_ERROR"
            case .notTransacted: "SCARD_E_NOT_TRANSACTED"
            case .readerUnavailable: "SCARD_E_READER_UNAVAILABLE"
            case .noService: "SCARD_E_NO_SERVICE"
            case .serviceStopped: "SCARD_E_SERVICE_STOPPED"
            case .noReadersAvailable: "SCARD_E_NO_READERS_AVAILABLE"
            case .unsupportedCard: "SCARD_W_UNSUPPORTED_CARD"
            case .unresponsiveCard: "SCARD_W_UNRESPONSIVE_CARD"
            case .unpoweredCard: "SCARD_W_UNPOWERED_CARD"
            case .resetCard: "SCARD_W_RESET_CARD"
            case .removedCard: "SCARD_W_REMOVED_CARD"
            default: "0x" + String(rawValue, radix: 16, uppercase: true)
            }
        }

        /// pcsc-lite's own text for the code (`pcsc_stringify_error`).
        public var text: String { String(cString: pcsc_stringify_error(LONG(rawValue))) }

        public var description: String { "\(name) (0x\(String(rawValue, radix: 16, uppercase: true))): \(text)" }
    }

    /// True when the card left the reader (or lost power) during the operation.
    public var isCardGone: Bool {
        [.removedCard, .noSmartcard, .unpoweredCard, .resetCard, .readerUnavailable, .notTransacted].contains(code)
    }

    public var description: String { "\(function) failed: \(code)" }
}

/// Turns a pcsc-lite return value into success or a `PCSCError` naming `function`.
@inline(__always)
func check(_ rv: LONG, _ function: String) throws(PCSCError) {
    guard rv != SCARD_S_SUCCESS else { return }
    throw PCSCError(function: function, code: .init(rawValue: UInt32(truncatingIfNeeded: rv)))
}
