import ByteText
import Testing
@testable import Modem
import SIMCard
@testable import virtual_sim

/// SIMCard's own reader, run through a module over AT+CSIM and over AT+CRSM, against the same
/// simulated card read directly: the same files, bytes and hashes, nothing written.
@Suite struct CardTransportTests {
    final class Direct: CardTransport {
        let card: Card
        init(_ card: Card) { self.card = card }
        func transmit(_ command: [UInt8]) throws -> [UInt8] { card.process(command).response.bytes }
    }

    static func files(_ acquisition: SIMAcquisition) -> [String] {
        acquisition.files.map { "\($0.path) \($0.status) \($0.content ?? $0.records?.joined(separator: ",") ?? "-")" }
    }

    @Test func csimCarriesTheEnginesAPDUsUnchanged() throws {
        for profile in ["usim-iccid20", "classic-viettel"] {
            let module = ScriptedModule(card: try Fixtures.card(profile))
            let session = ATSession(transport: module)
            let access = ModemCardAccess.transport(session: session, dialect: .quectel)
            #expect(access.path == .csim)
            let overAT = SIMReader().read(transport: access.transport, atr: [], scope: .full)
            let direct = SIMReader().read(transport: Direct(try Fixtures.card(profile)), atr: [], scope: .full)
            #expect(overAT.complete == direct.complete, "\(profile): \(overAT.incompleteReason ?? "")")
            #expect(Self.files(overAT) == Self.files(direct), "\(profile)")
            #expect(overAT.contentSHA256 == direct.contentSHA256, "\(profile)")
            #expect(module.writeClassAPDUs == 0 && module.forbiddenReceived.isEmpty)
        }
    }

    @Test func crsmReadsAClassicSIMExactlyAsPCSCDoes() throws {
        let module = ScriptedModule(card: try Fixtures.card("classic-viettel"))
        module.csimSupported = false
        let session = ATSession(transport: module)
        let access = ModemCardAccess.transport(session: session, dialect: .simcom)
        #expect(access.path == .crsm, "CSIM answered ERROR: CRSM is the fallback")
        let overAT = SIMReader().read(transport: access.transport, atr: [], scope: .full)
        let direct = SIMReader().read(transport: Direct(try Fixtures.card("classic-viettel")), atr: [], scope: .full)
        #expect(overAT.complete == direct.complete, "\(overAT.incompleteReason ?? "")")
        #expect(Self.files(overAT) == Self.files(direct))
        #expect(overAT.contentSHA256 == direct.contentSHA256)
        #expect(overAT.iccid?.digits == direct.iccid?.digits && overAT.iccid != nil)
        #expect(module.writeClassAPDUs == 0 && module.forbiddenReceived.isEmpty)
        #expect(module.received.allSatisfy { $0 == "AT+CSIM=14,\"00A4000C023F00\"" || $0.hasPrefix("AT+CRSM=") })
    }

    @Test func crsmReadsAUICCsIdentityFilesThroughTheUSIMPath() throws {
        let module = ScriptedModule(card: try Fixtures.card("usim-iccid20"))
        let session = ATSession(transport: module)
        let transport = CRSMTransport(session: session, dialect: .goip)
        let overAT = SIMReader().read(transport: transport, atr: [], scope: .identity)
        let direct = SIMReader().read(transport: Direct(try Fixtures.card("usim-iccid20")), atr: [], scope: .identity)
        #expect(overAT.cardType == .uicc)
        #expect(Self.files(overAT) == Self.files(direct))
        #expect(overAT.imsi?.digits == direct.imsi?.digits && overAT.imsi?.digits != nil)
        // The PIN counter queries have no CRSM form: answered 6D00 here, listed, never sent.
        #expect(transport.unanswered.count == 4)
        #expect(module.received.contains("AT+CRSM=176,28423,0,0,9,,\"3F007FFF\""))
        #expect(module.writeClassAPDUs == 0 && module.forbiddenReceived.isEmpty)
    }

    @Test func csimNeverCarriesAWriteClassAPDU() throws {
        let module = ScriptedModule(card: try Fixtures.card("usim-iccid20"))
        let session = ATSession(transport: module)
        let transport = CSIMTransport(session: session)
        #expect(throws: ATError.self) { try transport.transmit(Hex.bytes("00D6000002FFFF")!) }
        #expect(module.received.isEmpty && module.writeClassAPDUs == 0)
        #expect(session.transcript.entries.map(\.direction) == [.refused])
    }

    @Test func crsmRefusesWhatItCannotExpress() throws {
        let module = ScriptedModule(card: try Fixtures.card("usim-iccid20"))
        let transport = CRSMTransport(session: ATSession(transport: module), dialect: .quectel)
        for apdu in ["00A4040C07A0000000871004", "00B2010300", "00B0810000", "0084000008", "00C0000010"] {
            #expect(throws: ModemCardError.self, "\(apdu)") { try transport.transmit(Hex.bytes(apdu)!) }
        }
        #expect(module.received.isEmpty)
    }

    @Test func crsmReadBinaryOfEFICCIDAsAModuleAnswersIt() throws {
        let module = ScriptedModule()
        module.answers["AT+CRSM=192,12258,0,0,0,,\"3F00\""] = ["+CRSM: 144,0,\"000000 0A2FE2040004FFFF01020000\"".replacingOccurrences(of: " ", with: ""), "OK"]
        module.answers["AT+CRSM=176,12258,0,0,10,,\"3F00\""] = ["+CRSM: 144,0,\"98684000000000000000\"", "OK"]
        let transport = CRSMTransport(session: ATSession(transport: module), dialect: .simcom)
        #expect(try transport.transmit(Hex.bytes("A0A40000022FE2")!) == [0x9F, 0x0F])
        #expect(try transport.transmit(Hex.bytes("A0C000000F")!) == Hex.bytes("0000000A2FE2040004FFFF010200009000")!)
        #expect(try transport.transmit(Hex.bytes("A0B000000A")!) == Hex.bytes("986840000000000000009000")!)
    }
}
