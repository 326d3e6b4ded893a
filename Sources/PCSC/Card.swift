internal import CPCSCLite
import Dispatch

/// A connected card. Disconnects (leaving the card as it is) when released.
public final class PCSCCard {
    let handle: SCARDHANDLE
    public let reader: String
    public let activeProtocol: CardProtocol
    private var connected = true
    /// Set when a transmit outlived its deadline: its thread is still blocked inside
    /// SCardTransmit, so this handle must not be used (or disconnected) again.
    public private(set) var isWedged = false
    /// Runs transmits so that a mute card cannot block the caller past a deadline.
    private let worker = DispatchQueue(label: "custody.pcsc.transmit")

    private let context: ContextHealth

    init(handle: SCARDHANDLE, reader: String, activeProtocol: CardProtocol, context: ContextHealth) {
        self.handle = handle; self.reader = reader; self.activeProtocol = activeProtocol; self.context = context
    }

    deinit { if connected && !isWedged { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) } }

    /// Sends one command APDU and returns the response bytes, status word included
    /// (`SCardTransmit`). pcsc-lite never issues GET RESPONSE itself: callers handle 61xx/9Fxx.
    public func transmit(_ command: [UInt8]) throws(PCSCError) -> [UInt8] {
        try Self.transmit(handle: handle, protocol: activeProtocol, command: command)
    }

    /// `transmit` with a deadline. pcsc-lite has none: a mute card (or vpcd waiting for a
    /// simulator that never answers) blocks `SCardTransmit` forever. On expiry this throws
    /// `TransmitTimeout` and the card is left wedged; the blocked thread ends with the process.
    public func transmit(_ command: [UInt8], timeout: Duration) throws -> [UInt8] {
        guard !isWedged else { throw TransmitTimeout(reader: reader, timeout: timeout) }
        let result = TransmitResult()
        let done = DispatchSemaphore(value: 0)
        let (handle, proto) = (self.handle, activeProtocol)
        worker.async {
            result.value = Result { () throws(PCSCError) in try Self.transmit(handle: handle, protocol: proto, command: command) }
            done.signal()
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success, let value = result.value else {
            isWedged = true
            context.wedged = true
            throw TransmitTimeout(reader: reader, timeout: timeout)
        }
        return try value.get()
    }

    private static func transmit(handle: SCARDHANDLE, protocol proto: CardProtocol, command: [UInt8]) throws(PCSCError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: 258)
        var length = DWORD(response.count)
        let pci = proto == .t1 ? custody_pci_t1() : custody_pci_t0()
        let rv = command.withUnsafeBufferPointer { cmd in
            SCardTransmit(handle, pci, cmd.baseAddress, DWORD(cmd.count), nil, &response, &length)
        }
        try check(rv, "SCardTransmit")
        return Array(response.prefix(Int(length)))
    }

    /// The card's ATR as the reader holds it (`SCardStatus`).
    public func atr() throws(PCSCError) -> [UInt8] {
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = DWORD(atr.count)
        var state: DWORD = 0
        var proto: DWORD = 0
        var nameLength: DWORD = 0
        try check(SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength), "SCardStatus")
        return Array(atr.prefix(Int(atrLength)))
    }

    /// Ends the connection (`SCardDisconnect`), leaving the card powered and unchanged.
    public func disconnect() throws(PCSCError) {
        guard connected, !isWedged else { return }
        connected = false
        try check(SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)), "SCardDisconnect")
    }
}

/// A card that did not answer within the caller's deadline.
public struct TransmitTimeout: Error, CustomStringConvertible {
    public let reader: String
    public let timeout: Duration

    public var description: String {
        "the card in \"\(reader)\" did not answer within \(timeout) (mute card or stuck reader)"
    }
}

/// Carries a transmit's result from the worker queue to the waiting caller. Unchecked because
/// the semaphore orders the single write before the single read.
private final class TransmitResult: @unchecked Sendable {
    var value: Result<[UInt8], PCSCError>?
}
