import ByteText

/// An APDU instruction byte (INS). Open set: named values are the ones SIM tools meet.
public struct Instruction: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let select = Instruction(rawValue: 0xA4)
    public static let status = Instruction(rawValue: 0xF2)
    public static let getResponse = Instruction(rawValue: 0xC0)
    public static let readBinary = Instruction(rawValue: 0xB0)
    public static let readRecord = Instruction(rawValue: 0xB2)
    public static let verify = Instruction(rawValue: 0x20)
    public static let unblockPIN = Instruction(rawValue: 0x2C)
    public static let updateBinary = Instruction(rawValue: 0xD6)
    public static let updateRecord = Instruction(rawValue: 0xDC)
    public static let writeBinary = Instruction(rawValue: 0xD0)
    public static let seek = Instruction(rawValue: 0xA2)
    public static let increase = Instruction(rawValue: 0x32)
    public static let changePIN = Instruction(rawValue: 0x24)
    public static let disablePIN = Instruction(rawValue: 0x26)
    public static let enablePIN = Instruction(rawValue: 0x28)
    public static let invalidate = Instruction(rawValue: 0x04)
    public static let rehabilitate = Instruction(rawValue: 0x44)
    public static let runGSMAlgorithm = Instruction(rawValue: 0x88)
    public static let terminalProfile = Instruction(rawValue: 0x10)
    public static let envelope = Instruction(rawValue: 0xC2)
    public static let fetch = Instruction(rawValue: 0x12)
    public static let terminalResponse = Instruction(rawValue: 0x14)
    public static let createFile = Instruction(rawValue: 0xE0)
    public static let deleteFile = Instruction(rawValue: 0xE4)
    public static let terminateDF = Instruction(rawValue: 0xE6)
    public static let terminateEF = Instruction(rawValue: 0xE8)
    public static let terminateCard = Instruction(rawValue: 0xFE)
    public static let manageChannel = Instruction(rawValue: 0x70)
    public static let manageSecureChannel = Instruction(rawValue: 0x73)
    public static let getChallenge = Instruction(rawValue: 0x84)
    public static let suspendUICC = Instruction(rawValue: 0x76)
    public static let resizeFile = Instruction(rawValue: 0xD4)

    public var name: String {
        switch self {
        case .select: "SELECT"
        case .status: "STATUS"
        case .getResponse: "GET RESPONSE"
        case .readBinary: "READ BINARY"
        case .readRecord: "READ RECORD"
        case .verify: "VERIFY"
        case .unblockPIN: "UNBLOCK PIN"
        case .updateBinary: "UPDATE BINARY"
        case .updateRecord: "UPDATE RECORD"
        case .writeBinary: "WRITE BINARY"
        case .seek: "SEEK"
        case .increase: "INCREASE"
        case .changePIN: "CHANGE PIN"
        case .disablePIN: "DISABLE PIN"
        case .enablePIN: "ENABLE PIN"
        case .invalidate: "INVALIDATE/DEACTIVATE"
        case .rehabilitate: "REHABILITATE/ACTIVATE"
        case .runGSMAlgorithm: "RUN GSM ALGORITHM/AUTHENTICATE"
        case .terminalProfile: "TERMINAL PROFILE"
        case .envelope: "ENVELOPE"
        case .fetch: "FETCH"
        case .terminalResponse: "TERMINAL RESPONSE"
        case .createFile: "CREATE FILE"
        case .deleteFile: "DELETE FILE"
        case .terminateDF: "TERMINATE DF"
        case .terminateEF: "TERMINATE EF"
        case .terminateCard: "TERMINATE CARD USAGE"
        case .manageChannel: "MANAGE CHANNEL"
        case .manageSecureChannel: "MANAGE SECURE CHANNEL"
        case .getChallenge: "GET CHALLENGE"
        case .suspendUICC: "SUSPEND UICC"
        case .resizeFile: "RESIZE FILE"
        default: "INS \(Hex.string([rawValue]))"
        }
    }

    public var description: String { name }
}

/// The forensic read-only rule (DESIGN.md, rule 1) as one predicate, shared by the transport's
/// guard and by the simulator's write-class counter so the two can never disagree.
public enum ReadOnlyPolicy {
    /// Instructions that only read (or select) and can never change a card.
    public static let readInstructions: Set<Instruction> = [.select, .status, .getResponse, .readBinary, .readRecord]
    /// Instructions allowed only without data: with no data they query a retry counter.
    public static let counterQueryInstructions: Set<Instruction> = [.verify, .unblockPIN]

    /// Why `command` may not be sent to a seized card, or nil when it is allowed.
    public static func refusal(for command: CommandAPDU) -> String? {
        let ins = command.instruction
        if readInstructions.contains(ins) { return nil }
        if counterQueryInstructions.contains(ins) {
            return command.data.isEmpty ? nil : "\(ins.name) with data would present a PIN and can consume a try"
        }
        return "\(ins.name) is not a read-only instruction"
    }

    public static func isAllowed(_ command: CommandAPDU) -> Bool { refusal(for: command) == nil }

    /// VERIFY with data: presenting a PIN. Never sent on Custody's own account; only the
    /// examiner's PIN goes this way (`SIMChannel.presentExaminerPIN`). It changes no file, so the
    /// simulator counts it apart from write-class commands (as a presentation, and as a try
    /// consumed when wrong). UNBLOCK PIN with data is not one: it sets a new PIN.
    public static func isPINPresentation(_ command: CommandAPDU) -> Bool {
        command.instruction == .verify && !command.data.isEmpty
    }
}
