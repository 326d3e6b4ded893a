import ByteText
import Testing
@testable import SIMCard

/// A transport that answers from a script and fails the test on any unexpected command.
final class ScriptedTransport: CardTransport {
    struct Step { var command: String; var response: String }
    var steps: [Step]
    private(set) var received: [[UInt8]] = []

    init(_ steps: [(String, String)]) { self.steps = steps.map { Step(command: $0.0, response: $0.1) } }

    struct CardGone: Error, CustomStringConvertible { var description: String { "card removed" } }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        received.append(command)
        guard !steps.isEmpty else { throw CardGone() }
        let step = steps.removeFirst()
        #expect(Hex.string(command) == step.command.replacingOccurrences(of: " ", with: ""))
        return Hex.bytes(step.response)!
    }
}

@Suite struct ReadOnlyGuardTests {
    /// Every write-class instruction Custody must never send, with data where it takes data.
    static let writeClass: [(String, CommandAPDU)] = [
        ("UPDATE BINARY", .init(cla: 0x00, ins: 0xD6, p1: 0, p2: 0, data: [0x00])),
        ("UPDATE RECORD", .init(cla: 0x00, ins: 0xDC, p1: 1, p2: 4, data: [0xFF])),
        ("WRITE BINARY", .init(cla: 0x00, ins: 0xD0, p1: 0, p2: 0, data: [0x01])),
        ("CHANGE PIN", .init(cla: 0x00, ins: 0x24, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 16))),
        ("DISABLE PIN", .init(cla: 0x00, ins: 0x26, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 8))),
        ("ENABLE PIN", .init(cla: 0x00, ins: 0x28, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 8))),
        ("VERIFY with data", .init(cla: 0x00, ins: 0x20, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 8))),
        ("classic VERIFY CHV with data", .init(cla: 0xA0, ins: 0x20, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 8))),
        ("UNBLOCK PIN with data", .init(cla: 0x00, ins: 0x2C, p1: 0, p2: 1, data: Array(repeating: 0x31, count: 16))),
        ("CREATE FILE", .init(cla: 0x00, ins: 0xE0, p1: 0, p2: 0, data: [0x62, 0x00])),
        ("DELETE FILE", .init(cla: 0x00, ins: 0xE4, p1: 0, p2: 0, data: [0x6F, 0x07])),
        ("AUTHENTICATE", .init(cla: 0x00, ins: 0x88, p1: 0, p2: 0x81, data: Array(repeating: 0, count: 17))),
        ("RUN GSM ALGORITHM", .init(cla: 0xA0, ins: 0x88, p1: 0, p2: 0, data: Array(repeating: 0, count: 16))),
        ("TERMINAL PROFILE", .init(cla: 0x80, ins: 0x10, p1: 0, p2: 0, data: [0xFF])),
        ("ENVELOPE", .init(cla: 0x80, ins: 0xC2, p1: 0, p2: 0, data: [0xD1, 0x00])),
        ("TERMINAL RESPONSE", .init(cla: 0x80, ins: 0x14, p1: 0, p2: 0, data: [0x81])),
        ("FETCH", .init(cla: 0x80, ins: 0x12, p1: 0, p2: 0, le: 0x10)),
        ("INCREASE", .init(cla: 0x80, ins: 0x32, p1: 0, p2: 0, data: [0, 0, 1])),
        ("INVALIDATE", .init(cla: 0xA0, ins: 0x04, p1: 0, p2: 0)),
        ("REHABILITATE", .init(cla: 0xA0, ins: 0x44, p1: 0, p2: 0)),
        ("TERMINATE DF", .init(cla: 0x00, ins: 0xE6, p1: 0, p2: 0)),
        ("TERMINATE EF", .init(cla: 0x00, ins: 0xE8, p1: 0, p2: 0)),
        ("TERMINATE CARD USAGE", .init(cla: 0x00, ins: 0xFE, p1: 0, p2: 0)),
        ("RESIZE FILE", .init(cla: 0x80, ins: 0xD4, p1: 0, p2: 0, data: [0x62])),
        ("MANAGE CHANNEL", .init(cla: 0x00, ins: 0x70, p1: 0, p2: 0, le: 1)),
        ("SUSPEND UICC", .init(cla: 0x80, ins: 0x76, p1: 0, p2: 0, data: [0, 0])),
        ("unknown instruction", .init(cla: 0x00, ins: 0x5A, p1: 0, p2: 0)),
    ]

    @Test(arguments: writeClass)
    func refusesBeforeTheCard(name: String, command: CommandAPDU) {
        let transport = ScriptedTransport([])
        let channel = SIMChannel(transport: transport)
        #expect(throws: SIMChannelError.self, "\(name) must be refused") { _ = try channel.send(command) }
        #expect(transport.received.isEmpty, "\(name) reached the card")
        #expect(channel.transcript.entries.count == 1)
        #expect(channel.transcript.entries.last?.refused != nil, "the refusal of \(name) is logged")
        #expect(channel.transcript.sentCount == 0)
    }

    static let readClass: [CommandAPDU] = [
        .init(cla: 0x00, ins: 0xA4, p1: 0, p2: 4, data: [0x3F, 0x00]),
        .init(cla: 0xA0, ins: 0xF2, p1: 0, p2: 0, le: 0x16),
        .init(cla: 0x00, ins: 0xB0, p1: 0, p2: 0, le: 0x0A),
        .init(cla: 0x00, ins: 0xB2, p1: 1, p2: 4, le: 0x1C),
        .init(cla: 0x00, ins: 0x20, p1: 0, p2: 0x01),
        .init(cla: 0x00, ins: 0x2C, p1: 0, p2: 0x81),
    ]

    @Test(arguments: readClass)
    func passesReadsAndCounterQueries(command: CommandAPDU) throws {
        let transport = ScriptedTransport([(Hex.string(command.bytes), "9000")])
        let answer = try SIMChannel(transport: transport).send(command)
        #expect(answer.status == .ok)
        #expect(transport.received == [command.bytes])
    }

    @Test func policyAndChannelAgree() {
        for (_, command) in Self.writeClass { #expect(!ReadOnlyPolicy.isAllowed(command)) }
        for command in Self.readClass { #expect(ReadOnlyPolicy.isAllowed(command)) }
    }
}

@Suite struct T0DanceTests {
    @Test func uiccSelectFollows61WithGetResponse() throws {
        let transport = ScriptedTransport([("00A40004023F00", "6105"), ("00C0000005", "6203820178 9000")])
        let channel = SIMChannel(transport: transport)
        let answer = try channel.send(.init(cla: 0, ins: 0xA4, p1: 0, p2: 4, data: [0x3F, 0x00]))
        #expect(answer.data == [0x62, 0x03, 0x82, 0x01, 0x78])
        #expect(answer.status == .ok)
        #expect(channel.transcript.sentCount == 2)
    }

    @Test func classicSelectFollows9FWithClassA0GetResponse() throws {
        let transport = ScriptedTransport([("A0A40000023F00", "9F02"), ("A0C0000002", "AABB9000")])
        let answer = try SIMChannel(transport: transport, dialect: .classicSIM)
            .send(.init(cla: 0xA0, ins: 0xA4, p1: 0, p2: 0, data: [0x3F, 0x00]))
        #expect(answer.data == [0xAA, 0xBB])
    }

    @Test func chained61IsCollected() throws {
        let transport = ScriptedTransport([("00B0000000", "6102"), ("00C0000002", "0102 6101"), ("00C0000001", "03 9000")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 0))
        #expect(answer.data == [1, 2, 3])
        #expect(answer.status == .ok)
    }

    @Test func wrongLeIsResentWith6CLength() throws {
        let transport = ScriptedTransport([("00B0000000", "6C0A"), ("00B000000A", "98481032547698103 2F4 9000")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 0))
        #expect(answer.data.count == 10)
    }

    @Test func wrongLengthWith67xxIsResent() throws {
        let transport = ScriptedTransport([("A0B0000000", "670A"), ("A0B000000A", "00112233445566778899 9000")])
        let answer = try SIMChannel(transport: transport, dialect: .classicSIM).send(.init(cla: 0xA0, ins: 0xB0, p1: 0, p2: 0, le: 0))
        #expect(answer.data.count == 10)
    }

    @Test func resendsOnlyOnceWhenTheCardKeepsAskingForAnotherLength() throws {
        let transport = ScriptedTransport([("00B0000000", "6C0A"), ("00B000000A", "6C0B")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 0))
        #expect(answer.status == StatusWord(0x6C0B))
    }

    @Test func t1StyleDataWith9000IsTakenAsIs() throws {
        let transport = ScriptedTransport([("00A40004022FE2", "621E8202412183022FE2 9000")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xA4, p1: 0, p2: 4, data: [0x2F, 0xE2]))
        #expect(answer.data.count == 10)
        #expect(transport.received.count == 1)
    }

    @Test func errorStatusIsReturnedNotThrown() throws {
        let transport = ScriptedTransport([("00A40004026F07", "6A82")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xA4, p1: 0, p2: 4, data: [0x6F, 0x07]))
        #expect(answer.status.isFileNotFound)
    }

    @Test func transportFailureIsLoggedAndThrown() {
        let channel = SIMChannel(transport: ScriptedTransport([]))
        #expect(throws: SIMChannelError.self) { _ = try channel.send(.init(cla: 0, ins: 0xF2, p1: 0, p2: 0, le: 0)) }
        #expect(channel.transcript.entries.last?.error == "card removed")
    }

    @Test func garbageAnswerIsMalformed() {
        let channel = SIMChannel(transport: ScriptedTransport([("00F2000000", "6F")]))
        #expect(throws: SIMChannelError.self) { _ = try channel.send(.init(cla: 0, ins: 0xF2, p1: 0, p2: 0, le: 0)) }
        #expect(channel.transcript.entries.last?.error?.contains("malformed") == true)
    }
}

@Suite struct APDUCodingTests {
    @Test(arguments: ["00A4000402 3F00", "A0C0000016", "00B2010400", "00200001", "00A4040410A0000000871002FF86FFFF89FFFFFFFF00"])
    func roundTrips(hex: String) throws {
        let bytes = Hex.bytes(hex)!
        #expect(try CommandAPDU(parsing: bytes[...]).bytes == bytes)
    }

    @Test func rejectsTruncatedCommands() {
        let bytes = Hex.bytes("00A40004023F00")!
        for length in 0..<4 { #expect(throws: APDUParseError.self) { _ = try CommandAPDU(parsing: bytes.prefix(length)) } }
        #expect(throws: APDUParseError.self) { _ = try CommandAPDU(parsing: bytes.prefix(6)) }
        #expect(throws: APDUParseError.self) { _ = try CommandAPDU(parsing: (bytes + [0, 0])[...]) }
    }

    @Test func atrProtocols() {
        // TD1 80 offers T=0; TD2 1F is the global T=15 indicator, not a protocol.
        #expect(ATRInfo(Hex.bytes("3B9F95801FC78031E073FE211B633A204E8300900031")!).protocols == [0])
        #expect(ATRInfo(Hex.bytes("3B02 1234")!).protocols == [0])
        #expect(ATRInfo(Hex.bytes("3B02 1234")!).historicalBytes == [0x12, 0x34])
        #expect(ATRInfo(Hex.bytes("3B80800101")!).protocols == [0, 1])
        #expect(ATRInfo(Hex.bytes("3B80811F0719")!).protocols == [1])
    }
}
