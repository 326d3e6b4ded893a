import ByteText
import SIMCard

/// The read-only AT guard (issue 17 item 2, docs/MODEMS.md "Allow-list"), default deny: a
/// command line passes only when it is, character for character, one of the identification and
/// state queries below, an AT+CRSM read, or an AT+CSIM whose APDU passes SIMCard's
/// `ReadOnlyPolicy`. `ATSession` asks it before a byte is written.
public enum ATGuard {
    /// Queries that read and change nothing the module or SIM stores. ATE0 and AT+CMEE= set
    /// volatile session settings (echo, error format) that a power cycle resets.
    public static let queries: Set<String> = [
        "AT", "ATE0", "ATI", "AT+CMEE=0", "AT+CMEE=1", "AT+CMEE=2",
        "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+GSN", "AT+CIMI",
        "AT+CCID", "AT+QCCID", "AT+ICCID", "AT^ICCID?", "AT#CCID",
        "AT+CPIN?", "AT+CPINR", "AT+CPINR=\"SIM*\"", "AT+CPINR=\"SIM PIN\"", "AT+CPINR=\"SIM PUK\"",
        "AT+CPINR=\"SIM PIN2\"", "AT+CPINR=\"SIM PUK2\"", "AT+QPINC?", "AT+SPIC", "AT^CPIN?",
        "AT+CFUN?", "AT+CREG?", "AT+CGREG?", "AT+COPS?", "AT+CSQ", "AT+CSCS?",
    ]

    /// The radio-off intervention's commands (TS 27.007 §8.2: 4 disables RF, 0 is minimum
    /// functionality); sent only through `ATSession.switchRadioOff`.
    public static let radioOffCommands: Set<String> = ["AT+CFUN=4", "AT+CFUN=0"]

    /// AT+CRSM commands that only read (TS 27.007 §8.18): READ BINARY, READ RECORD, GET RESPONSE, STATUS.
    public static let crsmReadCommands: [Int: String] = [176: "READ BINARY", 178: "READ RECORD", 192: "GET RESPONSE", 242: "STATUS"]

    /// Why `line` may not be sent to a seized module, or nil when it may.
    public static func refusal(for line: String) -> String? {
        if radioOffCommands.contains(line) {
            return "\(line) switches the radio; it is sent only as the recorded radio-off intervention"
        }
        if queries.contains(line) { return nil }
        guard line.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            return "the line holds control or non-ASCII characters"
        }
        if line.contains(";") { return "several commands on one line (;) are never sent" }
        if line.hasPrefix("AT+CRSM=") { return crsmRefusal(String(line.dropFirst("AT+CRSM=".count))) }
        if line.hasPrefix("AT+CSIM=") { return csimRefusal(String(line.dropFirst("AT+CSIM=".count))) }
        if line.uppercased() != line { return "not on the allow-list (commands are matched in upper case, exactly)" }
        return "not on the read-only allow-list"
    }

    public static func isAllowed(_ line: String) -> Bool { refusal(for: line) == nil }

    /// `<command>[,<fileid>[,<P1>,<P2>,<P3>[,<data>[,<pathid>]]]]`: command 176/178/192/242,
    /// fileid decimal 0…65535, P1–P3 decimal 0…255, data empty (reads carry none), pathid a
    /// quoted even number of upper- or lower-case hex digits, whole file ids (4 digits each).
    static func crsmRefusal(_ arguments: String) -> String? {
        guard let fields = splitArguments(arguments) else { return "AT+CRSM arguments are malformed (quotes)" }
        guard let command = decimal(fields[0], max: 255) else { return "AT+CRSM command \(fields[0]) is not a number" }
        guard let name = crsmReadCommands[command] else {
            return "AT+CRSM command \(command) is not a read (only 176, 178, 192, 242 are sent)"
        }
        guard fields.count == 1 || fields.count == 2 || (5...7).contains(fields.count) else {
            return "AT+CRSM \(name) has \(fields.count) arguments; expected 1, 2 or 5 to 7"
        }
        if fields.count == 1, command != 242 { return "AT+CRSM \(name) needs a file id" }
        if fields.count >= 2, decimal(fields[1], max: 0xFFFF) == nil { return "AT+CRSM file id \(fields[1]) is not a decimal 0…65535" }
        if fields.count >= 5 {
            for parameter in fields[2...4] where decimal(parameter, max: 255) == nil {
                return "AT+CRSM parameter \(parameter) is not a decimal 0…255"
            }
        }
        if fields.count >= 6, !(fields[5].isEmpty || fields[5] == "\"\"") { return "AT+CRSM \(name) with data is never sent" }
        if fields.count == 7 {
            let path = fields[6]
            guard path.count >= 6, path.hasPrefix("\""), path.hasSuffix("\""),
                  case let digits = String(path.dropFirst().dropLast()), digits.count % 4 == 0, isHexDigits(digits) else {
                return "AT+CRSM path id \(path) is not a quoted hex path of whole file ids"
            }
        }
        return nil
    }

    /// `<length>,"<hex APDU>"`: length the number of hex digits, the APDU well formed and
    /// allowed by `ReadOnlyPolicy` (the one APDU allow-list, shared with PC/SC).
    static func csimRefusal(_ arguments: String) -> String? {
        guard let fields = splitArguments(arguments), fields.count == 2 else { return "AT+CSIM takes <length>,\"<hex APDU>\"" }
        let quoted = fields[1]
        guard quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") else { return "AT+CSIM APDU is not quoted" }
        let hex = String(quoted.dropFirst().dropLast())
        guard let length = decimal(fields[0], max: 522), length == hex.count else {
            return "AT+CSIM length \(fields[0]) is not the number of hex digits (\(hex.count))"
        }
        guard hex.count % 2 == 0, isHexDigits(hex), let bytes = Hex.bytes(hex) else { return "AT+CSIM APDU is not hex" }
        let command: CommandAPDU
        do { command = try CommandAPDU(parsing: bytes[...]) } catch { return "AT+CSIM APDU: \(error)" }
        return ReadOnlyPolicy.refusal(for: command).map { "AT+CSIM \($0)" }
    }

    /// Splits on commas outside quotes; nil when a quote is not closed. Quotes stay in the fields.
    static func splitArguments(_ text: String) -> [String]? {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted { fields.append(current); current = ""; continue }
            current.append(character)
        }
        guard !quoted else { return nil }
        fields.append(current)
        return fields
    }

    /// Hex digits of either case and nothing else (`Hex.bytes` also skips separators).
    static func isHexDigits(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A plain decimal (digits only: no sign, spaces or leading zeros beyond "0") up to `max`.
    static func decimal(_ text: String, max: Int) -> Int? {
        guard !text.isEmpty, text.count <= 6, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              text == "0" || !text.hasPrefix("0"), let value = Int(text), value <= max else { return nil }
        return value
    }
}
