import Crypto

/// The first thing a technician reads off a seized SIM: who issued it, which network it
/// belongs to, whether it is PIN-locked. JSON schema: docs/ACQUISITION.md ("ID read").
public struct SIMAcquisition: Codable, Sendable {
    public static let schema = "custody.sim.acquisition/1"
    public var schema: String = SIMAcquisition.schema
    public var reader: String?
    public var atr: String
    public var atrProtocols: [String]
    public var cardType: CardDialect?
    public var applications: [Application] = []
    public var iccid: ICCIDView?
    public var imsi: IMSIView?
    public var pins: [PINState] = []
    public var files: [FileReading] = []
    /// Every exchange; `apduCount` counts those that reached the card.
    public var transcript: Transcript = Transcript()
    public var apduCount: Int = 0
    /// SHA-256 of the canonical content serialisation (docs/ACQUISITION.md): same card, same hash.
    public var contentSHA256: String = ""
    public var transcriptSHA256: String = ""
    /// False when the read stopped early (card pulled, reader gone, card answered garbage).
    public var complete: Bool = true
    public var incompleteReason: String?

    public struct Application: Codable, Sendable, Hashable {
        public var aid: String
        public var label: String?
        public var kind: ApplicationKind
    }

    public struct ICCIDView: Codable, Sendable, Hashable {
        public var digits: String
        public var luhnValid: Bool
        public var issuer: SIMIssuer?
    }

    public struct IMSIView: Codable, Sendable, Hashable {
        public enum State: String, Codable, Sendable {
            case read, pinRequired, notFound, failed
        }
        public var state: State
        /// Where the IMSI was read: `ADF.USIM/6F07` or `3F00/7F20/6F07`.
        public var path: String
        public var digits: String?
        public var mcc: String?
        public var mnc: String?
        /// "EF.AD", "operator table" or "assumed 2 digits".
        public var mncLengthSource: String?
        public var operatorInfo: NetworkOperator?
        public var decodeError: String?

        enum CodingKeys: String, CodingKey {
            case state, path, digits, mcc, mnc, mncLengthSource, decodeError
            case operatorInfo = "operator"
        }
    }
}

/// Reads a card's identity: type, applications, ICCID, IMSI with operator, PIN/PUK states.
/// Never presents a PIN; a transport failure ends the read and marks it incomplete.
public struct SIMReader {
    public var operators: OperatorDirectory
    public var issuers: IssuerDirectory

    public init(operators: OperatorDirectory = .shared, issuers: IssuerDirectory = .shared) {
        self.operators = operators
        self.issuers = issuers
    }

    public func read(transport: any CardTransport, atr: [UInt8], reader: String? = nil) -> SIMAcquisition {
        let channel = SIMChannel(transport: transport)
        var identity = SIMAcquisition(reader: reader, atr: Hex.string(atr),
                                   atrProtocols: ATRInfo(atr).protocols.map { "T=\($0)" })
        let files = FileAccess(channel: channel)
        do {
            try walk(files, into: &identity)
        } catch {
            identity.complete = false
            identity.incompleteReason = String(describing: error)
            if let partial = files.fileInProgress { identity.files.append(partial) }
        }
        identity.transcript = channel.transcript
        identity.apduCount = channel.transcript.sentCount
        identity.transcriptSHA256 = channel.transcript.sha256
        identity.contentSHA256 = Self.contentHash(files: identity.files, pins: identity.pins)
        return identity
    }

    private func walk(_ files: FileAccess, into identity: inout SIMAcquisition) throws(SIMChannelError) {
        let mf = try detectDialect(files)
        identity.cardType = files.dialect
        let mfHeader = try? FileHeader(decoding: mf.data[...], dialect: files.dialect)

        let iccidFile = try files.readElementaryFile(0x2FE2, name: "EF.ICCID", path: "3F00/2FE2")
        identity.files.append(iccidFile)
        if let bytes = iccidFile.contentBytes, let iccid = try? ICCID(decoding: bytes[...]) {
            identity.iccid = .init(digits: iccid.digits, luhnValid: iccid.luhnValid, issuer: issuers.issuer(for: iccid))
        }

        switch files.dialect {
        case .uicc: try walkUICC(files, mfHeader: mfHeader, into: &identity)
        case .classicSIM: try walkClassic(files, mfHeader: mfHeader, into: &identity)
        }
    }

    /// `00 A4 00 04 3F00`: a UICC answers with an FCP; a classic SIM rejects class 00 (6E00 or
    /// 6D00), and then `A0 A4 00 00 3F00` selects its MF.
    private func detectDialect(_ files: FileAccess) throws(SIMChannelError) -> ResponseAPDU {
        files.channel.dialect = .uicc
        let uiccAnswer = try files.select(0x3F00)
        if uiccAnswer.status.isSuccess { return uiccAnswer }
        files.channel.dialect = .classicSIM
        return try files.select(0x3F00)
    }

    private func walkUICC(_ files: FileAccess, mfHeader: FileHeader?, into identity: inout SIMAcquisition) throws(SIMChannelError) {
        let dir = try files.readElementaryFile(0x2F00, name: "EF.DIR", path: "3F00/2F00")
        identity.files.append(dir)
        let apps = (dir.records ?? []).compactMap { Hex.bytes($0) }.compactMap { try? ApplicationTemplate.decode(record: $0[...]) }
        identity.applications = apps.map { .init(aid: Hex.string($0.aid), label: $0.label, kind: $0.kind) }

        var pinTemplate = mfHeader.flatMap(Self.pinTemplate)
        if let usim = apps.first(where: { $0.kind == .usim }) {
            let adf = try files.selectApplication(usim.aid)
            if adf.status.isSuccess {
                if let template = (try? FileHeader(decoding: adf.data[...], dialect: .uicc)).flatMap(Self.pinTemplate) {
                    pinTemplate = template
                }
                try readIMSI(files, prefix: "ADF.USIM", into: &identity)
            }
        }
        if identity.imsi == nil {
            _ = try files.select(0x3F00)
            if try files.select(0x7F20).status.isSuccess {
                try readIMSI(files, prefix: "3F00/7F20", into: &identity)
            }
        }
        identity.pins = try queryUICCPINs(files.channel, template: pinTemplate)
    }

    private func walkClassic(_ files: FileAccess, mfHeader: FileHeader?, into identity: inout SIMAcquisition) throws(SIMChannelError) {
        _ = try files.select(0x3F00)
        let gsm = try files.select(0x7F20)
        var pinHeader = mfHeader
        if gsm.status.isSuccess {
            if let header = try? FileHeader(decoding: gsm.data[...], dialect: .classicSIM) { pinHeader = header }
            try readIMSI(files, prefix: "3F00/7F20", into: &identity)
        }
        if case .classic(let header)? = pinHeader { identity.pins = Self.classicPINs(header) }
    }

    /// Reads EF.IMSI and EF.AD in the selected DF/ADF and splits the IMSI into MCC and MNC.
    private func readIMSI(_ files: FileAccess, prefix: String, into identity: inout SIMAcquisition) throws(SIMChannelError) {
        let imsiFile = try files.readElementaryFile(0x6F07, name: "EF.IMSI", path: "\(prefix)/6F07")
        let adFile = try files.readElementaryFile(0x6FAD, name: "EF.AD", path: "\(prefix)/6FAD")
        identity.files += [imsiFile, adFile]
        var view = SIMAcquisition.IMSIView(state: .failed, path: imsiFile.path)
        switch imsiFile.status {
        case .protected: view.state = .pinRequired
        case .notFound: view.state = .notFound
        case .failed, .interrupted: view.state = .failed
        case .read:
            do throws(DecodeError) {
                let imsi = try IMSI(decoding: (imsiFile.contentBytes ?? [])[...])
                let ad = adFile.contentBytes.flatMap { try? AdministrativeData(decoding: $0[...]) }
                let (length, source): (Int, String) =
                    if let fromAD = ad?.mncLength { (fromAD, "EF.AD") }
                    else if let fromTable = operators.mncLength(forIMSI: imsi) { (fromTable, "operator table") }
                    else { (2, "assumed 2 digits") }
                view.state = .read
                view.digits = imsi.digits
                view.mcc = imsi.mcc
                view.mnc = imsi.mnc(length: length)
                view.mncLengthSource = source
                view.operatorInfo = operators.lookup(mcc: imsi.mcc, mnc: imsi.mnc(length: length))
            } catch {
                view.decodeError = error.description
            }
        }
        identity.imsi = view
    }

    static func pinTemplate(_ header: FileHeader) -> PINStatusTemplate? {
        if case .fcp(let fcp) = header { return fcp.pinStatus }
        return nil
    }

    /// VERIFY and UNBLOCK PIN without data (TS 102 221 §11.1.9, §11.1.13) answer 63Cx or
    /// 6983 without using a try; the FCP PIN status template says enabled or disabled.
    private func queryUICCPINs(_ channel: SIMChannel, template: PINStatusTemplate?) throws(SIMChannelError) -> [PINState] {
        let queries: [(name: String, ins: Instruction, keyReference: UInt8)] = [
            ("PIN1", .verify, 0x01), ("PIN2", .verify, 0x81), ("PUK1", .unblockPIN, 0x01), ("PUK2", .unblockPIN, 0x81),
        ]
        var states: [PINState] = []
        for query in queries {
            let answer = try channel.send(CommandAPDU(cla: 0x00, ins: query.ins.rawValue, p1: 0x00, p2: query.keyReference))
            let tries: Int? = answer.status == .authenticationMethodBlocked ? 0 : answer.status.remainingTries
            let enabled = query.ins == .verify ? template?.isEnabled(keyReference: query.keyReference) : nil
            var source = "\(query.ins.name) without data: \(answer.status.hex)"
            if enabled != nil { source += "; FCP PIN status template" }
            states.append(PINState(name: query.name, enabled: enabled, remainingTries: tries, source: source))
        }
        return states
    }

    /// Classic SIM: the DF header carries CHV1 enabled (byte 14 bit 8) and the four counters
    /// (bytes 19 to 22, TS 51.011 §9.2.1); no command is needed.
    static func classicPINs(_ header: ClassicFileHeader) -> [PINState] {
        let source = "GSM DF header (GET RESPONSE)"
        func state(_ name: String, _ status: CHVStatus?, enabled: Bool?) -> PINState {
            PINState(name: name, enabled: enabled, remainingTries: status?.remainingTries, source: source)
        }
        return [
            state("PIN1", header.chv1, enabled: header.chv1Enabled),
            state("PIN2", header.chv2, enabled: nil),
            state("PUK1", header.unblockCHV1, enabled: nil),
            state("PUK2", header.unblockCHV2, enabled: nil),
        ]
    }

    /// SHA-256 (hex) over the canonical content serialisation of docs/ACQUISITION.md: files
    /// sorted by path, then PIN states in a fixed order. Times are not part of it.
    public static func contentHash(files: [FileReading], pins: [PINState]) -> String {
        var lines = files.sorted { $0.path < $1.path }.map(\.canonicalLine)
        lines += pins.map { pin in
            ["PIN", pin.name, pin.enabled.map { $0 ? "enabled" : "disabled" } ?? "",
             pin.remainingTries.map(String.init) ?? ""].joined(separator: "|")
        }
        let text = lines.map { $0 + "\n" }.joined()
        return Hex.string(Array(SHA256.hash(data: Array(text.utf8)))).lowercased()
    }
}
