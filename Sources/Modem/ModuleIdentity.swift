import Foundation
import SIMCard

/// A module and its SIM as found, from AT queries only (no APDU): what `custody modem read`
/// reports without `--full`.
public struct ModuleIdentity: Codable, Sendable, Hashable {
    public var manufacturer: String
    public var model: String
    public var revision: String
    /// 15 digits, Luhn-checked; nil when the answer is not a valid IMEI (`imeiAnswer` keeps it).
    public var imei: String?
    public var imeiAnswer: String
    public var dialect: ModemDialect
    /// The answers as the module gave them: `+CFUN: 1`, `+CREG: 0,1`, `+COPS: 0,0,"Viettel",7`, `+CSQ: 21,99`.
    public var radio: String?
    public var registration: String?
    public var operatorSelection: String?
    public var signal: String?
    /// `READY`, `SIM PIN`, `SIM PUK`, `NOT INSERTED`, or the error (`+CME ERROR: 10 (SIM not inserted)`).
    public var simState: String
    public var iccid: String?
    /// Which command gave the ICCID.
    public var iccidCommand: String?
    public var imsi: String?
    public var pins: [PINState]
    /// Queries the module refused or failed, each with its answer (not fatal to the read).
    public var failures: [String]

    /// Whether the SIM answered enough to be read further (present and unlocked).
    public var simReady: Bool { simState == "READY" }
}

extension ModuleIdentity {
    /// The minimal read (docs/MODEMS.md "Identity read"): AT+CMEE=1, AT+CGMI, AT+CGMM, AT+CGMR,
    /// AT+CGSN, AT+CFUN?, AT+CREG?, AT+COPS?, AT+CSQ, AT+CPIN?, then with a SIM present the
    /// dialect's ICCID query, AT+CIMI (only when READY) and the dialect's PIN-counter query:
    /// 13 commands for a ready SIM, 10 with none. A failed ICCID query tries the dialect's next.
    public static func read(session: ATSession) throws(ATError) -> ModuleIdentity {
        var failures: [String] = []
        func optional(_ command: String) throws(ATError) -> [String]? {
            do { return try session.query(command) } catch {
                guard case .failed = error else { throw error }
                failures.append(error.description)
                return nil
            }
        }
        func value(_ lines: [String]?, prefix: String? = nil) -> String? {
            guard let line = lines?.first(where: { !$0.isEmpty }) else { return nil }
            guard let prefix, line.hasPrefix(prefix) else { return line }
            return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        }
        _ = try optional("AT+CMEE=1")
        let manufacturer = value(try optional("AT+CGMI"), prefix: "+CGMI:") ?? ""
        let model = value(try optional("AT+CGMM"), prefix: "+CGMM:") ?? ""
        let revision = value(try optional("AT+CGMR"), prefix: "+CGMR:") ?? ""
        let imeiAnswer = value(try optional("AT+CGSN"), prefix: "+CGSN:")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? ""
        let dialect = ModemDialect.identify(manufacturer: manufacturer, model: model)
        var identity = ModuleIdentity(
            manufacturer: manufacturer, model: model, revision: revision,
            imei: isIMEI(imeiAnswer) ? imeiAnswer : nil, imeiAnswer: imeiAnswer, dialect: dialect,
            radio: value(try optional("AT+CFUN?")), registration: value(try optional("AT+CREG?")),
            operatorSelection: value(try optional("AT+COPS?")), signal: value(try optional("AT+CSQ")),
            simState: "", pins: [], failures: [])
        let cpin = try session.send("AT+CPIN?")
        identity.simState = cpin.isOK ? (value(cpin.information, prefix: "+CPIN:") ?? "") : cpin.final.description
        let present = cpin.isOK || !(cpin.final == .cmeError(code: 10, text: nil) || cpin.final == .cmeError(code: 13, text: nil))
        if present {
            for command in dialect.traits.iccidCommands {
                if let lines = try optional(command), let iccid = dialect.parseICCID(lines) {
                    identity.iccid = iccid
                    identity.iccidCommand = command
                    break
                }
            }
            if identity.simReady { identity.imsi = value(try optional("AT+CIMI")) }
            identity.pins = dialect.parsePINCounters(try optional(dialect.traits.pinCounterCommand) ?? [])
        }
        identity.failures = failures
        return identity
    }

    /// 15 digits whose Luhn check digit holds (3GPP TS 23.003 §6.2.1, annex B).
    public static func isIMEI(_ text: String) -> Bool {
        text.utf8.count == 15 && text.utf8.allSatisfy { (0x30...0x39).contains($0) } && Luhn.isValid(text)
    }
}
