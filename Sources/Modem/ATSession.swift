import Foundation

/// A module's answer to one command: its information lines and the final result code.
public struct ATResponse: Hashable, Sendable {
    public var command: String
    public var information: [String]
    public var final: FinalResult

    public var isOK: Bool { final.isOK }
}

/// A URC as it arrived: the line and its time since the session opened.
public struct UnsolicitedLine: Hashable, Sendable, Codable {
    public var line: String
    public var offsetMicroseconds: Int64
}

public enum ATError: Error, CustomStringConvertible {
    /// `ATGuard` refused the line: nothing was written.
    case refused(command: String, reason: String)
    /// No final result code arrived in time.
    case timeout(command: String, after: Duration, received: [String])
    /// The module restarted (RDY) while the command ran: its answer is lost.
    case moduleRestarted(command: String, line: String)
    /// The port failed (unplugged, closed).
    case transport(command: String, underlying: any Error)
    /// The module answered a final result code other than OK (from `ATSession.query`).
    case failed(command: String, result: FinalResult)

    public var description: String {
        switch self {
        case .refused(let command, let reason):
            "refused to send \(command): \(reason); Custody never changes a module or SIM"
        case .timeout(let command, let after, let received):
            "\(command) got no final result code in \(after)\(received.isEmpty ? " (nothing received)" : " (received: \(received.joined(separator: " | ")))"): check the port, the baud rate and that the module is powered"
        case .moduleRestarted(let command, let line):
            "the module restarted (\(line)) while \(command) ran: its answer is lost; wait for it to settle and read again"
        case .transport(let command, let underlying):
            "\(command) failed: \(underlying)"
        case .failed(let command, let result):
            "\(command) answered \(result)"
        }
    }
}

/// How long a command may take before its final result code. CRSM and CSIM reach the SIM and
/// are slow on some modules; the rest answer from the module.
public struct ATTimeouts: Sendable {
    public var standard: Duration
    public var simAccess: Duration

    public init(standard: Duration = .seconds(5), simAccess: Duration = .seconds(20)) {
        self.standard = standard
        self.simAccess = simAccess
    }

    public func timeout(for command: String) -> Duration {
        command.hasPrefix("AT+CRSM") || command.hasPrefix("AT+CSIM") ? simAccess : standard
    }
}

/// The radio-off intervention as recorded: the state before and after, and the answer.
public struct RadioOffIntervention: Hashable, Sendable, Codable {
    public var command: String
    public var stateBefore: String?
    public var result: String
    public var stateAfter: String?
}

/// One AT conversation with a module: guard, framing, echo, URCs, final result codes, timeouts,
/// transcript. Commands go one at a time; nothing runs in the background.
///
/// Which line answers a command: a line equal to the command (before any other) is the echo; a
/// final result code ends the answer; a known URC (`UnsolicitedCodes`) is recorded apart —
/// except that a line starting with the command's own prefix (`+CPIN:` for `AT+CPIN?`) is the
/// command's information. A `+CPIN: READY` URC arriving while AT+CPIN? runs cannot be told from
/// the answer; both state the SIM at that moment, so taking it as the answer is sound. RDY (or
/// ^SYSSTART) while a command runs fails the command: the module restarted.
public final class ATSession {
    public let transport: any LineTransport
    public var timeouts: ATTimeouts
    public private(set) var transcript = ATTranscript()
    public private(set) var unsolicited: [UnsolicitedLine] = []
    /// The radio-off interventions made, in order.
    public private(set) var interventions: [RadioOffIntervention] = []
    /// Whether the module echoed the last command.
    public private(set) var echoes = false
    private let openedAt = ContinuousClock.now
    private var pending: [UInt8] = []

    public init(transport: any LineTransport, timeouts: ATTimeouts = ATTimeouts()) {
        self.transport = transport
        self.timeouts = timeouts
    }

    /// Sends `command` (after `ATGuard`) and returns the module's answer, whatever its final
    /// result code. Throws when refused, on timeout, restart or port failure.
    public func send(_ command: String, timeout: Duration? = nil) throws(ATError) -> ATResponse {
        if let reason = ATGuard.refusal(for: command) {
            transcript.append(.refused, .command, bytes: Array(command.utf8), offset: elapsed, note: reason)
            throw .refused(command: command, reason: reason)
        }
        return try exchange(command, timeout: timeout ?? timeouts.timeout(for: command), note: nil)
    }

    /// `send`, then OK required: returns the information lines, throws `.failed` otherwise.
    public func query(_ command: String, timeout: Duration? = nil) throws(ATError) -> [String] {
        let response = try send(command, timeout: timeout)
        guard response.isOK else { throw .failed(command: command, result: response.final) }
        return response.information
    }

    /// The one intervention: AT+CFUN=4 (RF off, `minimum` false) or AT+CFUN=0, only when the
    /// caller asks. AT+CFUN? before and after are recorded with it.
    @discardableResult
    public func switchRadioOff(minimum: Bool = false) throws(ATError) -> RadioOffIntervention {
        let command = minimum ? "AT+CFUN=0" : "AT+CFUN=4"
        let before = try? query("AT+CFUN?").first
        let answer = try exchange(command, timeout: .seconds(15), note: "intervention: radio off, requested by the examiner")
        let after = try? query("AT+CFUN?").first
        let intervention = RadioOffIntervention(command: command, stateBefore: before, result: answer.final.description, stateAfter: after)
        interventions.append(intervention)
        return intervention
    }

    private var elapsed: Duration { openedAt.duration(to: .now) }

    private func exchange(_ command: String, timeout: Duration, note: String?) throws(ATError) -> ATResponse {
        drainPending()
        let bytes = Array(command.utf8) + [0x0D]
        transcript.append(.sent, .command, bytes: bytes, offset: elapsed, note: note)
        do { try transport.write(bytes) } catch { throw .transport(command: command, underlying: error) }
        let deadline = ContinuousClock.now + timeout
        let prefix = Self.informationPrefix(of: command)
        var information: [String] = []
        var received: [String] = []
        var echoSeen = false
        while true {
            let lineBytes: [UInt8]
            do {
                guard let next = try nextLine(before: deadline) else { throw ATError.timeout(command: command, after: timeout, received: received) }
                lineBytes = next
            } catch let error as ATError {
                throw error
            } catch {
                throw .transport(command: command, underlying: error)
            }
            let line = String(decoding: lineBytes, as: UTF8.self)
            received.append(line)
            if !echoSeen, information.isEmpty, line == command {
                echoSeen = true
                transcript.append(.received, .echo, bytes: lineBytes, offset: elapsed)
                continue
            }
            if let final = FinalResult(line: line) {
                transcript.append(.received, .final, bytes: lineBytes, offset: elapsed)
                echoes = echoSeen
                return ATResponse(command: command, information: information, final: final)
            }
            if let prefix, line.hasPrefix(prefix) {
                information.append(line)
                transcript.append(.received, .information, bytes: lineBytes, offset: elapsed)
                continue
            }
            if UnsolicitedCodes.isUnsolicited(line) {
                recordUnsolicited(lineBytes, line)
                if UnsolicitedCodes.isRestart(line) { throw .moduleRestarted(command: command, line: line) }
                continue
            }
            information.append(line)
            transcript.append(.received, .information, bytes: lineBytes, offset: elapsed)
        }
    }

    /// `+CPIN:` for `AT+CPIN?`, `^ICCID:` for `AT^ICCID?`, `+CRSM:` for `AT+CRSM=…`; nil for
    /// commands without a prefixed answer (AT+CGMI, AT+CIMI, ATI).
    static func informationPrefix(of command: String) -> String? {
        guard command.hasPrefix("AT"), command.count > 3 else { return nil }
        let body = command.dropFirst(2)
        guard let first = body.first, "+^#$%".contains(first) else { return nil }
        let name = body.prefix { $0 != "=" && $0 != "?" }
        return String(name) + ":"
    }

    /// Lines that arrived between commands: URCs, or strays the module sent late.
    private func drainPending() {
        while let line = try? nextLine(before: .now) {
            let text = String(decoding: line, as: UTF8.self)
            if UnsolicitedCodes.isUnsolicited(text) { recordUnsolicited(line, text) } else {
                transcript.append(.received, .stray, bytes: line, offset: elapsed)
            }
        }
    }

    private func recordUnsolicited(_ bytes: [UInt8], _ line: String) {
        transcript.append(.received, .unsolicited, bytes: bytes, offset: elapsed)
        unsolicited.append(UnsolicitedLine(line: line, offsetMicroseconds: transcript.entries.last!.offsetMicroseconds))
    }

    /// The next non-empty line (CR LF, lone CR or lone LF end it), or nil at the deadline.
    private func nextLine(before deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        while true {
            while let end = pending.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) {
                let line = Array(pending[..<end])
                pending.removeSubrange(...end)
                if !line.isEmpty { return line }
            }
            let more = try transport.read(before: deadline)
            if more.isEmpty { return nil }
            pending += more
        }
    }
}
