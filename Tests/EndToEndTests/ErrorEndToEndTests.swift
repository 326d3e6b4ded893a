import Foundation
import SIMCard
import Testing

/// Every error a user can hit: one clear line on stderr, a non-zero exit, no crash, and the
/// card still untouched.
extension EndToEnd {
@Suite struct ErrorEndToEndTests {
    /// stderr holds exactly one line, starting with "custody: ".
    func expectOneLine(_ output: Rig.Output, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("custody: "), sourceLocation: sourceLocation)
        #expect(output.stderr.contains(text), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
    }

    @Test func pcscdNotRunning() throws {
        let rig = try Rig.running()
        let output = try rig.run("custody", ["readers"], environment: ["PCSCLITE_CSOCK_NAME": rig.directory + "/no-such-pcscd.comm"])
        #expect(output.status == 1)
        expectOneLine(output, containing: "pcscd is not running")
    }

    @Test func noReaderAttached() throws {
        let rig = try Rig.running()
        let empty = try Rig.readerlessEnvironment()
        let read = try rig.run("custody", ["sim", "read"], environment: empty)
        #expect(read.status == 1)
        expectOneLine(read, containing: "no smart-card reader found")
        let list = try rig.run("custody", ["readers", "--json"], environment: empty)
        #expect(list.status == 0, "no reader is an empty list, not an error")
        #expect(list.stdout.contains("\"readers\" : [\n\n  ]"))
    }

    @Test func muteCardTimesOutAsIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-iccid20")
        try rig.control(reader, "mute-after", "2")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let started = ContinuousClock.now
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--apdu-timeout", "1", "--json"])
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(output.status == 2)
        expectOneLine(output, containing: "did not answer within 1.0 seconds")
        let identity = try JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8))
        #expect(!identity.complete)
        let interrupted = identity.files.last
        #expect(interrupted?.status == .interrupted)
        #expect(interrupted?.header != nil, "the header received before the card went mute is kept")
    }

    @Test func unknownReaderName() throws {
        let rig = try Rig.running()
        let output = try rig.run("custody", ["sim", "read", "--reader", "No Such Reader 99"])
        #expect(output.status == 1)
        expectOneLine(output, containing: "reader \"No Such Reader 99\" not found")
    }

    @Test func severalCardsAndNoReaderNamed() throws {
        let rig = try Rig.running()
        let output = try rig.run("custody", ["sim", "read"])
        #expect(output.status == 1)
        expectOneLine(output, containing: "choose one with --reader")
    }

    @Test func noCardInTheNamedReader() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-iccid20")
        try rig.control(reader, "remove")
        try rig.waitForCard(reader, present: false)
        defer { _ = try? rig.control(reader, "insert"); try? rig.waitForCard(reader, present: true) }
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name])
        #expect(output.status == 1)
        expectOneLine(output, containing: "no card in reader \"\(reader.name)\"")
    }

    @Test func cardRemovedDuringTheReadIsIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mnc3")
        try rig.control(reader, "reset-stats")
        try rig.control(reader, "remove-after", "6")
        defer { _ = try? rig.control(reader, "insert"); try? rig.waitForCard(reader, present: true) }
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--json"])
        #expect(output.status == 2)
        expectOneLine(output, containing: "INCOMPLETE")
        let identity = try JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8))
        #expect(!identity.complete)
        #expect(identity.incompleteReason?.hasPrefix("card removed during the read") == true, "\(identity.incompleteReason ?? "")")
        #expect(identity.apduCount == 6, "5 APDUs answered, the 6th reached the card and got no answer")
        #expect(identity.transcript.entries.filter { $0.sw != nil }.count == 5)
        #expect(identity.transcript.entries.last?.error != nil)
        #expect(identity.iccid?.digits == reader.expect.iccid, "what was read before the removal is kept")
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0)
    }

    @Test func cardAnsweringGarbageIsIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-t1")
        try rig.control(reader, "garbage-after", "3")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name])
        #expect(output.status == 2)
        expectOneLine(output, containing: "not a response")
        #expect(output.stdout.contains("INCOMPLETE"))
    }
}
}
