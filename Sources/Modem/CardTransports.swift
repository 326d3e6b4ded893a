import ByteText
import Foundation
import SIMCard

public enum ModemCardError: Error, CustomStringConvertible {
    /// The APDU has no AT+CRSM equivalent; it is refused, never approximated.
    case notExpressible(command: [UInt8], reason: String)
    /// The module's answer is not a `+CSIM:` / `+CRSM:` line as TS 27.007 §8.17/§8.18 give it.
    case malformedAnswer(command: String, lines: [String])

    public var description: String {
        switch self {
        case .notExpressible(let command, let reason):
            "APDU \(Hex.string(command)) cannot be sent over AT+CRSM (\(reason)); it was not sent"
        case .malformedAnswer(let command, let lines):
            "\(command) answered \(lines.isEmpty ? "nothing" : lines.joined(separator: " | ")), not a TS 27.007 answer: the module is faulty or not a modem"
        }
    }
}

/// Which AT command carried the card's APDUs: said in the record.
public enum CardAccessPath: String, Codable, Sendable {
    /// AT+CSIM: the engine's APDUs as they are (TS 27.007 §8.17).
    case csim
    /// AT+CRSM: the engine's APDUs translated to restricted SIM access (TS 27.007 §8.18).
    case crsm
}

/// APDU → `AT+CSIM=<length>,"<hex>"` → `+CSIM: <length>,"<hex response with SW>"`. SIMCard's
/// channel guards the APDU, `ATGuard` the line: the APDU allow-list is the same one.
public final class CSIMTransport: CardTransport {
    public let session: ATSession

    public init(session: ATSession) { self.session = session }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        let hex = Hex.string(command)
        let line = "AT+CSIM=\(hex.count),\"\(hex)\""
        let lines = try session.query(line)
        guard let answer = lines.first(where: { $0.hasPrefix("+CSIM:") }),
              let fields = ATGuard.splitArguments(String(answer.dropFirst("+CSIM:".count)).trimmingCharacters(in: .whitespaces)),
              fields.count == 2, let bytes = Hex.bytes(fields[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))),
              bytes.count >= 2 else {
            throw ModemCardError.malformedAnswer(command: line, lines: lines)
        }
        return bytes
    }
}

/// Runs SIMCard's file walk over AT+CRSM: SELECTs are tracked (the current DF path and EF)
/// and answered from a CRSM GET RESPONSE (192) on the selected file, in the form the card's
/// dialect gives (classic SIM: 9Fxx then the header on GET RESPONSE; UICC: 61xx then the FCP);
/// READ BINARY and READ RECORD become CRSM 176 and 178 on the tracked file and path, STATUS
/// becomes 242. VERIFY and UNBLOCK PIN without data (PIN counter queries) have no CRSM form:
/// they are answered 6D00 (instruction not supported) without reaching the module, and listed
/// in `unanswered`; the PIN counters come from the dialect's AT query instead. Anything else is
/// refused.
public final class CRSMTransport: CardTransport {
    public let session: ATSession
    public let dialect: ModemDialect
    /// APDUs answered 6D00 here because AT+CRSM cannot carry them (hex).
    public private(set) var unanswered: [String] = []
    /// The current DF from the MF, e.g. [3F00, 7F20].
    private var directory: [UInt16] = [0x3F00]
    /// The current EF, nil when a DF was selected last.
    private var elementaryFile: UInt16?
    /// The last SELECT's header, for the GET RESPONSE that follows.
    private var header: [UInt8]?

    public init(session: ATSession, dialect: ModemDialect) {
        self.session = session
        self.dialect = dialect
    }

    public func transmit(_ bytes: [UInt8]) throws -> [UInt8] {
        let command = try CommandAPDU(parsing: bytes[...])
        switch command.instruction {
        case .select: return try select(command, bytes: bytes)
        case .getResponse:
            guard let header else { throw ModemCardError.notExpressible(command: bytes, reason: "GET RESPONSE with no SELECT before it") }
            let length = command.le.map { $0 == 0 ? 256 : Int($0) } ?? header.count
            return Array(header.prefix(length)) + [0x90, 0x00]
        case .readBinary:
            guard let file = elementaryFile, command.p1 & 0x80 == 0 else {
                throw ModemCardError.notExpressible(command: bytes, reason: "READ BINARY needs a selected EF and an offset (no short file id)")
            }
            return try readBinary(file, offset: Int(command.p1) << 8 | Int(command.p2), length: command.le.map { $0 == 0 ? 256 : Int($0) } ?? 256)
        case .readRecord:
            guard let file = elementaryFile, command.p2 == 0x04 else {
                throw ModemCardError.notExpressible(command: bytes, reason: "READ RECORD needs a selected EF and absolute mode (P2=04)")
            }
            let length = command.le.map { $0 == 0 ? 256 : Int($0) } ?? 256
            guard length <= 255 else { throw ModemCardError.notExpressible(command: bytes, reason: "a 256-byte record has no AT+CRSM length") }
            return try crsm(178, file: file, p1: Int(command.p1), p2: 4, p3: length)
        case .status:
            return try crsm("AT+CRSM=242")
        case .verify where command.data.isEmpty, .unblockPIN where command.data.isEmpty:
            unanswered.append(Hex.string(bytes))
            return [0x6D, 0x00]
        default:
            throw ModemCardError.notExpressible(command: bytes, reason: "\(command.instruction.name) has no AT+CRSM form")
        }
    }

    /// SELECT by file id (P1=00), by path from the MF (08) or the current DF (09), or the USIM
    /// by AID (04: the dialect's USIM path). Answered from CRSM 192 on the target.
    private func select(_ command: CommandAPDU, bytes: [UInt8]) throws -> [UInt8] {
        let ids = stride(from: 0, to: command.data.count - 1, by: 2).map { UInt16(command.data[$0]) << 8 | UInt16(command.data[$0 + 1]) }
        let target: [UInt16]
        switch command.p1 {
        case 0x00 where ids.count == 1:
            let fid = ids[0]
            target = fid == 0x3F00 ? [0x3F00] : fid == 0x7FFF ? usimPath : directory + [fid]
        case 0x08: target = expand([0x3F00] + ids)
        case 0x09: target = expand(directory + ids)
        case 0x04 where ApplicationTemplate(aid: command.data).kind == .usim: target = usimPath
        default:
            throw ModemCardError.notExpressible(command: bytes, reason: "SELECT with P1=\(Hex.string([command.p1])) has no AT+CRSM form")
        }
        guard command.data.count % 2 == 0 || command.p1 == 0x04, let fid = target.last else {
            throw ModemCardError.notExpressible(command: bytes, reason: "SELECT data is not a list of file ids")
        }
        let parent = Array(target.dropLast())
        let answer = try crsm(192, file: fid, p1: 0, p2: 0, p3: 0, path: parent)
        let status = Array(answer.suffix(2))
        let data = Array(answer.dropLast(2))
        guard status[0] == 0x90 || status[0] == 0x91 else { return status }
        let answersUICC = data.first == 0x62
        if command.cla == 0x00, !answersUICC { return [0x6E, 0x00] }
        if Self.isDirectory(fid) {
            directory = target
            elementaryFile = nil
        } else {
            directory = parent
            elementaryFile = fid
        }
        header = data
        if command.cla == 0x00, command.p2 & 0x0C == 0x0C { return [0x90, 0x00] }
        return [answersUICC ? 0x61 : 0x9F, UInt8(truncatingIfNeeded: data.count)]
    }

    /// 7FFF (the current application) stands for the dialect's USIM path.
    private func expand(_ path: [UInt16]) -> [UInt16] {
        guard let index = path.firstIndex(of: 0x7FFF) else { return path }
        return usimPath + path[(index + 1)...]
    }

    private var usimPath: [UInt16] {
        let bytes = Hex.bytes(dialect.traits.usimPath) ?? []
        return stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    }

    /// MF (3F00), DFs (7Fxx, 5Fxx) and ADFs (7FFF) are directories; the rest are EFs (TS 102 221 §8.2).
    static func isDirectory(_ fid: UInt16) -> Bool { [0x3F, 0x7F, 0x5F].contains(UInt8(fid >> 8)) }

    /// READ BINARY in pieces of at most the dialect's CRSM length; the first non-9000 ends it.
    private func readBinary(_ file: UInt16, offset: Int, length: Int) throws -> [UInt8] {
        var content: [UInt8] = []
        var status: [UInt8] = [0x90, 0x00]
        while content.count < length {
            let at = offset + content.count
            let piece = min(dialect.traits.maximumCRSMLength, length - content.count)
            let answer = try crsm(176, file: file, p1: at >> 8, p2: at & 0xFF, p3: piece)
            content += answer.dropLast(2)
            status = Array(answer.suffix(2))
            if status != [0x90, 0x00] || answer.count - 2 < piece { break }
        }
        return content + status
    }

    private func crsm(_ command: Int, file: UInt16, p1: Int, p2: Int, p3: Int, path: [UInt16]? = nil) throws -> [UInt8] {
        let parent = path ?? directory
        var line = "AT+CRSM=\(command),\(file),\(p1),\(p2),\(p3)"
        if file != 0x3F00, !parent.isEmpty {
            line += ",,\"\(Hex.string(parent.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))\""
        }
        return try crsm(line)
    }

    /// Sends one CRSM line and returns data + SW1 SW2 from `+CRSM: <sw1>,<sw2>[,"<hex>"]`.
    private func crsm(_ line: String) throws -> [UInt8] {
        let lines = try session.query(line)
        guard let answer = lines.first(where: { $0.hasPrefix("+CRSM:") }),
              let fields = ATGuard.splitArguments(String(answer.dropFirst("+CRSM:".count)).trimmingCharacters(in: .whitespaces)),
              (2...3).contains(fields.count),
              let sw1 = ATGuard.decimal(fields[0], max: 255), let sw2 = ATGuard.decimal(fields[1], max: 255),
              let data = fields.count == 3 ? Hex.bytes(fields[2].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) : [] else {
            throw ModemCardError.malformedAnswer(command: line, lines: lines)
        }
        return data + [UInt8(sw1), UInt8(sw2)]
    }
}

/// Chooses how the card is reached through a module: AT+CSIM when the dialect has it and it
/// answers a harmless probe (SELECT MF without FCP, `00A4000C023F00`), AT+CRSM otherwise.
public enum ModemCardAccess {
    public static func transport(session: ATSession, dialect: ModemDialect) -> (transport: any CardTransport, path: CardAccessPath) {
        if dialect.traits.hasCSIM {
            let probe = CSIMTransport(session: session)
            if (try? probe.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00])) != nil { return (probe, .csim) }
        }
        return (CRSMTransport(session: session, dialect: dialect), .crsm)
    }
}
