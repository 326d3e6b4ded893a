import SIMCard

/// One secret code (PIN/CHV or PUK/UNBLOCK CHV): the profile gives its initial state, the card
/// changes a copy.
struct PinState: Sendable {
    var value: [UInt8]       // ASCII digits, padded with FF to 8 bytes
    var enabled: Bool
    var tries: Int
    var maxTries: Int
    /// UICC: VERIFY without data answers 9000 (not 63Cx) while the PIN is disabled.
    var okWhenDisabled: Bool
    var verified = false

    var blocked: Bool { tries == 0 }
    /// Access is granted when the PIN is disabled or verified in this session.
    var satisfied: Bool { !enabled || verified }
    /// As a classic DF header shows it (every code here is initialised).
    var chvStatus: CHVStatus { CHVStatus(initialised: true, remainingTries: tries) }

    /// VERIFY (or the PUK of UNBLOCK): a match resets the counter and verifies, a mismatch
    /// consumes a try.
    mutating func present(_ candidate: ArraySlice<UInt8>) -> Bool {
        guard candidate.elementsEqual(value) else { tries -= 1; verified = false; return false }
        tries = maxTries; verified = true
        return true
    }

    /// UNBLOCK data is the PUK then the new PIN, 8 bytes each: the right `puk` sets the new PIN,
    /// enabled and verified with a full counter.
    mutating func unblock(with puk: inout PinState, _ data: [UInt8]) -> Bool {
        guard puk.present(data[0..<8]) else { return false }
        value = Array(data[8..<16]); tries = maxTries; enabled = true; verified = true
        return true
    }
}

/// What one APDU did, for the counters.
struct Outcome {
    var response: ResponseAPDU
    var pinPresented = false
    var tryConsumed = false

    init(_ response: ResponseAPDU, pinPresented: Bool = false, tryConsumed: Bool = false) {
        self.response = response; self.pinPresented = pinPresented; self.tryConsumed = tryConsumed
    }

    init(_ status: StatusWord, data: [UInt8] = [], pinPresented: Bool = false, tryConsumed: Bool = false) {
        self.init(ResponseAPDU(data: data, status: status), pinPresented: pinPresented, tryConsumed: tryConsumed)
    }
}

/// Status words SIMCard has no name or constructor for (it only reads the counted families:
/// `responseBytesAvailable`, `correctLength`, `remainingTries`).
/// The simulated card: a file tree plus selection, pending-response and PIN state.
/// Owned and used by the vpcd loop thread only.
final class Card {
    let profile: Profile
    private var currentDF: FileNode
    private var currentEF: FileNode?
    private var currentADF: FileNode?
    private var recordPointer = 0
    private var pending: [UInt8]?
    private(set) var pin1, pin2, puk1, puk2: PinState

    init(profile: Profile) {
        self.profile = profile
        currentDF = profile.mf
        pin1 = profile.pin1; pin2 = profile.pin2
        puk1 = profile.puk1; puk2 = profile.puk2
    }

    /// Cold or warm reset: security state and selection are lost, counters are not.
    func reset() {
        currentDF = profile.mf; currentEF = nil; currentADF = nil; recordPointer = 0; pending = nil
        pin1.verified = false; pin2.verified = false
    }

    // MARK: dispatch

    func process(_ bytes: [UInt8]) -> Outcome {
        let command: CommandAPDU
        do { command = try CommandAPDU(parsing: bytes[...]) } catch {
            pending = nil
            return Outcome(.wrongLength)
        }
        // A pending response survives only until the next command that is not GET RESPONSE.
        if command.instruction != .getResponse { pending = nil }
        let classicCLA = command.cla == CardDialect.classicSIM.classByte
        switch profile.mode {
        case .classic:
            return classicCLA ? classic(command) : Outcome(.classNotSupported)
        case .uicc:
            if classicCLA { return profile.classicToo ? classic(command) : Outcome(.classNotSupported) }
            let family = command.cla & 0xF0
            guard family == 0x00 || family == 0x80 else { return Outcome(.classNotSupported) }
            if command.cla & 0x03 != 0 { return Outcome(.logicalChannelNotSupported) }
            return uicc(command)
        }
    }

    // MARK: file selection (TS 102 221 §8.4.1, TS 51.011 §6.5)

    private func resolve(fid: UInt16, uicc: Bool) -> FileNode? {
        let df = currentDF
        if fid == 0x3F00 { return profile.mf }
        if fid == 0x7FFF { return uicc ? currentADF : nil }
        if df.fid == fid { return df }
        if let c = df.children.first(where: { $0.fid == fid && $0.kind != .adf }) { return c }
        if let p = df.parent {
            if p.fid == fid { return p }
            if let s = p.children.first(where: { $0.fid == fid && $0.kind == .df }) { return s }
        }
        return nil
    }

    private func resolve(path: [UInt8], from start: FileNode, uicc: Bool) -> FileNode? {
        guard !path.isEmpty, path.count % 2 == 0 else { return nil }
        var node = start
        for i in stride(from: 0, to: path.count, by: 2) {
            let fid = UInt16(path[i]) << 8 | UInt16(path[i + 1])
            if i == 0, fid == 0x7FFF, uicc, let adf = currentADF { node = adf; continue }
            guard node.isDF, let c = node.children.first(where: { $0.fid == fid && $0.kind != .adf }) else { return nil }
            node = c
        }
        return node
    }

    private func resolve(aid: [UInt8]) -> FileNode? {
        guard aid.count >= 5 else { return nil }
        return profile.mf.children.first { $0.kind == .adf && $0.aid.starts(with: aid) }
    }

    private func makeCurrent(_ node: FileNode) {
        recordPointer = 0
        if node.isDF {
            currentDF = node; currentEF = nil
            if node.kind == .adf { currentADF = node }
        } else {
            currentEF = node; currentDF = node.parent ?? profile.mf
        }
    }

    private func efBySFI(_ sfi: UInt8) -> FileNode? {
        currentDF.children.first { $0.kind == .ef && $0.sfi == sfi }
    }

    private func allowed(_ ac: AccessCondition) -> Bool {
        switch ac {
        case .always: true
        case .pin1: pin1.satisfied
        case .pin2: pin2.satisfied
        case .adm, .never: false
        }
    }

    private func fcp(_ node: FileNode) -> [UInt8] {
        Headers.fcp(node, pin1Enabled: pin1.enabled, pin2Enabled: pin2.enabled)
    }

    private func classicHeader(_ node: FileNode) -> [UInt8] {
        Headers.classic(node, freeMemory: profile.freeMemory, chv1Enabled: pin1.enabled,
                        chv1: pin1.chvStatus, unblock1: puk1.chvStatus, chv2: pin2.chvStatus, unblock2: puk2.chvStatus)
    }

    // MARK: UICC (TS 102 221)

    private func uicc(_ c: CommandAPDU) -> Outcome {
        let t1 = profile.style == .t1
        switch c.instruction {
        case .select:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(.classNotSupported) }
            guard [0x00, 0x04, 0x0C].contains(c.p2) else { return Outcome(.incorrectP1P2) }
            guard !c.data.isEmpty else { return Outcome(.wrongLength) }
            let target: FileNode?
            switch c.p1 {
            case 0x00:
                guard c.data.count == 2 else { return Outcome(.wrongLength) }
                target = resolve(fid: UInt16(c.data[0]) << 8 | UInt16(c.data[1]), uicc: true)
            case 0x04: target = resolve(aid: c.data)
            case 0x08: target = resolve(path: c.data, from: profile.mf, uicc: true)
            case 0x09: target = resolve(path: c.data, from: currentDF, uicc: true)
            default: return Outcome(.incorrectP1P2)
            }
            guard let node = target else { return Outcome(.fileNotFound) }
            makeCurrent(node)
            if c.p2 == 0x0C { return Outcome(.ok) }
            let header = fcp(node)
            if t1 { return Outcome(.ok, data: header) }
            pending = header
            return Outcome(.responseBytesAvailable(header.count, classic: false))

        case .status:
            guard c.cla & 0xF0 == 0x80 else { return Outcome(.classNotSupported) }
            let data: [UInt8]
            switch c.p2 {
            case 0x00: data = fcp(currentDF)
            case 0x01: data = currentADF.map { TLV(tag: 0x84, value: $0.aid).encoded } ?? []
            case 0x0C: return Outcome(.ok)
            default: return Outcome(.incorrectP1P2)
            }
            return Outcome(uiccLe(c.le, data, exact: false))

        case .getResponse:
            guard let p = pending, c.p1 == 0, c.p2 == 0 else {
                return Outcome(c.p1 == 0 && c.p2 == 0 ? .technicalProblem : .incorrectP1P2)
            }
            let le = Int(c.le ?? 0)
            if le == 0 || le > p.count {
                pending = p
                return Outcome(.correctLength(p.count))
            }
            if le < p.count {
                pending = Array(p[le...])
                return Outcome(.responseBytesAvailable(p.count - le, classic: false), data: Array(p[..<le]))
            }
            pending = nil
            return Outcome(.ok, data: p)

        case .readBinary:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(.classNotSupported) }
            var offset = Int(c.p1) << 8 | Int(c.p2)
            if c.p1 & 0x80 != 0 {
                guard c.p1 & 0x60 == 0, let ef = efBySFI(c.p1 & 0x1F) else { return Outcome(.fileNotFound) }
                makeCurrent(ef); offset = Int(c.p2)
            }
            guard let ef = currentEF else { return Outcome(.commandNotAllowedNoEF) }
            guard ef.structure == .transparent else { return Outcome(.commandIncompatibleWithFileStructure) }
            guard allowed(ef.read) else { return Outcome(.securityNotSatisfied) }
            guard offset < ef.contents.count || (offset == 0 && ef.contents.isEmpty) else {
                return Outcome(.wrongParameters)
            }
            return Outcome(uiccLe(c.le, Array(ef.contents[offset...]), exact: false))

        case .readRecord:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(.classNotSupported) }
            let sfi = c.p2 >> 3
            if sfi != 0 {
                guard sfi != 0x1F, let ef = efBySFI(sfi) else { return Outcome(.fileNotFound) }
                makeCurrent(ef)
            }
            guard let ef = currentEF else { return Outcome(.commandNotAllowedNoEF) }
            guard ef.structure != .transparent else { return Outcome(.commandIncompatibleWithFileStructure) }
            guard allowed(ef.read) else { return Outcome(.securityNotSatisfied) }
            guard let n = recordNumber(mode: c.p2 & 0x07, p1: c.p1, count: ef.records.count) else {
                return Outcome([0x02, 0x03, 0x04].contains(c.p2 & 0x07) ? .recordNotFound : .incorrectP1P2)
            }
            let r = uiccLe(c.le, ef.records[n - 1], exact: true)
            if r.status == .ok { recordPointer = n }
            return Outcome(r)

        case .verify, .unblockPIN:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(.classNotSupported) }
            guard c.p1 == 0x00 else { return Outcome(.incorrectP1P2) }
            let verify = c.instruction == .verify
            switch c.p2 {   // key reference
            case 0x01: return verify ? uiccVerify(&pin1, c.data) : uiccUnblock(&pin1, &puk1, c.data)
            case 0x81: return verify ? uiccVerify(&pin2, c.data) : uiccUnblock(&pin2, &puk2, c.data)
            default: return Outcome(.referencedDataNotFound, pinPresented: !c.data.isEmpty)
            }

        default:
            return Outcome(.instructionNotSupported)
        }
    }

    /// Applies Le the way a T=0 card (6Cxx when Le is absent, 00 or too long) or a T=1 card
    /// (Le 00 = everything up to 256 bytes) answers. `exact`: records must be read whole.
    private func uiccLe(_ le: UInt8?, _ data: [UInt8], exact: Bool) -> ResponseAPDU {
        let available = min(data.count, 256)
        let asked = Int(le ?? 0)
        if profile.style == .t1 && asked == 0 { return ResponseAPDU(data: Array(data.prefix(available)), status: .ok) }
        let want = asked == 0 ? 256 : asked
        if want > available || (exact && want != available) {
            return ResponseAPDU(data: [], status: .correctLength(available))
        }
        return ResponseAPDU(data: Array(data.prefix(want)), status: .ok)
    }

    private func recordNumber(mode: UInt8, p1: UInt8, count: Int) -> Int? {
        switch mode {
        case 0x04:
            let n = p1 == 0 ? recordPointer : Int(p1)
            return (1...count).contains(n) ? n : nil
        case 0x02:
            let n = recordPointer + 1
            return n <= count ? n : nil
        case 0x03:
            let n = recordPointer == 0 ? count : recordPointer - 1
            return n >= 1 ? n : nil
        default:
            return nil
        }
    }

    private func uiccVerify(_ pin: inout PinState, _ data: [UInt8]) -> Outcome {
        if data.isEmpty {
            if pin.blocked { return Outcome(.authenticationMethodBlocked) }
            if pin.verified || (!pin.enabled && pin.okWhenDisabled) { return Outcome(.ok) }
            return Outcome(.triesLeft(pin.tries))
        }
        guard data.count == 8 else { return Outcome(.wrongLength, pinPresented: true) }
        if pin.blocked { return Outcome(.authenticationMethodBlocked, pinPresented: true) }
        if pin.present(data[...]) { return Outcome(.ok, pinPresented: true) }
        return Outcome(.triesLeft(pin.tries), pinPresented: true, tryConsumed: true)
    }

    private func uiccUnblock(_ pin: inout PinState, _ puk: inout PinState, _ data: [UInt8]) -> Outcome {
        if data.isEmpty {
            if puk.blocked { return Outcome(.authenticationMethodBlocked) }
            return Outcome(.triesLeft(puk.tries))
        }
        guard data.count == 16 else { return Outcome(.wrongLength, pinPresented: true) }
        if puk.blocked { return Outcome(.authenticationMethodBlocked, pinPresented: true) }
        if pin.unblock(with: &puk, data) { return Outcome(.ok, pinPresented: true) }
        return Outcome(.triesLeft(puk.tries), pinPresented: true, tryConsumed: true)
    }

    // MARK: classic SIM (TS 51.011, CLA A0)

    private func classic(_ c: CommandAPDU) -> Outcome {
        // A T=0 classic SIM always sees P3: a missing Le/Lc is P3 = 00.
        let p3 = Int(c.data.isEmpty ? (c.le ?? 0) : UInt8(c.data.count))
        switch c.instruction {
        case .select:
            guard c.p1 == 0, c.p2 == 0 else { return Outcome(.wrongParameters) }
            guard c.data.count == 2 else { return Outcome(.incorrectP3(2)) }
            guard let node = resolve(fid: UInt16(c.data[0]) << 8 | UInt16(c.data[1]), uicc: false) else {
                return Outcome(.simFileNotFound)
            }
            makeCurrent(node)
            let header = classicHeader(node)
            if profile.style == .t1 { return Outcome(.ok, data: header) }
            pending = header
            return Outcome(.responseBytesAvailable(header.count, classic: true))

        case .status:
            guard c.p1 == 0, c.p2 == 0 else { return Outcome(.wrongParameters) }
            return Outcome(classicLe(p3, classicHeader(currentDF), exact: false))

        case .getResponse:
            guard let p = pending else { return Outcome(.technicalProblem) }
            guard c.p1 == 0, c.p2 == 0 else { pending = p; return Outcome(.wrongParameters) }
            if p3 == 0 || p3 > p.count { pending = p; return Outcome(.incorrectP3(p.count)) }
            pending = nil
            return Outcome(.ok, data: Array(p.prefix(p3)))

        case .readBinary:
            guard let ef = currentEF else { return Outcome(.simNoEFSelected) }
            guard ef.structure == .transparent else { return Outcome(.simFileInconsistent) }
            guard allowed(ef.read) else { return Outcome(.simAccessConditionNotFulfilled) }
            let offset = Int(c.p1) << 8 | Int(c.p2)
            guard c.p1 & 0x80 == 0, offset < ef.contents.count else { return Outcome(.simOutOfRange) }
            return Outcome(classicLe(p3, Array(ef.contents[offset...]), exact: false))

        case .readRecord:
            guard let ef = currentEF else { return Outcome(.simNoEFSelected) }
            guard ef.structure != .transparent else { return Outcome(.simFileInconsistent) }
            guard allowed(ef.read) else { return Outcome(.simAccessConditionNotFulfilled) }
            guard [0x02, 0x03, 0x04].contains(c.p2) else { return Outcome(.wrongParameters) }
            guard let n = recordNumber(mode: c.p2, p1: c.p1, count: ef.records.count) else {
                return Outcome(.simOutOfRange)
            }
            let r = classicLe(p3, ef.records[n - 1], exact: true)
            if r.status == .ok { recordPointer = n }
            return Outcome(r)

        case .verify, .unblockPIN:
            guard c.p1 == 0 else { return Outcome(.wrongParameters) }
            // CHV number in P2: VERIFY CHV 01 / 02, UNBLOCK CHV 00 (CHV1) / 02.
            switch (c.instruction == .verify, c.p2) {
            case (true, 0x01): return classicVerify(&pin1, c.data)
            case (true, 0x02): return classicVerify(&pin2, c.data)
            case (false, 0x00): return classicUnblock(&pin1, &puk1, c.data)
            case (false, 0x02): return classicUnblock(&pin2, &puk2, c.data)
            default: return Outcome(.wrongParameters, pinPresented: !c.data.isEmpty)
            }

        default:
            return Outcome(.instructionNotSupported)
        }
    }

    /// TS 51.011 §9.4.4: a wrong P3 is answered 67 XX with XX = the correct length.
    private func classicLe(_ p3: Int, _ data: [UInt8], exact: Bool) -> ResponseAPDU {
        let available = min(data.count, 256)
        let want = p3 == 0 ? 256 : p3
        if want > available || (exact && want != available) { return ResponseAPDU(data: [], status: .incorrectP3(available)) }
        return ResponseAPDU(data: Array(data.prefix(want)), status: .ok)
    }

    private func classicVerify(_ chv: inout PinState, _ data: [UInt8]) -> Outcome {
        // VERIFY CHV always carries 8 bytes (P3 = 08); a classic SIM has no retry-counter query.
        guard data.count == 8 else { return Outcome(.incorrectP3(8), pinPresented: !data.isEmpty) }
        if !chv.enabled { return Outcome(.simCHVStatusContradiction, pinPresented: true) }
        if chv.blocked { return Outcome(.simCHVBlocked, pinPresented: true) }
        if chv.present(data[...]) { return Outcome(.ok, pinPresented: true) }
        return Outcome(chv.blocked ? .simCHVBlocked : .simAccessConditionNotFulfilled, pinPresented: true, tryConsumed: true)
    }

    private func classicUnblock(_ chv: inout PinState, _ puk: inout PinState, _ data: [UInt8]) -> Outcome {
        guard data.count == 16 else { return Outcome(.incorrectP3(16), pinPresented: !data.isEmpty) }
        if puk.blocked { return Outcome(.simCHVBlocked, pinPresented: true) }
        if chv.unblock(with: &puk, data) { return Outcome(.ok, pinPresented: true) }
        return Outcome(puk.blocked ? .simCHVBlocked : .simAccessConditionNotFulfilled, pinPresented: true, tryConsumed: true)
    }
}
