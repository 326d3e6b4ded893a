internal import CPCSCLite

/// A connected card. Disconnects (leaving the card as it is) when released.
public final class PCSCCard {
    let handle: SCARDHANDLE
    public let reader: String
    public let activeProtocol: CardProtocol
    private var connected = true

    init(handle: SCARDHANDLE, reader: String, activeProtocol: CardProtocol) {
        self.handle = handle; self.reader = reader; self.activeProtocol = activeProtocol
    }

    deinit { if connected { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) } }

    /// Sends one command APDU and returns the response bytes, status word included
    /// (`SCardTransmit`). pcsc-lite never issues GET RESPONSE itself: callers handle 61xx/9Fxx.
    public func transmit(_ command: [UInt8]) throws(PCSCError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: 258)
        var length = DWORD(response.count)
        let pci = activeProtocol == .t1 ? custody_pci_t1() : custody_pci_t0()
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
        guard connected else { return }
        connected = false
        try check(SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)), "SCardDisconnect")
    }
}
