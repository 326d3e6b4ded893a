internal import CPCSCLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection to the PC/SC resource manager (pcscd).
///
/// One owner at a time: a context is used from one thread (pcsc-lite allows concurrent calls on
/// one context, but serialises them, so sharing it gains nothing). `canceller` is the only part
/// meant for another thread: it stops a blocking `waitForChange`.
public final class PCSCContext {
    let handle: SCARDCONTEXT
    /// Shared with the cards connected through this context: once one of them is wedged in a
    /// transmit that never returns, libpcsclite holds this context's lock for good, and
    /// releasing the context would block forever.
    let health = ContextHealth()

    /// `SCardEstablishContext` (system scope).
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context), "SCardEstablishContext")
        handle = context
    }

    /// `SCardReleaseContext`, unless a wedged card still holds the context (the process's
    /// exit then closes the connection to pcscd).
    deinit { if !health.wedged { SCardReleaseContext(handle) } }

    /// Reader names as pcscd reports them (`SCardListReaders`, multi-string split).
    /// No reader attached is an empty list, not an error.
    public func readers() throws(PCSCError) -> [String] {
        var length: DWORD = 0
        var rv = SCardListReaders(handle, nil, nil, &length)
        if rv == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try check(rv, "SCardListReaders")
        var buffer = [CChar](repeating: 0, count: Int(length))
        rv = SCardListReaders(handle, nil, &buffer, &length)
        if rv == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try check(rv, "SCardListReaders")
        return Self.splitMultiString(buffer.prefix(Int(length)))
    }

    /// Splits a PC/SC multi-string `"A\0B\0\0"` into its parts.
    static func splitMultiString(_ chars: ArraySlice<CChar>) -> [String] {
        chars.split(separator: 0, omittingEmptySubsequences: true).map {
            String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Waits until the state of at least one reader differs from what `states` says
    /// (`SCardGetStatusChange`). Pass the result back in to wait for the next change.
    /// - Parameter timeout: nil waits forever; a wait stops early on `canceller.cancel()`
    ///   with `PCSCError.Code.cancelled`, and on expiry with `.timeout`.
    public func waitForChange(_ states: [ReaderState], timeout: Duration?) throws(PCSCError) -> [ReaderState] {
        let names = states.map { strdup($0.reader)! }
        defer { names.forEach { free($0) } }
        var cStates = states.enumerated().map { index, state in
            var s = SCARD_READERSTATE()
            s.szReader = UnsafePointer(names[index])
            s.dwCurrentState = DWORD(state.event.rawValue & ~ReaderState.Flags.changed.rawValue)
            return s
        }
        let millis: DWORD
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            millis = DWORD(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        } else {
            millis = DWORD(INFINITE)
        }
        try check(SCardGetStatusChange(handle, millis, &cStates, DWORD(cStates.count)), "SCardGetStatusChange")
        return zip(states, cStates).map { old, new in
            let atr = withUnsafeBytes(of: new.rgbAtr) { Array($0.prefix(Int(new.cbAtr))) }
            return ReaderState(reader: old.reader, event: .init(rawValue: UInt32(new.dwEventState)), atr: atr)
        }
    }

    /// The current state of each named reader, without waiting.
    public func states(of readers: [String]) throws(PCSCError) -> [ReaderState] {
        try waitForChange(readers.map { ReaderState(reader: $0) }, timeout: .zero)
    }

    /// Connects to the card in `reader` (`SCardConnect`). pcscd negotiates the protocol the
    /// card's ATR offers among `protocols`; exclusive by default so no other program talks to a
    /// seized card while it is read.
    public func connect(reader: String, share: ShareMode = .exclusive,
                        protocols: Set<CardProtocol> = [.t0, .t1]) throws(PCSCError) -> PCSCCard {
        var card: SCARDHANDLE = 0
        var active: DWORD = 0
        let wanted = protocols.reduce(DWORD(0)) { $0 | $1.mask }
        try check(SCardConnect(handle, reader, share.rawValue, wanted, &card, &active), "SCardConnect")
        return PCSCCard(handle: card, reader: reader, activeProtocol: CardProtocol(mask: active), context: health)
    }

    /// A handle another thread may use to stop this context's blocking wait.
    public var canceller: PCSCCanceller { PCSCCanceller(context: handle) }
}

final class ContextHealth {
    var wedged = false
}

/// Stops a blocking `waitForChange` on its context from another thread (`SCardCancel`).
public struct PCSCCanceller: Sendable {
    let context: SCARDCONTEXT

    /// `SCardCancel`.
    public func cancel() throws(PCSCError) { try check(SCardCancel(context), "SCardCancel") }
}

public enum ShareMode: Sendable {
    case exclusive, shared

    var rawValue: DWORD {
        switch self {
        case .exclusive: DWORD(SCARD_SHARE_EXCLUSIVE)
        case .shared: DWORD(SCARD_SHARE_SHARED)
        }
    }
}

public enum CardProtocol: String, Sendable, Codable {
    case t0 = "T=0", t1 = "T=1", raw = "raw", undefined = "undefined"

    var mask: DWORD {
        switch self {
        case .t0: DWORD(SCARD_PROTOCOL_T0)
        case .t1: DWORD(SCARD_PROTOCOL_T1)
        case .raw: DWORD(SCARD_PROTOCOL_RAW)
        case .undefined: 0
        }
    }

    init(mask: DWORD) {
        switch mask {
        case DWORD(SCARD_PROTOCOL_T0): self = .t0
        case DWORD(SCARD_PROTOCOL_T1): self = .t1
        case DWORD(SCARD_PROTOCOL_RAW): self = .raw
        default: self = .undefined
        }
    }
}

/// One reader's state as `SCardGetStatusChange` reports it.
public struct ReaderState: Sendable, Hashable {
    public let reader: String
    /// The state last observed (fed back as the "current" state of the next wait).
    public let event: Flags
    public let atr: [UInt8]

    public init(reader: String, event: Flags = [], atr: [UInt8] = []) {
        self.reader = reader; self.event = event; self.atr = atr
    }

    public var cardPresent: Bool { event.contains(.present) && !event.contains(.mute) }
    public var isMute: Bool { event.contains(.mute) }
    public var isUnavailable: Bool { event.contains(.unavailable) || event.contains(.unknown) }

    /// `SCARD_STATE_*` bits.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let ignore = Flags(rawValue: UInt32(SCARD_STATE_IGNORE))
        public static let changed = Flags(rawValue: UInt32(SCARD_STATE_CHANGED))
        public static let unknown = Flags(rawValue: UInt32(SCARD_STATE_UNKNOWN))
        public static let unavailable = Flags(rawValue: UInt32(SCARD_STATE_UNAVAILABLE))
        public static let empty = Flags(rawValue: UInt32(SCARD_STATE_EMPTY))
        public static let present = Flags(rawValue: UInt32(SCARD_STATE_PRESENT))
        public static let exclusive = Flags(rawValue: UInt32(SCARD_STATE_EXCLUSIVE))
        public static let inUse = Flags(rawValue: UInt32(SCARD_STATE_INUSE))
        public static let mute = Flags(rawValue: UInt32(SCARD_STATE_MUTE))
    }
}
