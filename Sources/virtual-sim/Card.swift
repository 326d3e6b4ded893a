import SIMCard

/// Runtime state of one secret code (PIN/CHV or PUK/UNBLOCK CHV).
struct PinState {
    var value: [UInt8]
    var enabled: Bool
    var tries: Int
    var maxTries: Int
    var okWhenDisabled: Bool
    var verified = false

    init(_ s: PinSpec) {
        value = s.value; enabled = s.enabled; tries = s.tries; maxTries = s.maxTries; okWhenDisabled = s.okWhenDisabled
    }
    var blocked: Bool { tries == 0 }
    /// Access is granted when the PIN is disabled or verified in this session.
    var satisfied: Bool { !enabled || verified }
}

/// What one APDU did, for the counters.
struct Outcome {
    var response: [UInt8]
    var pinPresented = false
    var tryConsumed = false
}

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
        pin1 = PinState(profile.pin1); pin2 = PinState(profile.pin2)
        puk1 = PinState(profile.puk1); puk2 = PinState(profile.puk2)
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
            return Outcome(response: sw(0x6700))
        }
        // A pending response survives only until the next command that is not GET RESPONSE.
        if command.instruction != .getResponse { pending = nil }
        let classicCLA = command.cla == 0xA0
        switch profile.mode {
        case .classic:
            return classicCLA ? classic(command) : Outcome(response: sw(0x6E00))
        case .uicc:
            if classicCLA { return profile.classicToo ? classic(command) : Outcome(response: sw(0x6E00)) }
            let family = command.cla & 0xF0
            guard family == 0x00 || family == 0x80 else { return Outcome(response: sw(0x6E00)) }
            if command.cla & 0x03 != 0 { return Outcome(response: sw(0x6881)) }   // logical channel not supported
            return uicc(command)
        }
    }

    private func sw(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    private func ok(_ data: [UInt8]) -> [UInt8] { data + [0x90, 0x00] }

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
                        chv1: .init(tries: pin1.tries), unblock1: .init(tries: puk1.tries),
                        chv2: .init(tries: pin2.tries), unblock2: .init(tries: puk2.tries))
    }

    // MARK: UICC (TS 102 221)

    private func uicc(_ c: CommandAPDU) -> Outcome {
        let t1 = profile.style == .t1
        switch c.instruction {
        case .select:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(response: sw(0x6E00)) }
            guard [0x00, 0x04, 0x0C].contains(c.p2) else { return Outcome(response: sw(0x6A86)) }
            guard !c.data.isEmpty else { return Outcome(response: sw(0x6700)) }
            let target: FileNode?
            switch c.p1 {
            case 0x00:
                guard c.data.count == 2 else { return Outcome(response: sw(0x6700)) }
                target = resolve(fid: UInt16(c.data[0]) << 8 | UInt16(c.data[1]), uicc: true)
            case 0x04: target = resolve(aid: c.data)
            case 0x08: target = resolve(path: c.data, from: profile.mf, uicc: true)
            case 0x09: target = resolve(path: c.data, from: currentDF, uicc: true)
            default: return Outcome(response: sw(0x6A86))
            }
            guard let node = target else { return Outcome(response: sw(0x6A82)) }
            makeCurrent(node)
            if c.p2 == 0x0C { return Outcome(response: sw(0x9000)) }
            let header = fcp(node)
            if t1 { return Outcome(response: ok(header)) }
            pending = header
            return Outcome(response: [0x61, UInt8(header.count & 0xFF)])

        case .status:
            guard c.cla & 0xF0 == 0x80 else { return Outcome(response: sw(0x6E00)) }
            let data: [UInt8]
            switch c.p2 {
            case 0x00: data = fcp(currentDF)
            case 0x01: data = currentADF.map { Headers.tlv(0x84, $0.aid) } ?? []
            case 0x0C: return Outcome(response: sw(0x9000))
            default: return Outcome(response: sw(0x6A86))
            }
            return Outcome(response: uiccLe(c.le, data, exact: false))

        case .getResponse:
            guard let p = pending, c.p1 == 0, c.p2 == 0 else {
                return Outcome(response: sw(c.p1 == 0 && c.p2 == 0 ? 0x6F00 : 0x6A86))
            }
            let le = Int(c.le ?? 0)
            if le == 0 || le > p.count {
                pending = p
                return Outcome(response: [0x6C, UInt8(p.count & 0xFF)])
            }
            if le < p.count {
                pending = Array(p[le...])
                return Outcome(response: Array(p[..<le]) + [0x61, UInt8((p.count - le) & 0xFF)])
            }
            pending = nil
            return Outcome(response: ok(p))

        case .readBinary:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(response: sw(0x6E00)) }
            var offset = Int(c.p1) << 8 | Int(c.p2)
            if c.p1 & 0x80 != 0 {
                guard c.p1 & 0x60 == 0, let ef = efBySFI(c.p1 & 0x1F) else { return Outcome(response: sw(0x6A82)) }
                makeCurrent(ef); offset = Int(c.p2)
            }
            guard let ef = currentEF else { return Outcome(response: sw(0x6986)) }
            guard ef.structure == .transparent else { return Outcome(response: sw(0x6981)) }
            guard allowed(ef.read) else { return Outcome(response: sw(0x6982)) }
            guard offset < ef.contents.count || (offset == 0 && ef.contents.isEmpty) else {
                return Outcome(response: sw(0x6B00))
            }
            return Outcome(response: uiccLe(c.le, Array(ef.contents[offset...]), exact: false))

        case .readRecord:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(response: sw(0x6E00)) }
            let sfi = c.p2 >> 3
            if sfi != 0 {
                guard sfi != 0x1F, let ef = efBySFI(sfi) else { return Outcome(response: sw(0x6A82)) }
                makeCurrent(ef)
            }
            guard let ef = currentEF else { return Outcome(response: sw(0x6986)) }
            guard ef.structure != .transparent else { return Outcome(response: sw(0x6981)) }
            guard allowed(ef.read) else { return Outcome(response: sw(0x6982)) }
            guard let n = recordNumber(mode: c.p2 & 0x07, p1: c.p1, count: ef.records.count) else {
                return Outcome(response: sw(c.p2 & 0x07 == 0x02 || c.p2 & 0x07 == 0x03 || c.p2 & 0x07 == 0x04 ? 0x6A83 : 0x6A86))
            }
            let r = uiccLe(c.le, ef.records[n - 1], exact: true)
            if r.suffix(2) == [0x90, 0x00] { recordPointer = n }
            return Outcome(response: r)

        case .verify:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(response: sw(0x6E00)) }
            guard c.p1 == 0x00 else { return Outcome(response: sw(0x6A86)) }
            switch c.p2 {
            case 0x01: return uiccVerify(&pin1, c.data)
            case 0x81: return uiccVerify(&pin2, c.data)
            default: return Outcome(response: sw(0x6A88), pinPresented: !c.data.isEmpty)
            }

        case .unblockPIN:
            guard c.cla & 0xF0 == 0x00 else { return Outcome(response: sw(0x6E00)) }
            guard c.p1 == 0x00 else { return Outcome(response: sw(0x6A86)) }
            switch c.p2 {
            case 0x01: return uiccUnblock(&pin1, &puk1, c.data)
            case 0x81: return uiccUnblock(&pin2, &puk2, c.data)
            default: return Outcome(response: sw(0x6A88), pinPresented: !c.data.isEmpty)
            }

        default:
            return Outcome(response: sw(0x6D00))
        }
    }

    /// Applies Le the way a T=0 card (6Cxx when Le is absent, 00 or too long) or a T=1 card
    /// (Le 00 = everything up to 256 bytes) answers. `exact`: records must be read whole.
    private func uiccLe(_ le: UInt8?, _ data: [UInt8], exact: Bool) -> [UInt8] {
        let available = min(data.count, 256)
        let asked = Int(le ?? 0)
        if profile.style == .t1 && asked == 0 { return ok(Array(data.prefix(available))) }
        let want = asked == 0 ? 256 : asked
        if want > available || (exact && want != available) {
            return [0x6C, UInt8(available & 0xFF)]
        }
        return ok(Array(data.prefix(want)))
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
            if pin.blocked { return Outcome(response: sw(0x6983)) }
            if pin.verified || (!pin.enabled && pin.okWhenDisabled) { return Outcome(response: sw(0x9000)) }
            return Outcome(response: [0x63, 0xC0 | UInt8(pin.tries)])
        }
        guard data.count == 8 else { return Outcome(response: sw(0x6700), pinPresented: true) }
        if pin.blocked { return Outcome(response: sw(0x6983), pinPresented: true) }
        if data == pin.value {
            pin.tries = pin.maxTries; pin.verified = true
            return Outcome(response: sw(0x9000), pinPresented: true)
        }
        pin.tries -= 1; pin.verified = false
        return Outcome(response: [0x63, 0xC0 | UInt8(pin.tries)], pinPresented: true, tryConsumed: true)
    }

    private func uiccUnblock(_ pin: inout PinState, _ puk: inout PinState, _ data: [UInt8]) -> Outcome {
        if data.isEmpty {
            if puk.blocked { return Outcome(response: sw(0x6983)) }
            return Outcome(response: [0x63, 0xC0 | UInt8(puk.tries)])
        }
        guard data.count == 16 else { return Outcome(response: sw(0x6700), pinPresented: true) }
        if puk.blocked { return Outcome(response: sw(0x6983), pinPresented: true) }
        if Array(data[0..<8]) == puk.value {
            puk.tries = puk.maxTries
            pin.value = Array(data[8..<16]); pin.tries = pin.maxTries; pin.enabled = true; pin.verified = true
            return Outcome(response: sw(0x9000), pinPresented: true)
        }
        puk.tries -= 1
        return Outcome(response: [0x63, 0xC0 | UInt8(puk.tries)], pinPresented: true, tryConsumed: true)
    }

    // MARK: classic SIM (TS 51.011, CLA A0)

    private func classic(_ c: CommandAPDU) -> Outcome {
        // A T=0 classic SIM always sees P3: a missing Le/Lc is P3 = 00.
        let p3 = Int(c.data.isEmpty ? (c.le ?? 0) : UInt8(c.data.count))
        switch c.instruction {
        case .select:
            guard c.p1 == 0, c.p2 == 0 else { return Outcome(response: sw(0x6B00)) }
            guard c.data.count == 2 else { return Outcome(response: sw(0x6702)) }
            guard let node = resolve(fid: UInt16(c.data[0]) << 8 | UInt16(c.data[1]), uicc: false) else {
                return Outcome(response: sw(0x9404))
            }
            makeCurrent(node)
            let header = classicHeader(node)
            if profile.style == .t1 { return Outcome(response: ok(header)) }
            pending = header
            return Outcome(response: [0x9F, UInt8(header.count)])

        case .status:
            guard c.p1 == 0, c.p2 == 0 else { return Outcome(response: sw(0x6B00)) }
            return Outcome(response: classicLe(p3, classicHeader(currentDF), exact: false))

        case .getResponse:
            guard let p = pending else { return Outcome(response: sw(0x6F00)) }
            guard c.p1 == 0, c.p2 == 0 else { pending = p; return Outcome(response: sw(0x6B00)) }
            if p3 == 0 || p3 > p.count { pending = p; return Outcome(response: [0x67, UInt8(p.count)]) }
            pending = nil
            return Outcome(response: ok(Array(p.prefix(p3))))

        case .readBinary:
            guard let ef = currentEF else { return Outcome(response: sw(0x9400)) }
            guard ef.structure == .transparent else { return Outcome(response: sw(0x9408)) }
            guard allowed(ef.read) else { return Outcome(response: sw(0x9804)) }
            let offset = Int(c.p1) << 8 | Int(c.p2)
            guard c.p1 & 0x80 == 0, offset < ef.contents.count else { return Outcome(response: sw(0x9402)) }
            return Outcome(response: classicLe(p3, Array(ef.contents[offset...]), exact: false))

        case .readRecord:
            guard let ef = currentEF else { return Outcome(response: sw(0x9400)) }
            guard ef.structure != .transparent else { return Outcome(response: sw(0x9408)) }
            guard allowed(ef.read) else { return Outcome(response: sw(0x9804)) }
            guard [0x02, 0x03, 0x04].contains(c.p2) else { return Outcome(response: sw(0x6B00)) }
            guard let n = recordNumber(mode: c.p2, p1: c.p1, count: ef.records.count) else {
                return Outcome(response: sw(0x9402))
            }
            let r = classicLe(p3, ef.records[n - 1], exact: true)
            if r.suffix(2) == [0x90, 0x00] { recordPointer = n }
            return Outcome(response: r)

        case .verify:
            guard c.p1 == 0 else { return Outcome(response: sw(0x6B00)) }
            switch c.p2 {
            case 0x01: return classicVerify(&pin1, c.data)
            case 0x02: return classicVerify(&pin2, c.data)
            default: return Outcome(response: sw(0x6B00), pinPresented: !c.data.isEmpty)
            }

        case .unblockPIN:
            guard c.p1 == 0 else { return Outcome(response: sw(0x6B00)) }
            switch c.p2 {
            case 0x00: return classicUnblock(&pin1, &puk1, c.data)
            case 0x02: return classicUnblock(&pin2, &puk2, c.data)
            default: return Outcome(response: sw(0x6B00), pinPresented: !c.data.isEmpty)
            }

        default:
            return Outcome(response: sw(0x6D00))
        }
    }

    /// TS 51.011 §9.4.4: a wrong P3 is answered 67 XX with XX = the correct length.
    private func classicLe(_ p3: Int, _ data: [UInt8], exact: Bool) -> [UInt8] {
        let available = min(data.count, 256)
        let want = p3 == 0 ? 256 : p3
        if want > available || (exact && want != available) { return [0x67, UInt8(available & 0xFF)] }
        return ok(Array(data.prefix(want)))
    }

    private func classicVerify(_ chv: inout PinState, _ data: [UInt8]) -> Outcome {
        // VERIFY CHV always carries 8 bytes (P3 = 08); a classic SIM has no retry-counter query.
        guard data.count == 8 else { return Outcome(response: sw(0x6708), pinPresented: !data.isEmpty) }
        if !chv.enabled { return Outcome(response: sw(0x9808), pinPresented: true) }
        if chv.blocked { return Outcome(response: sw(0x9840), pinPresented: true) }
        if data == chv.value {
            chv.tries = chv.maxTries; chv.verified = true
            return Outcome(response: sw(0x9000), pinPresented: true)
        }
        chv.tries -= 1; chv.verified = false
        return Outcome(response: sw(chv.blocked ? 0x9840 : 0x9804), pinPresented: true, tryConsumed: true)
    }

    private func classicUnblock(_ chv: inout PinState, _ puk: inout PinState, _ data: [UInt8]) -> Outcome {
        guard data.count == 16 else { return Outcome(response: sw(0x6710), pinPresented: !data.isEmpty) }
        if puk.blocked { return Outcome(response: sw(0x9840), pinPresented: true) }
        if Array(data[0..<8]) == puk.value {
            puk.tries = puk.maxTries
            chv.value = Array(data[8..<16]); chv.tries = chv.maxTries; chv.enabled = true; chv.verified = true
            return Outcome(response: sw(0x9000), pinPresented: true)
        }
        puk.tries -= 1
        return Outcome(response: sw(puk.blocked ? 0x9840 : 0x9804), pinPresented: true, tryConsumed: true)
    }
}
