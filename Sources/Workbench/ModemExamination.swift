import Foundation
import Modem
import SIMCard

/// A module's serial port as examined: the path given, the device it resolves to, and its
/// physical position (the `/dev/serial/by-path` name: which USB port of which hub).
public struct ExaminedPort: Codable, Sendable, Hashable {
    /// The path as the examiner gave it.
    public var path: String
    /// `path` with every symlink resolved (`/dev/ttyUSB3`).
    public var device: String
    /// The name under /dev/serial/by-path that resolves to `device`, when there is one.
    public var physicalPosition: String?
    public var baud: Int

    static let byPathDirectory = "/dev/serial/by-path"

    /// Resolves `path` and finds its by-path name (the path itself when it is one).
    public init(path: String, baud: Int) {
        self.path = path
        self.baud = baud
        device = (path as NSString).resolvingSymlinksInPath
        if path.hasPrefix(Self.byPathDirectory + "/") {
            physicalPosition = (path as NSString).lastPathComponent
        } else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.byPathDirectory)) ?? []
            let device = device
            physicalPosition = names.sorted().first { name in
                ((Self.byPathDirectory as NSString).appendingPathComponent(name) as NSString).resolvingSymlinksInPath == device
            }
        }
    }
}

/// How a SIM read in place was reached, as its acquisition record carries it beside the SIM's
/// own members under `modem` (docs/ACQUISITION.md "Read in place"): the port, the module as
/// found, the access path, and the AT transcript with its hash, as the APDU transcript is.
public struct ModemAccess: Codable, Sendable {
    public static let schema = "custody.modem-access/1"
    public var schema = ModemAccess.schema
    public var port: ExaminedPort
    /// The module and its radio, registration and SIM state as found, before any intervention.
    public var module: ModuleIdentity
    /// Which AT command carried the APDUs; nil when the card was not read (no SIM).
    public var accessPath: CardAccessPath?
    /// APDUs the AT+CRSM path answered 6D00 itself (no CRSM form, e.g. PIN-counter VERIFY), hex.
    public var unansweredAPDUs: [String]
    public var interventions: [RadioOffIntervention]
    public var unsolicited: [UnsolicitedLine]
    public var atTranscript: ATTranscript
    public var atTranscriptSHA256: String
    /// Commands written to the module; refused ones (never written) are counted apart.
    public var atCommandCount: Int
    public var atRefusedCount: Int
}

/// One examination of a module in place (`custody modem read`): open the port (exclusive), an
/// AT session, identify the module and its state as found (`ModuleIdentity.read`), optionally
/// switch its radio off (the one intervention), then read the SIM with SIMCard's engine through
/// the module (`ModemCardAccess`: AT+CSIM, else AT+CRSM). The same decoders, acquisition
/// record and content hash as `sim read`.
///
/// Encoded, it is `modem read --json` (schema custody.modem-read/1, docs/MODEMS.md).
public struct ModemExamination: Encodable, Sendable {
    public static let schema = "custody.modem-read/1"
    public var schema = ModemExamination.schema
    public var access: ModemAccess
    /// The SIM as read through the module; nil when the port holds no SIM (`noAcquisitionReason`).
    public var acquisition: SIMAcquisition?
    public var noAcquisitionReason: String?

    private enum CodingKeys: String, CodingKey {
        case schema, acquisition, noAcquisitionReason
        case access = "modem"
    }

    public var port: ExaminedPort { access.port }
    public var module: ModuleIdentity { access.module }
    /// Lines the guard refused, with the reason (never written to the module).
    public var refusals: [ATTranscriptEntry] { access.atTranscript.entries.filter { $0.direction == .refused } }

    /// Examines the module on `path`. Every failure is one line, and then nothing is returned to
    /// record: a port that is not a serial port or is in use, a module that does not answer AT,
    /// answers garbage, or restarts (RDY) while it is read.
    public static func examine(path: String, baud: Int = 115_200, scope: AcquisitionScope = .identity,
                               radioOff: Bool = false, limits: ReadLimits? = nil) throws(WorkbenchError) -> ModemExamination {
        let port = ExaminedPort(path: path, baud: baud)
        let serial: SerialPort
        do { serial = try SerialPort(path: path, baud: baud) } catch { throw WorkbenchError(error.description) }
        defer { serial.close() }
        let session = ATSession(transport: serial)
        do throws(ATError) {
            let module = try ModuleIdentity.read(session: session)
            if radioOff { try session.switchRadioOff() }
            var acquisition: SIMAcquisition?
            var accessPath: CardAccessPath?
            var unanswered: [String] = []
            var reason: String?
            if simPresent(module) {
                let chosen = ModemCardAccess.transport(session: session, dialect: module.dialect)
                let watched = ModuleFailureWatch(chosen.transport)
                let read = SIMReader().read(transport: watched, atr: [], reader: port.physicalPosition ?? port.device,
                                            scope: scope, limits: limits)
                if let broken = watched.moduleFailure { throw broken }
                acquisition = read
                accessPath = chosen.path
                unanswered = (chosen.transport as? CRSMTransport)?.unanswered ?? []
            } else {
                reason = "no SIM in the port (\(module.simState))"
            }
            if let restart = restartAfterFirstCommand(session.transcript) {
                throw ATError.moduleRestarted(command: "the read", line: restart)
            }
            let access = ModemAccess(port: port, module: module, accessPath: accessPath, unansweredAPDUs: unanswered,
                                     interventions: session.interventions, unsolicited: session.unsolicited,
                                     atTranscript: session.transcript, atTranscriptSHA256: session.transcript.sha256,
                                     atCommandCount: session.transcript.sentCount, atRefusedCount: session.transcript.refusedCount)
            return ModemExamination(access: access, acquisition: acquisition, noAcquisitionReason: reason)
        } catch {
            throw WorkbenchError(failure(error, port: path).message + "; nothing was recorded")
        }
    }

    /// The acquisition record of this read, as stored in a case and written by `--out`: the SIM
    /// acquisition's JSON (the same members as `sim read`'s) with `modem` added.
    public func record() throws(WorkbenchError) -> Data {
        guard let acquisition else { throw nothingToRecord }
        do { return try encodeJSON(InPlaceRecord(acquisition: acquisition, modem: access)) } catch {
            throw WorkbenchError("cannot encode the acquisition record of \(port.path): \(error)")
        }
    }

    /// Why a read without a SIM acquisition leaves nothing to record.
    public var nothingToRecord: WorkbenchError {
        WorkbenchError("nothing recorded for \(port.path): \(noAcquisitionReason ?? "no SIM was read")")
    }

    /// A SIM is absent when AT+CPIN? says NOT INSERTED or fails with +CME ERROR 10 or 13.
    static func simPresent(_ module: ModuleIdentity) -> Bool {
        !(module.simState == "NOT INSERTED" || module.simState.hasPrefix("+CME ERROR: 10") || module.simState.hasPrefix("+CME ERROR: 13"))
    }

    /// RDY (or ^SYSSTART) between two commands, after the first was sent: the module restarted
    /// during the read. One waiting in the port before the first command is its power-up.
    static func restartAfterFirstCommand(_ transcript: ATTranscript) -> String? {
        guard let first = transcript.entries.firstIndex(where: { $0.direction == .sent }) else { return nil }
        return transcript.entries[first...].first { $0.kind == .unsolicited && UnsolicitedCodes.isRestart($0.text) }?.text
    }

    /// The one line for an AT failure on `port` (`examine` adds that nothing was recorded).
    static func failure(_ error: ATError, port: String) -> WorkbenchError {
        switch error {
        case .timeout(let command, let after, let received) where received.isEmpty:
            WorkbenchError("\(port) does not answer AT (nothing in \(after) after \(command)): check it is the module's AT port (a module has several), the baud rate (--baud) and that the module is powered")
        case .timeout(let command, _, let received):
            WorkbenchError("\(port) answers garbage to \(command) (\(received.prefix(3).joined(separator: " | "))): check the baud rate (--baud) and that it is the module's AT port")
        case .moduleRestarted(_, let line):
            WorkbenchError("the module on \(port) restarted (\(line)) during the read: wait for it to settle and read again")
        case .transport(_, let underlying):
            WorkbenchError("\(underlying)")
        case .refused, .failed:
            WorkbenchError("\(port): \(error.description)")
        }
    }
}

/// The card transport through the module, remembering the first failure of the module itself
/// (silence, restart, the port): SIMReader keeps a broken-off read as incomplete, but a read the
/// module broke is not the card's, so it is not recorded at all.
final class ModuleFailureWatch: CardTransport {
    let transport: any CardTransport
    private(set) var moduleFailure: ATError?

    init(_ transport: any CardTransport) { self.transport = transport }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        do { return try transport.transmit(command) } catch let error as ATError {
            switch error {
            case .timeout, .moduleRestarted, .transport: moduleFailure = moduleFailure ?? error
            case .refused, .failed: break
            }
            throw error
        }
    }
}

/// An in-place acquisition record: the acquisition's own members, then `modem` beside them in
/// the same JSON object, so a reader of `custody.sim.acquisition/1` finds every member it knows.
struct InPlaceRecord: Encodable {
    var acquisition: SIMAcquisition
    var modem: ModemAccess

    private enum Keys: String, CodingKey { case modem }

    func encode(to encoder: any Encoder) throws {
        try acquisition.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(modem, forKey: .modem)
    }
}
