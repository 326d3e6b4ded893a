import Foundation
import SIMCard
import Testing

extension EndToEnd {
/// `custody sim read --full` through the rig: every shipped profile, the examiner's PIN, the
/// image written with --out, and cards whose headers lie.
@Suite struct FullAcquisitionEndToEndTests {
    /// The `expect.sms` and `expect.full` blocks of a profile (docs/CARD-PROFILES.md).
    struct FullExpectation: Codable {
        struct SMS: Codable { var records: Int; var used: Int; var deletedResidue: Int; var texts: [String] }
        struct Area: Codable { var mcc: String; var mnc: String; var lac: String?; var tac: String? }
        struct Full: Codable {
            var phonebookContacts: [[String]]
            var msisdn: String
            var locationArea: Area
            var routingAreaCode: String
            var trackingArea: Area
            var forbiddenPLMNs: [String]
        }
        var sms: SMS?
        var full: Full?
    }

    static func expectation(_ reader: Rig.Reader) throws -> FullExpectation {
        struct Profile: Codable { var expect: FullExpectation }
        return try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: reader.profilePath))).expect
    }

    func fullRead(_ rig: Rig, _ reader: Rig.Reader, _ extra: [String] = [], environment: [String: String] = [:]) throws -> (Rig.Output, SIMAcquisition) {
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full", "--json"] + extra, environment: environment)
        return (output, try JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8)))
    }

    @Test(arguments: SIMReadEndToEndTests.profiles)
    func readsEverythingWithoutChangingTheCard(profile: String) throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: profile)
        try rig.control(reader, "reset-stats")
        let (output, acquisition) = try fullRead(rig, reader)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(acquisition.complete)
        #expect(acquisition.scope == .full)
        #expect(acquisition.iccid?.digits == reader.expect.iccid)
        let summary = try #require(acquisition.summary)
        let expect = try Self.expectation(reader)
        if let sms = expect.sms {
            #expect(summary.smsRecords == sms.records)
            #expect(summary.smsUsed == sms.used)
            #expect(summary.smsDeletedResidue == sms.deletedResidue)
            #expect(summary.messages.map { $0.text ?? "" } == sms.texts)
            #expect(summary.messages.filter(\.deletedResidue).allSatisfy { $0.status == .free })
        }
        if !reader.expect.imsiReadable {
            #expect(acquisition.files.contains { $0.name == "EF.IMSI" && $0.status == .protected }, "protected files are recorded as protected")
        }
        for file in acquisition.files where file.status == .read {
            #expect(file.header != nil, "\(file.path): the raw header is kept")
            if file.structure != .dedicatedFile {
                #expect(file.content != nil || file.records != nil, "\(file.path): the raw bytes are kept")
            }
        }
        #expect(acquisition.files.contains { $0.path == "3F00/7F10" && $0.structure == .dedicatedFile && $0.header != nil },
                "directory headers are kept too")
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0, "write-class APDUs reached \(profile)")
        #expect(stats.pinTriesConsumed == 0, "PIN tries consumed on \(profile)")
        #expect(stats.pinPresentations == 0)
        #expect(stats.apdus == acquisition.apduCount)
    }

    @Test func theFullUSIMGivesPhonebookNumbersAndLocation() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-iccid20")
        let full = try #require(try Self.expectation(reader).full)
        let (output, acquisition) = try fullRead(rig, reader)
        #expect(output.status == 0)
        let summary = try #require(acquisition.summary)
        let phonebook = summary.contacts.filter { $0.path.hasPrefix("ADF.USIM/5F3A/") }
        #expect(phonebook.map { [$0.name ?? "", $0.number] } == full.phonebookContacts)
        #expect(summary.ownNumbers == [full.msisdn])
        let lai = summary.locations.first { $0.kind == "LAI" && $0.file.hasPrefix("ADF.USIM") }
        #expect(lai?.plmn == "\(full.locationArea.mcc)-\(full.locationArea.mnc)")
        #expect(lai?.area == full.locationArea.lac)
        let rai = summary.locations.first { $0.kind == "RAI" }
        #expect(rai?.routingAreaCode == full.routingAreaCode)
        let tai = summary.locations.first { $0.kind == "TAI" }
        #expect(tai?.plmn == "\(full.trackingArea.mcc)-\(full.trackingArea.mnc)")
        #expect(tai?.area == full.trackingArea.tac)
        #expect(summary.forbiddenNetworks == full.forbiddenPLMNs)
    }

    @Test func humanOutputListsSMSAndContacts() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "classic-viettel")
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("SMS              6 used, 1 deleted (residue recovered), 8 records"))
        #expect(output.stdout.contains("DELETED"))
        #expect(output.stdout.contains("Cần tiền gấp? Vay 50 triệu chỉ cần CCCD, duyệt 10 phút. Zalo 038912345"))
        #expect(output.stdout.contains("Joined 2/2 parts"))
        #expect(output.stdout.contains("\nContacts\n"))
    }

    @Test func sameCardTwiceGivesTheSameContentHash() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        let (_, first) = try fullRead(rig, reader)
        let (_, second) = try fullRead(rig, reader)
        #expect(first.contentSHA256 == second.contentSHA256)
        #expect(first.files.count == second.files.count)
    }

    @Test func outWritesTheAcquisitionRecord() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-t1")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("custody-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (output, printed) = try fullRead(rig, reader, ["--out", folder])
        #expect(output.status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(written.count == 1)
        #expect(written.first?.hasPrefix(reader.expect.iccid + "-") == true)
        #expect(output.stderr.contains("acquisition record written to \(folder)/"))
        let saved = try JSONDecoder().decode(SIMAcquisition.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + written[0])))
        #expect(saved.contentSHA256 == printed.contentSHA256)
        #expect(saved.transcriptSHA256 == saved.transcript.sha256)
        #expect(saved.transcript.sentCount == saved.apduCount)
        #expect(SIMReader.contentHash(files: saved.files, pins: saved.pins) == saved.contentSHA256, "the hash recomputes from the saved bytes")
    }

    @Test func examinersPINIsPresentedOnceAndNeverLogged() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-enabled")
        try rig.control(reader, "reset-stats")
        let (output, acquisition) = try fullRead(rig, reader, ["--pin-env", "EXHIBIT_PIN"], environment: ["EXHIBIT_PIN": "1234"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(acquisition.pinPresentation?.presented == true)
        #expect(acquisition.pinPresentation?.outcome == "accepted")
        #expect(acquisition.imsi?.digits == reader.expect.imsi)
        let presentations = acquisition.transcript.entries.filter { $0.redacted != nil }
        #expect(presentations.count == 1)
        #expect(presentations.first?.command == "00200001", "the PIN block is left out of the transcript")
        #expect(!output.stdout.contains("31323334"), "the PIN never appears in the record")
        let stats = try rig.stats(reader)
        #expect(stats.pinPresentations == 1)
        #expect(stats.pinTriesConsumed == 0)
        #expect(stats.writeClassAPDUs == 0)
    }

    @Test func noPINWithOneTryLeft() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-enabled")
        try rig.swapCard(reader, profile: Rig.packageRoot + "/Tests/EndToEndTests/Fixtures/usim-pin-one-try.json")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        try rig.control(reader, "reset-stats")
        let (output, acquisition) = try fullRead(rig, reader, ["--pin-env", "EXHIBIT_PIN"], environment: ["EXHIBIT_PIN": "1234"])
        #expect(output.status == 0)
        #expect(acquisition.pinPresentation?.presented == false)
        #expect(acquisition.pinPresentation?.outcome.contains("1 tries left") == true)
        #expect(acquisition.imsi?.state == .pinRequired)
        let stats = try rig.stats(reader)
        #expect(stats.pinPresentations == 0 && stats.pinTriesConsumed == 0 && stats.writeClassAPDUs == 0)
    }

    @Test func aWrongPINIsNotRetried() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-enabled")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        try rig.control(reader, "reset-stats")
        let (output, acquisition) = try fullRead(rig, reader, ["--pin-env", "EXHIBIT_PIN"], environment: ["EXHIBIT_PIN": "0000"])
        #expect(output.status == 0)
        #expect(acquisition.pinPresentation?.outcome == "rejected (2 tries left); not retried")
        #expect(acquisition.pins.first { $0.name == "PIN1" }?.remainingTries == 2)
        let stats = try rig.stats(reader)
        #expect(stats.pinPresentations == 1, "presented once, never again")
        #expect(stats.pinTriesConsumed == 1)
    }

    @Test func aPINOnTheCommandLineIsNotAccepted() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-pin-enabled")
        try rig.control(reader, "reset-stats")
        let missing = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--pin-env", "NO_SUCH_PIN_VARIABLE"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("the environment variable NO_SUCH_PIN_VARIABLE is not set"))
        let stats = try rig.stats(reader)
        #expect(stats.pinPresentations == 0)
    }

    @Test func lyingHeadersAndBadRecordsAreRecordedNotFatal() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.swapCard(reader, profile: Rig.packageRoot + "/Tests/EndToEndTests/Fixtures/usim-bad-headers.json")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let (output, acquisition) = try fullRead(rig, reader)
        // The read runs to its end, but a card contradicting its own headers is never a complete read.
        #expect(output.status == 2, "\(output.stderr)")
        #expect(!acquisition.complete)
        #expect(acquisition.anomalousFiles == ["3F00/7F10/6F3A", "3F00/7F10/6F3C"])
        #expect(output.stderr.contains("2 file(s) read with anomalies (EF.ADN 3F00/7F10/6F3A, EF.SMS 3F00/7F10/6F3C)"), "\(output.stderr)")
        let adn = try #require(acquisition.files.first { $0.path == "3F00/7F10/6F3A" })
        #expect(adn.status == .failed, "a truncated FCP is recorded, not fatal")
        #expect(adn.header == "62108205422100", "the raw header is kept")
        #expect(adn.anomalies?.first?.hasPrefix("header does not decode: ") == true)
        let sms = try #require(acquisition.files.first { $0.path == "3F00/7F10/6F3C" })
        #expect(sms.status == .failed && sms.sw == "6A83", "the header promised more records than the card has")
        #expect(sms.records?.count == 8, "the records that exist are kept")
        #expect(sms.anomalies?.first?.hasSuffix("answered 6A83 with 0 bytes: read stopped after 8 records") == true)
        #expect(sms.decodeErrors?.contains { $0.hasPrefix("record 2:") } == true)
        #expect(acquisition.summary?.messages.count ?? 0 >= 5, "the other messages still decode")
        #expect(acquisition.files.contains { $0.path == "ADF.USIM/6F07" && $0.status == .read })
    }
}
}
