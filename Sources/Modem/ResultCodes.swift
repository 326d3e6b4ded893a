import Foundation

/// A final result code: the line that ends a module's answer to a command (TS 27.007 §4.2,
/// V.250 §5.7). Only these end a command; every other line is information, echo or a URC.
public enum FinalResult: Hashable, Sendable, CustomStringConvertible {
    case ok
    case error
    /// `+CME ERROR: <n>` (numeric after AT+CMEE=1), or its text after AT+CMEE=2.
    case cmeError(code: Int?, text: String?)
    /// `+CMS ERROR: <n>` (TS 27.005 §3.2.5).
    case cmsError(code: Int?, text: String?)
    case noCarrier, busy, noAnswer, noDialtone

    public var isOK: Bool { self == .ok }

    /// Parses `line` as a final result code; nil when it is not one.
    public init?(line: String) {
        switch line {
        case "OK": self = .ok
        case "ERROR": self = .error
        case "NO CARRIER": self = .noCarrier
        case "BUSY": self = .busy
        case "NO ANSWER": self = .noAnswer
        case "NO DIALTONE": self = .noDialtone
        default:
            if let value = Self.value(of: line, prefix: "+CME ERROR:") {
                let code = Int(value)
                self = .cmeError(code: code, text: code == nil ? value : nil)
            } else if let value = Self.value(of: line, prefix: "+CMS ERROR:") {
                let code = Int(value)
                self = .cmsError(code: code, text: code == nil ? value : nil)
            } else {
                return nil
            }
        }
    }

    private static func value(of line: String, prefix: String) -> String? {
        guard line.hasPrefix(prefix) else { return nil }
        return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }

    /// The line with its meaning, e.g. `+CME ERROR: 10 (SIM not inserted)`.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .error: "ERROR"
        case .noCarrier: "NO CARRIER"
        case .busy: "BUSY"
        case .noAnswer: "NO ANSWER"
        case .noDialtone: "NO DIALTONE"
        case .cmeError(let code?, _): "+CME ERROR: \(code) (\(ErrorMeanings.cme[code] ?? "not a TS 27.007 §9.2 code"))"
        case .cmeError(nil, let text): "+CME ERROR: \(text ?? "")"
        case .cmsError(let code?, _): "+CMS ERROR: \(code) (\(ErrorMeanings.cms[code] ?? "not a TS 27.005 §3.2.5 code"))"
        case .cmsError(nil, let text): "+CMS ERROR: \(text ?? "")"
        }
    }
}

/// The meanings of the common error codes, in one place: TS 27.007 §9.2.1/§9.2.2 (+CME ERROR)
/// and TS 27.005 §3.2.5 (+CMS ERROR).
public enum ErrorMeanings {
    public static let cme: [Int: String] = [
        0: "phone failure", 1: "no connection to phone", 2: "phone-adaptor link reserved",
        3: "operation not allowed", 4: "operation not supported", 5: "PH-SIM PIN required",
        6: "PH-FSIM PIN required", 7: "PH-FSIM PUK required",
        10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure",
        14: "SIM busy", 15: "SIM wrong", 16: "incorrect password", 17: "SIM PIN2 required",
        18: "SIM PUK2 required", 20: "memory full", 21: "invalid index", 22: "not found",
        23: "memory failure", 24: "text string too long", 25: "invalid characters in text string",
        26: "dial string too long", 27: "invalid characters in dial string", 30: "no network service",
        31: "network timeout", 32: "network not allowed - emergency calls only",
        100: "unknown",
    ]

    public static let cms: [Int: String] = [
        300: "ME failure", 301: "SMS service of ME reserved", 302: "operation not allowed",
        303: "operation not supported", 304: "invalid PDU mode parameter", 305: "invalid text mode parameter",
        310: "(U)SIM not inserted", 311: "(U)SIM PIN required", 312: "PH-(U)SIM PIN required",
        313: "(U)SIM failure", 314: "(U)SIM busy", 315: "(U)SIM wrong", 316: "(U)SIM PUK required",
        317: "(U)SIM PIN2 required", 318: "(U)SIM PUK2 required", 320: "memory failure",
        321: "invalid memory index", 322: "memory full", 330: "SMSC address unknown",
        331: "no network service", 332: "network timeout", 340: "no +CNMA acknowledgement expected",
        500: "unknown error",
    ]
}

/// Unsolicited result codes: lines a module sends on its own (boot, SIM state, registration,
/// incoming SMS, signal), never an answer. `ATSession` records them with their time.
public enum UnsolicitedCodes {
    /// Lines that are URCs whole.
    static let exact: Set<String> = ["RDY", "SMS Ready", "Call Ready", "PB DONE", "RING", "^SYSSTART", "+PACSP0", "+PACSP1"]
    /// Prefixes of URCs (the part before the first `:`, or the whole start).
    static let prefixes: [String] = [
        "+CPIN:", "+CREG:", "+CGREG:", "+CEREG:", "+CMTI:", "+CMT:", "+CDSI:", "+CDS:", "+CBM:", "+CUSD:",
        "+CRING:", "+CLIP:", "+CFUN:", "+QIND:", "+QUSIM:", "+QSTK", "+STIN:", "+CIEV:", "+UUSIMSTAT:",
        "#QSS:", "^RSSI:", "^SIMST:", "^MODE:", "^BOOT:", "^HCSQ:", "^SRVST:", "^STIN:", "^SYSINFOEX:",
    ]
    /// URCs that mean the module restarted: whatever command was running is lost.
    static let restart: Set<String> = ["RDY", "^SYSSTART"]

    public static func isUnsolicited(_ line: String) -> Bool {
        exact.contains(line) || prefixes.contains { line.hasPrefix($0) }
    }

    public static func isRestart(_ line: String) -> Bool { restart.contains(line) }
}
