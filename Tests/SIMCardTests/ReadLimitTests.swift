import Foundation
import Testing
@testable import SIMCard

/// A card that answers every command with the same bytes, for as long as it is asked.
final class RepeatingTransport: CardTransport {
    let answer: [UInt8]
    let delay: Duration
    private(set) var received = 0

    init(_ answer: String, delay: Duration = .zero) {
        self.answer = hex(answer)
        self.delay = delay
    }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        received += 1
        if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18) }
        return answer
    }
}

/// The bounds on a read (item 2 of issue 13): no chain, retry or read runs unbounded.
@Suite struct ReadLimitTests {
    /// The card that kept Custody sending forever: 61xx to every GET RESPONSE.
    @Test(arguments: ["6110", "9F10", "6100"])
    func busyCardStopsAfterABoundedChain(answer: String) {
        let transport = RepeatingTransport(answer)
        let acquisition = SIMReader().read(transport: transport, atr: hex("3B00"), scope: .full)
        #expect(!acquisition.complete)
        #expect(transport.received == 1 + ReadLimits.maximumResponseChain, "the first SELECT and 16 GET RESPONSEs")
        #expect(acquisition.apduCount == transport.received)
        #expect(acquisition.incompleteReason?.contains("answered 16 GET RESPONSEs in a row with more data still waiting") == true,
                "\(acquisition.incompleteReason ?? "")")
    }

    @Test func chainedAnswersUpToTheBoundAreJoined() throws {
        var steps = [("00A40004023F00", "01026102")]
        for _ in 1..<ReadLimits.maximumResponseChain { steps.append(("00C0000002", "01026102")) }
        steps.append(("00C0000002", "03049000"))
        let answer = try SIMChannel(transport: ScriptedTransport(steps)).send(.init(cla: 0, ins: 0xA4, p1: 0, p2: 4, data: [0x3F, 0]))
        #expect(answer.status == .ok)
        #expect(answer.data.count == 2 * ReadLimits.maximumResponseChain + 2)
    }

    /// 6Cxx to a GET RESPONSE resends the GET RESPONSE with that Le, not the first command.
    @Test func wrongLengthToGetResponseResendsGetResponse() throws {
        let transport = ScriptedTransport([("00A40004022FE2", "6120"), ("00C0000020", "6C1E"), ("00C000001E", "620102" + "9000")])
        let answer = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xA4, p1: 0, p2: 4, data: [0x2F, 0xE2]))
        #expect(answer.status == .ok)
        #expect(answer.data == hex("620102"))
    }

    /// 6Cxx ping-pong: one resend with the corrected Le, then the answer stands.
    @Test(arguments: ["6C10", "6710"])
    func wrongLengthIsResentOnce(answer: String) throws {
        let transport = RepeatingTransport(answer)
        let response = try SIMChannel(transport: transport).send(.init(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 0x20))
        #expect(transport.received == 2)
        #expect(response.status.hex == answer)
    }

    @Test func apduBudgetStopsTheChannel() throws {
        let transport = RepeatingTransport("9000")
        let channel = SIMChannel(transport: transport, limits: ReadLimits(apduBudget: 3, deadline: .seconds(60)))
        let read = CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 1)
        for _ in 0..<3 { _ = try channel.send(read) }
        let error = #expect(throws: SIMChannelError.self) { _ = try channel.send(read) }
        if case .limitReached(_, .apduBudget(let budget))? = error { #expect(budget == 3) } else { Issue.record("not the budget: \(String(describing: error))") }
        #expect(error.map { "\($0)" }?.contains("APDU budget of 3 APDUs is spent") == true)
        #expect(error.map { "\($0)" }?.contains("--apdu-budget") == true)
        #expect(transport.received == 3, "the APDU over budget never reaches the card")
        #expect(channel.sentCount == 3)
    }

    @Test func deadlineStopsASlowCard() {
        let transport = RepeatingTransport("6110", delay: .milliseconds(30))
        let limits = ReadLimits(apduBudget: 20_000, deadline: .milliseconds(100))
        let started = ContinuousClock.now
        // 6110 forever, slowly: the deadline comes before the chain bound (17 × 30 ms).
        let acquisition = SIMReader().read(transport: transport, atr: hex("3B00"), scope: .full, limits: limits)
        #expect(ContinuousClock.now - started < .milliseconds(400))
        #expect(!acquisition.complete)
        #expect(acquisition.incompleteReason?.contains("deadline of 0.1 s has passed") == true, "\(acquisition.incompleteReason ?? "")")
        #expect(acquisition.incompleteReason?.contains("--deadline") == true)
        #expect(transport.received < 1 + ReadLimits.maximumResponseChain)
    }

    @Test func defaultsLeaveAWideMargin() {
        #expect(ReadLimits.defaults(for: .full).apduBudget == 20_000)
        #expect(ReadLimits.defaults(for: .full).deadline == .seconds(600))
        #expect(ReadLimits.defaults(for: .identity).apduBudget == 500)
        #expect(ReadLimits.defaults(for: .identity).deadline == .seconds(60))
    }
}
