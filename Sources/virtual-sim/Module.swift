import ByteText
import SIMCard

/// A short message in the module's own storage: what AT+CMGL/CMGR list (and mark read) and
/// AT+CMGD deletes, so a test can see that a forbidden command changed the module.
struct StoredMessage {
    var index: Int
    var unread: Bool
    var sender: String
    var text: String
}

/// One answer of the module: information lines, then the final result (OK, ERROR, +CME ERROR: n,
/// +CMS ERROR: n or NO CARRIER).
struct ATAnswer {
    var lines: [String] = []
    var final: String

    /// The bytes on the wire (TS 27.007 verbose format: every line framed by CR LF).
    var text: String {
        (lines.isEmpty ? "" : "\r\n" + lines.joined(separator: "\r\n") + "\r\n") + "\r\n\(final)\r\n"
    }
}

/// The AT interpreter of one GSM/LTE module with its SIM (or none): the card is the card
/// simulator's `Card`, reached through APDUs the way a module's firmware reaches its SIM.
/// Used by its port's loop thread only.
final class Module {
    let dialect: ModemDialect
    let imei: String
    let state: ModemState
    private let card: Card?
    private var echo = true
    private var errorMode = 0          // AT+CMEE
    private var radio = 1              // AT+CFUN
    private var messages: [StoredMessage]

    init(dialect: ModemDialect, imei: String, profile: Profile?, state: ModemState) {
        self.dialect = dialect; self.imei = imei; self.state = state
        card = profile.map(Card.init(profile:))
        messages = [
            StoredMessage(index: 1, unread: true, sender: "+84901234567", text: "Ma OTP cua ban la 482913"),
            StoredMessage(index: 2, unread: true, sender: "+84987654321", text: "Hen gap luc 9h"),
            StoredMessage(index: 3, unread: false, sender: "Viettel", text: "Tai khoan con 12.000d"),
        ]
        boot()
    }

    var echoOn: Bool { echo }

    /// Power-up, and a reboot: settings and the SIM's selection and verification are lost (its
    /// counters are not); the USIM application is selected as modules do at start. The URCs
    /// the module prints.
    @discardableResult
    func boot() -> [String] {
        echo = true; errorMode = 0; radio = 1
        if let card {
            card.reset()
            if let usim = card.profile.mf.children.first(where: { $0.kind == .adf }) {
                _ = transmit(CommandAPDU(cla: 0x00, ins: Instruction.select.rawValue, p1: 0x04, p2: 0x04, data: usim.aid, le: 0), on: card)
            }
        }
        publish()
        return dialect.startURCs(pinState: simState)
    }

    func publish() {
        state.publish(ModuleSnapshot(radio: radio, simState: simState, echo: echo,
                                     smsUnread: messages.filter(\.unread).count, smsStored: messages.count))
    }

    // MARK: SIM state

    /// AT+CPIN? value.
    var simState: String {
        guard let card else { return "NOT INSERTED" }
        if card.pin1.blocked { return "SIM PUK" }
        return card.pin1.satisfied ? "READY" : "SIM PIN"
    }

    /// The +CME ERROR of a command that needs a ready SIM, or nil when it is ready.
    private var simNotReady: String? {
        switch simState {
        case "READY": nil
        case "NOT INSERTED": cme(10)
        case "SIM PIN": cme(11)
        default: cme(12)
        }
    }

    private func cme(_ code: Int) -> String {
        let texts = [3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted", 11: "SIM PIN required",
                     12: "SIM PUK required", 16: "incorrect password", 50: "incorrect parameters"]
        switch errorMode {
        case 1: return "+CME ERROR: \(code)"
        case 2: return "+CME ERROR: \(texts[code] ?? "unknown")"
        default: return "ERROR"
        }
    }

    private func error(_ code: Int) -> ATAnswer { ATAnswer(final: cme(code)) }

    // MARK: the allow-list

    /// The name under which `line` is counted as forbidden, or nil when it is on the allow-list
    /// (AT+CSIM and AT+CRSM only with a read-only APDU, AT+CFUN= only to 0 or 4).
    static func forbiddenName(_ line: String) -> String? {
        let name = ATAllowList.name(of: line)
        let arguments = Self.arguments(line)
        switch name {
        case "AT+CFUN=":
            return ["0", "4"].contains(arguments.first ?? "") ? nil : name
        case "AT+CSIM=":
            guard arguments.count == 2, let bytes = Hex.bytes(arguments[1]),
                  let apdu = try? CommandAPDU(parsing: bytes[...]) else { return nil }   // malformed: answered ERROR, reaches no card
            return ReadOnlyPolicy.isAllowed(apdu) ? nil : "\(name) \(apdu.instruction.name)"
        case "AT+CRSM=":
            guard let command = arguments.first.flatMap({ Int($0) }) else { return nil }
            return [176, 178, 192, 242].contains(command) ? nil : "\(name)\(command)"
        default:
            return ATAllowList.names.contains(name) ? nil : name
        }
    }

    /// The comma-separated arguments after "=", quotes removed.
    static func arguments(_ line: String) -> [String] {
        guard let equals = line.firstIndex(of: "=") else { return [] }
        var out: [String] = [], current = "", quoted = false
        for ch in line[line.index(after: equals)...] {
            if ch == "\"" { quoted.toggle() } else if ch == ",", !quoted { out.append(current); current = "" } else { current.append(ch) }
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    // MARK: commands

    /// Executes one command line (it starts with AT) as the module would, forbidden or not.
    func execute(_ line: String) -> ATAnswer {
        defer { publish() }
        let name = ATAllowList.name(of: line)
        let args = Self.arguments(line)
        if let lines = dialect.pinCounterLines(command: name, argument: args.first ?? "", counters: counters()) {
            return card == nil ? error(10) : ATAnswer(lines: lines, final: "OK")
        }
        if ["AT+QCCID", "AT+CCID", "AT+ICCID", "AT^ICCID?", "AT#CCID"].contains(name) { return iccid(name) }
        switch name {
        case "AT": return ATAnswer(final: "OK")
        case "ATE0", "ATE": echo = false; return ATAnswer(final: "OK")
        case "ATE1": echo = true; return ATAnswer(final: "OK")
        case "ATZ", "AT&F": echo = true; errorMode = 0; return ATAnswer(final: "OK")
        case "AT&W": return ATAnswer(final: "OK")
        case "ATD": return ATAnswer(final: "NO CARRIER")
        case "ATI", "ATI0": return ATAnswer(lines: dialect.identificationLines(imei), final: "OK")
        case "AT+CMEE=":
            guard let n = args.first.flatMap({ Int($0) }), (0...2).contains(n) else { return error(50) }
            errorMode = n
            return ATAnswer(final: "OK")
        case "AT+CMEE?": return ATAnswer(lines: ["+CMEE: \(errorMode)"], final: "OK")
        case "AT+CGMI": return ATAnswer(lines: [dialect.manufacturer], final: "OK")
        case "AT+CGMM": return ATAnswer(lines: [dialect.model], final: "OK")
        case "AT+CGMR": return ATAnswer(lines: [dialect.revision], final: "OK")
        case "AT+CGSN", "AT+GSN": return ATAnswer(lines: dialect.imeiLines(imei, command: name), final: "OK")
        case "AT+CIMI": return imsi()
        case "AT+CPIN?":
            return card == nil ? error(10) : ATAnswer(lines: ["+CPIN: \(simState)"], final: "OK")
        case "AT+CPIN=": return presentPIN(args)
        case "AT+CFUN?": return ATAnswer(lines: ["+CFUN: \(radio)"], final: "OK")
        case "AT+CFUN=":
            guard let n = args.first.flatMap({ Int($0) }), [0, 1, 4].contains(n) else { return error(50) }
            if n != radio { state.radioChanged(from: radio, to: n); radio = n }
            return ATAnswer(final: "OK")
        case "AT+CREG?", "AT+CGREG?":
            return ATAnswer(lines: ["\(name.dropFirst(2).dropLast()): 0,\(registered ? 1 : 0)"], final: "OK")
        case "AT+COPS?":
            guard registered else { return ATAnswer(lines: ["+COPS: 0"], final: "OK") }
            let technology = dialect == .simcom || dialect == .goip ? "" : ",7"
            return ATAnswer(lines: ["+COPS: 0,0,\"Viettel\"\(technology)"], final: "OK")
        case "AT+CSQ": return ATAnswer(lines: [radio == 1 ? "+CSQ: 21,99" : "+CSQ: 99,99"], final: "OK")
        case "AT+CSCS?": return ATAnswer(lines: ["+CSCS: \"IRA\""], final: "OK")
        case "AT+CSIM=": return rawAPDU(args)
        case "AT+CRSM=": return restrictedAccess(args)
        case "AT+CMGL", "AT+CMGL=": return listMessages(args.first ?? "REC UNREAD")
        case "AT+CMGR=": return readMessage(args)
        case "AT+CMGD=":
            guard let i = args.first.flatMap({ Int($0) }) else { return error(50) }
            messages.removeAll { $0.index == i }
            return ATAnswer(final: "OK")
        default: return ATAnswer(final: "ERROR")
        }
    }

    private var registered: Bool { radio == 1 && simState == "READY" }

    private func counters() -> PinCounters {
        guard let card else { return PinCounters(code: "NOT INSERTED", pin1: 0, puk1: 0, pin2: 0, puk2: 0, pin1Max: 0, puk1Max: 0, pin2Max: 0, puk2Max: 0) }
        return PinCounters(code: simState, pin1: card.pin1.tries, puk1: card.puk1.tries, pin2: card.pin2.tries, puk2: card.puk2.tries,
                           pin1Max: card.pin1.maxTries, puk1Max: card.puk1.maxTries, pin2Max: card.pin2.maxTries, puk2Max: card.puk2.maxTries)
    }

    private func iccid(_ name: String) -> ATAnswer {
        guard let card else {
            return dialect.iccidLines(command: name, efICCID: [], digits: "") == nil ? ATAnswer(final: "ERROR") : error(10)
        }
        let read = readFile(0x2FE2, path: nil, card: card)
        guard read.status.isSuccess, let value = try? ICCID(decoding: read.data[...]),
              let lines = dialect.iccidLines(command: name, efICCID: read.data, digits: value.digits) else {
            return ATAnswer(final: "ERROR")
        }
        return ATAnswer(lines: lines, final: "OK")
    }

    private func imsi() -> ATAnswer {
        if let notReady = simNotReady { return ATAnswer(final: notReady) }
        guard let card else { return error(10) }
        let read = readFile(0x6F07, path: nil, card: card)
        guard read.status.isSuccess, let value = try? IMSI(decoding: read.data[...]) else { return ATAnswer(final: "ERROR") }
        return ATAnswer(lines: [value.digits], final: "OK")
    }

    /// AT+CPIN=<pin> (VERIFY PIN1) or AT+CPIN=<puk>,<new pin> (UNBLOCK PIN1): a wrong code
    /// consumes a try on the card.
    private func presentPIN(_ args: [String]) -> ATAnswer {
        guard let card else { return error(10) }
        let classic = card.profile.mode == .classic
        let cla = classic ? CardDialect.classicSIM.classByte : 0x00
        func block(_ digits: String) -> [UInt8] { Array(digits.utf8.prefix(8)) + Array(repeating: 0xFF, count: max(0, 8 - digits.utf8.count)) }
        let command: CommandAPDU
        switch simState {
        case "SIM PIN":
            command = CommandAPDU(cla: cla, ins: Instruction.verify.rawValue, p1: 0, p2: 0x01, data: block(args.first ?? ""))
        case "SIM PUK":
            guard args.count == 2 else { return error(50) }
            command = CommandAPDU(cla: cla, ins: Instruction.unblockPIN.rawValue, p1: 0, p2: classic ? 0x00 : 0x01,
                                  data: block(args[0]) + block(args[1]))
        default:
            return error(3)
        }
        return deliver(command, to: card).status == .ok ? ATAnswer(final: "OK") : error(16)
    }

    // MARK: SIM access

    /// AT+CSIM=<length>,"<APDU>": the APDU passes to the card unchanged, the answer back with its SW.
    private func rawAPDU(_ args: [String]) -> ATAnswer {
        guard dialect.hasCSIM else { return ATAnswer(final: "ERROR") }
        guard let card else { return error(10) }
        guard args.count == 2, let length = Int(args[0]), length == args[1].count,
              let bytes = Hex.bytes(args[1]), let command = try? CommandAPDU(parsing: bytes[...]) else { return error(50) }
        let hex = Hex.string(deliver(command, to: card).bytes)
        return ATAnswer(lines: ["+CSIM: \(hex.count),\"\(hex)\""], final: "OK")
    }

    /// AT+CRSM=<command>,<fileid>[,<P1>,<P2>,<P3>[,<data>[,<pathid>]]] (TS 27.007 §8.18): the
    /// module SELECTs the file (by `pathid` from the MF when given) and sends the command.
    private func restrictedAccess(_ args: [String]) -> ATAnswer {
        guard let card else { return error(10) }
        // <fileid> is mandatory for every command but STATUS (242), which selects nothing.
        guard let command = args.first.flatMap({ Int($0) }),
              let fileID = args.count >= 2 ? Int(args[1]).flatMap({ UInt16(exactly: $0) }) : command == 242 ? 0 : nil else { return error(50) }
        let p = args.dropFirst(2).prefix(3).map { $0.isEmpty ? 0 : UInt8($0) }
        guard !p.contains(nil) else { return error(50) }
        let (p1, p2, p3) = (p.count > 0 ? p[0]! : 0, p.count > 1 ? p[1]! : 0, p.count > 2 ? p[2]! : 0)
        let data = args.count > 5 && !args[5].isEmpty ? Hex.bytes(args[5]) : []
        let path = args.count > 6 && !args[6].isEmpty ? Hex.bytes(args[6]) : []
        guard let data, let path, path.count % 2 == 0 else { return error(50) }
        let cla = card.profile.mode == .classic ? CardDialect.classicSIM.classByte : 0x00
        let answer: ResponseAPDU
        switch command {
        case 242:
            answer = transmit(CommandAPDU(cla: cla == 0 ? 0x80 : cla, ins: Instruction.status.rawValue, p1: p1, p2: p2, le: p3), on: card)
        case 176, 178, 192, 214, 220:
            let selected = select(fileID, path: path.isEmpty ? nil : path, card: card)
            guard selected.status.isSuccess, command != 192 else { answer = selected; break }
            let ins: UInt8 = [176: 0xB0, 178: 0xB2, 214: 0xD6, 220: 0xDC][command]!
            answer = transmit(CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, le: data.isEmpty ? p3 : nil), on: card)
        default:
            return error(4)
        }
        let hex = answer.data.isEmpty ? "" : ",\"\(Hex.string(answer.data))\""
        return ATAnswer(lines: ["+CRSM: \(answer.status.sw1),\(answer.status.sw2)\(hex)"], final: "OK")
    }

    /// Reads a whole transparent file, as the module does for its own ICCID and IMSI answers.
    private func readFile(_ fileID: UInt16, path: [UInt8]?, card: Card) -> ResponseAPDU {
        let selected = select(fileID, path: path, card: card)
        guard selected.status.isSuccess else { return selected }
        let cla = card.profile.mode == .classic ? CardDialect.classicSIM.classByte : 0x00
        return transmit(CommandAPDU(cla: cla, ins: Instruction.readBinary.rawValue, p1: 0, p2: 0, le: 0), on: card)
    }

    /// SELECTs `fileID` and returns its header: under `path` (hex FIDs from the MF) when given,
    /// else the first that exists of the MF, the USIM ADF (UICC), DF GSM and DF TELECOM.
    private func select(_ fileID: UInt16, path: [UInt8]?, card: Card) -> ResponseAPDU {
        let fid = [UInt8(fileID >> 8), UInt8(fileID & 0xFF)]
        let uicc = card.profile.mode == .uicc
        let candidates: [[UInt8]] = path.map { [$0] } ?? (uicc ? [[], [0x7F, 0xFF], [0x7F, 0x20], [0x7F, 0x10]] : [[], [0x7F, 0x20], [0x7F, 0x10]])
        var last = ResponseAPDU(data: [], status: .fileNotFound)
        for candidate in candidates {
            let dfs = Array(candidate.starts(with: [0x3F, 0x00]) ? candidate.dropFirst(2) : candidate[...])
            if uicc {
                let target = fileID == 0x3F00 ? fid : dfs + fid
                last = transmit(CommandAPDU(cla: 0x00, ins: Instruction.select.rawValue, p1: fileID == 0x3F00 ? 0x00 : 0x08, p2: 0x04,
                                            data: target, le: 0), on: card)
            } else {
                let steps: [[UInt8]] = [[0x3F, 0x00]] + stride(from: 0, to: dfs.count, by: 2).map { Array(dfs[$0..<$0 + 2]) } + [fid]
                for step in steps {
                    last = transmit(CommandAPDU(cla: 0xA0, ins: Instruction.select.rawValue, p1: 0, p2: 0, data: step), on: card)
                    if !last.status.isSuccess { break }
                }
            }
            if last.status.isSuccess { return last }
        }
        return last
    }

    /// Sends `command` and follows the T=0 answer as a module's firmware does: 61xx/9Fxx → GET
    /// RESPONSE, 6Cxx/67xx → the same command with the length the card named.
    private func transmit(_ command: CommandAPDU, on card: Card) -> ResponseAPDU {
        var current = command
        var response = deliver(current, to: card)
        var collected: [UInt8] = []
        for _ in 0..<8 {
            if let available = response.status.responseBytesAvailable {
                collected += response.data
                current = CommandAPDU(cla: command.cla == 0x80 ? 0x00 : command.cla, ins: Instruction.getResponse.rawValue, p1: 0, p2: 0,
                                      le: UInt8(truncatingIfNeeded: available))
            } else if response.status.sw1 == 0x6C || (response.status.sw1 == 0x67 && response.status.sw2 != 0),
                      current.le != response.status.sw2 {
                current.le = response.status.sw2
            } else {
                break
            }
            response = deliver(current, to: card)
        }
        return ResponseAPDU(data: collected + response.data, status: response.status)
    }

    /// One APDU to the card, counted like the card simulator counts them.
    private func deliver(_ command: CommandAPDU, to card: Card) -> ResponseAPDU {
        let outcome = card.process(command.bytes)
        state.countAPDU(writeClass: !ReadOnlyPolicy.isAllowed(command) && !ReadOnlyPolicy.isPINPresentation(command),
                        pinPresented: outcome.pinPresented, tryConsumed: outcome.tryConsumed)
        return outcome.response
    }

    // MARK: messages (forbidden, modelled so their effect shows)

    private func listMessages(_ filter: String) -> ATAnswer {
        let wanted = filter.uppercased()
        var lines: [String] = []
        for i in messages.indices {
            let status = messages[i].unread ? "REC UNREAD" : "REC READ"
            guard wanted == "ALL" || wanted == "4" || wanted == status || (wanted == "0" && messages[i].unread) else { continue }
            lines += ["+CMGL: \(messages[i].index),\"\(status)\",\"\(messages[i].sender)\",,\"26/12/01,10:00:00+28\"", messages[i].text]
            messages[i].unread = false
        }
        return ATAnswer(lines: lines, final: "OK")
    }

    private func readMessage(_ args: [String]) -> ATAnswer {
        guard let i = args.first.flatMap({ Int($0) }), let at = messages.firstIndex(where: { $0.index == i }) else {
            return ATAnswer(final: errorMode == 0 ? "ERROR" : "+CMS ERROR: 321")
        }
        let status = messages[at].unread ? "REC UNREAD" : "REC READ"
        messages[at].unread = false
        return ATAnswer(lines: ["+CMGR: \"\(status)\",\"\(messages[at].sender)\",,\"26/12/01,10:00:00+28\"", messages[at].text], final: "OK")
    }
}
