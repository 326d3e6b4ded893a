import ByteText
import Foundation

/// Sends raw APDU bytes to a card and returns its raw answer (data + SW1 SW2).
/// The PC/SC card conforms in the `custody` executable; tests use scripted transports.
public protocol CardTransport {
    func transmit(_ command: [UInt8]) throws -> [UInt8]
}

/// Which command set a card speaks.
public enum CardDialect: String, Codable, Sendable {
    /// Classic GSM SIM (TS 51.011): class byte A0, SELECT answers 9Fxx.
    case classicSIM = "SIM"
    /// UICC (TS 102 221): class byte 00, SELECT answers 61xx and an FCP.
    case uicc = "UICC"

    public var classByte: UInt8 { self == .classicSIM ? 0xA0 : 0x00 }
}

public enum SIMChannelError: Error, CustomStringConvertible {
    /// The read-only guard stopped the command before it reached the card.
    case refused(command: CommandAPDU, reason: String)
    /// The transport failed: card removed, reader gone, pcscd stopped.
    case transport(command: CommandAPDU, underlying: any Error)
    /// The card answered something that is not a response APDU.
    case malformedResponse(command: CommandAPDU, bytes: [UInt8])
    /// The reader delivered an empty answer: the card left or lost power mid-command.
    case noAnswer(command: CommandAPDU)
    /// A bound on the read was reached before `command` (budget, deadline) or while following
    /// its answer (response chain): a card stuck in a loop cannot keep Custody sending.
    case limitReached(command: CommandAPDU, limit: ReadLimit)

    public var description: String {
        switch self {
        case .refused(let c, let reason):
            "refused to send \(c.instruction.name) (\(Hex.string(c.bytes))): \(reason); Custody never writes to evidence"
        case .transport(let c, let underlying):
            "\(c.instruction.name) (\(Hex.string(c.bytes))) failed: \(underlying)"
        case .noAnswer(let c):
            "card gave no answer to \(c.instruction.name) (\(Hex.string(c.bytes))): it was removed or lost power"
        case .malformedResponse(let c, let bytes):
            "card answered \(c.instruction.name) with \(bytes.count) byte(s) that are not a response (\(Hex.string(bytes))): the card or reader is faulty"
        case .limitReached(let c, let limit):
            "read stopped at \(c.instruction.name) (\(Hex.string(c.bytes))): \(limit)"
        }
    }
}

/// The only way Custody talks to a card: a read-only guard in front of the transport, the
/// card's `ReadLimits` (APDU budget, deadline), the bounded T=0 response dance (61xx/9Fxx →
/// GET RESPONSE, 6Cxx/67xx → resend with the right Le), and a transcript of every exchange.
public final class SIMChannel {
    public let transport: any CardTransport
    public var dialect: CardDialect
    public private(set) var transcript = Transcript()
    /// The bounds on this card's read: APDU budget and deadline, checked before every APDU.
    public let limits: ReadLimits
    /// APDUs that reached the card (the transcript's `sentCount`, kept as a running count).
    public private(set) var sentCount = 0
    /// When the channel was opened: the deadline runs from here.
    private let openedAt = ContinuousClock.now

    public init(transport: any CardTransport, dialect: CardDialect = .uicc, limits: ReadLimits = .defaults(for: .identity)) {
        self.transport = transport
        self.dialect = dialect
        self.limits = limits
    }

    /// Sends `command` and follows the T=0 dance to the final answer. Status words are not
    /// errors here: callers decide what 6A82 or 6982 mean for them. The dance is bounded: at
    /// most `ReadLimits.maximumResponseChain` GET RESPONSEs in a row, and one resend with a
    /// corrected length per command sent (the command itself, or a GET RESPONSE).
    public func send(_ command: CommandAPDU) throws(SIMChannelError) -> ResponseAPDU {
        var current = command
        var response = try exchange(current)
        var collected: [UInt8] = []
        var chained = 0
        var resentWithCorrectLength = false
        while true {
            if let available = response.status.responseBytesAvailable {
                guard chained < ReadLimits.maximumResponseChain else {
                    throw .limitReached(command: command, limit: .responseChain(getResponses: chained, lastStatus: response.status))
                }
                chained += 1
                collected += response.data
                current = CommandAPDU(cla: command.cla, ins: Instruction.getResponse.rawValue, p1: 0, p2: 0,
                                      le: UInt8(truncatingIfNeeded: available))
                resentWithCorrectLength = false
                response = try exchange(current)
            } else if !resentWithCorrectLength, let le = correctedLength(response.status) {
                resentWithCorrectLength = true
                current.le = UInt8(truncatingIfNeeded: le)
                response = try exchange(current)
            } else {
                return ResponseAPDU(data: collected + response.data, status: response.status)
            }
        }
    }

    /// 6Cxx always names the right Le; 67xx does when xx is not 00.
    private func correctedLength(_ status: StatusWord) -> Int? {
        if let le = status.correctLength { return le }
        if status.sw1 == 0x67, status.sw2 != 0 { return Int(status.sw2) }
        return nil
    }

    /// Stops before `command` when the card's APDU budget is spent or its deadline has passed.
    private func checkLimits(before command: CommandAPDU) throws(SIMChannelError) {
        if sentCount >= limits.apduBudget {
            throw .limitReached(command: command, limit: .apduBudget(limits.apduBudget))
        }
        if openedAt.duration(to: .now) >= limits.deadline {
            throw .limitReached(command: command, limit: .deadline(limits.deadline))
        }
    }

    /// One command, one answer: guard, transmit, parse, log. `redacting` is only for the
    /// examiner's PIN: the guard is bypassed and the command's data is left out of the log.
    fileprivate func exchange(_ command: CommandAPDU, redacting redaction: String? = nil) throws(SIMChannelError) -> ResponseAPDU {
        let started = Date()
        let logged = redaction == nil ? command.bytes : [command.cla, command.ins, command.p1, command.p2]
        var entry = TranscriptEntry(time: Timestamp.rfc3339(started), command: Hex.string(logged),
                                    response: "", sw: nil, microseconds: 0, redacted: redaction)
        if redaction == nil, let reason = ReadOnlyPolicy.refusal(for: command) {
            entry.refused = reason
            transcript.append(entry)
            throw .refused(command: command, reason: reason)
        }
        try checkLimits(before: command)
        sentCount += 1
        let raw: [UInt8]
        do {
            raw = try transport.transmit(command.bytes)
        } catch {
            entry.microseconds = Self.micros(since: started)
            entry.error = String(describing: error)
            transcript.append(entry)
            throw .transport(command: command, underlying: error)
        }
        entry.microseconds = Self.micros(since: started)
        if raw.isEmpty {
            entry.error = "no answer"
            transcript.append(entry)
            throw .noAnswer(command: command)
        }
        guard let response = try? ResponseAPDU(parsing: raw[...]) else {
            entry.error = "malformed response \(Hex.string(raw))"
            transcript.append(entry)
            throw .malformedResponse(command: command, bytes: raw)
        }
        entry.response = Hex.string(response.data)
        entry.sw = response.status.hex
        transcript.append(entry)
        return response
    }

    private static func micros(since start: Date) -> Int { Int(Date().timeIntervalSince(start) * 1_000_000) }
}

/// A PIN the examiner supplied for one card (printed on its packaging, say). Only digits, 4 to
/// 8 of them (TS 102 221 §9.5.1, TS 51.011 §9.3); it never appears in a transcript or record.
public struct ExaminerPIN: Sendable {
    fileprivate let digits: [UInt8]

    public init?(_ text: String) {
        guard (4...8).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        digits = Array(text.utf8)
    }

    /// The 8-byte PIN block: ASCII digits padded with FF.
    fileprivate var block: [UInt8] { digits + Array(repeating: 0xFF, count: 8 - digits.count) }
}

extension SIMChannel {
    /// The one exception to the read-only rule (DESIGN.md rule 2): VERIFY PIN1 with the PIN the
    /// examiner supplied. Callers decide whether it may be presented (tries left); this sends it
    /// once, never retries, and logs it with the PIN bytes redacted.
    public func presentExaminerPIN(_ pin: ExaminerPIN) throws(SIMChannelError) -> StatusWord {
        let command = CommandAPDU(cla: dialect.classByte, ins: Instruction.verify.rawValue, p1: 0x00, p2: 0x01, data: pin.block)
        return try exchange(command, redacting: "PIN block (8 bytes) not recorded").status
    }
}
