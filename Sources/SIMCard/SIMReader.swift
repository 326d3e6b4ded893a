import ByteText
import Crypto

/// One read of one SIM: who issued it, which network it belongs to, whether it is PIN-locked,
/// and (full scope) everything on it, with every raw byte and the transcript.
/// JSON schema: docs/ACQUISITION.md.
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
    /// Set when the examiner supplied a PIN (`--pin-env`): whether it was presented and how it went.
    public var pinPresentation: PINPresentation?
    public var scope: AcquisitionScope = .identity
    public var files: [FileReading] = []
    /// Full reads: what investigators look for first (SMS, contacts, location), from `files`.
    public var summary: AcquisitionSummary?
    /// Every exchange; `apduCount` counts those that reached the card.
    public var transcript: Transcript = Transcript()
    public var apduCount: Int = 0
    /// SHA-256 of the canonical content serialisation (docs/ACQUISITION.md): same card, same hash.
    public var contentSHA256: String = ""
    public var transcriptSHA256: String = ""
    /// False when the read stopped early (card pulled, reader gone, card answered garbage, a
    /// limit of `ReadLimits` reached) or a file was read with anomalies.
    public var complete: Bool = true
    public var incompleteReason: String?
    /// Paths of the files with `anomalies` (docs/ACQUISITION.md "Anomalies"); nil when none.
    public var anomalousFiles: [String]?

    public struct PINPresentation: Codable, Sendable, Hashable {
        public var presented: Bool
        public var outcome: String
    }

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

/// How much of the card to read.
public enum AcquisitionScope: String, Codable, Sendable {
    /// ATR, card type, applications, ICCID, IMSI with operator, PIN/PUK states.
    case identity
    /// Everything in `SIMFileTree`: SMS, phonebooks, location, network lists, service tables.
    case full
}

/// Reads a SIM: the identity walk, optionally the examiner's PIN, then (full scope) the whole
/// file tree. Never presents a PIN on its own; a transport failure ends the read and marks it
/// incomplete, keeping everything read before.
public struct SIMReader {
    public var operators: OperatorDirectory
    public var issuers: IssuerDirectory

    public init(operators: OperatorDirectory = .shared, issuers: IssuerDirectory = .shared) {
        self.operators = operators
        self.issuers = issuers
    }

    /// `limits` default to `ReadLimits.defaults(for: scope)`.
    public func read(transport: any CardTransport, atr: [UInt8], reader: String? = nil,
                     scope: AcquisitionScope = .identity, examinerPIN: ExaminerPIN? = nil, limits: ReadLimits? = nil) -> SIMAcquisition {
        let channel = SIMChannel(transport: transport, limits: limits ?? .defaults(for: scope))
        var acquisition = SIMAcquisition(reader: reader, atr: Hex.string(atr),
                                         atrProtocols: ATRInfo(atr).protocols.map { "T=\($0)" })
        acquisition.scope = scope
        let files = FileAccess(channel: channel)
        var walk = Walk(files: files, reader: self, examinerPIN: examinerPIN)
        do {
            try walk.identity()
            if scope == .full { try walk.fullTree() }
        } catch {
            acquisition.complete = false
            acquisition.incompleteReason = String(describing: error)
            if let partial = files.fileInProgress { walk.record(partial) }
        }
        acquisition.cardType = walk.cardType
        acquisition.pins = walk.pins
        acquisition.pinPresentation = walk.pinPresentation
        acquisition.files = walk.files.map { FileDecoding.decoded($0, content: walk.contents[$0.path]) }
        acquisition.applications = walk.applications.map { .init(aid: Hex.string($0.aid), label: $0.label, kind: $0.kind) }
        acquisition.iccid = iccidView(acquisition.files)
        acquisition.imsi = imsiView(acquisition.files)
        if scope == .full { acquisition.summary = AcquisitionSummary(files: acquisition.files, specs: walk.specs) }
        Self.flagAnomalies(&acquisition)
        acquisition.transcript = channel.transcript
        acquisition.apduCount = channel.transcript.sentCount
        acquisition.transcriptSHA256 = channel.transcript.sha256
        acquisition.contentSHA256 = Self.contentHash(files: acquisition.files, pins: acquisition.pins)
        return acquisition
    }

    /// A file read with anomalies makes the acquisition incomplete: a short or contradictory
    /// read is never stored or reported as a complete one.
    static func flagAnomalies(_ acquisition: inout SIMAcquisition) {
        let anomalous = acquisition.files.filter { $0.anomalies != nil }
        guard !anomalous.isEmpty else { return }
        acquisition.anomalousFiles = anomalous.map(\.path)
        let listed = anomalous.prefix(5).map { "\($0.name) \($0.path)" }.joined(separator: ", ") + (anomalous.count > 5 ? ", …" : "")
        let note = "\(anomalous.count) file(s) read with anomalies (\(listed)): the card's answers contradict its headers or carry warnings; every byte is kept; read the card again and compare, and examine the card for faults"
        acquisition.complete = false
        acquisition.incompleteReason = acquisition.incompleteReason.map { "\($0); also \(note)" } ?? note
    }

    /// The state of one read in progress.
    struct Walk {
        let reader: SIMReader
        let examinerPIN: ExaminerPIN?
        var cardType: CardDialect?
        var applications: [ApplicationTemplate] = []
        var pins: [PINState] = []
        var pinPresentation: SIMAcquisition.PINPresentation?
        /// Files in the order first met; a file read again (after the examiner's PIN) replaces its entry.
        private(set) var files: [FileReading] = []
        /// What each file whose read returned holds, for its decoded view: a file whose read a
        /// transport failure cut short is kept raw.
        var contents: [String: FileContent] = [:]
        /// The model's spec of each file the walk set out to read, by path, kept before the read:
        /// the summary takes a file's role from it, a partly read file's too.
        var specs: [String: ElementaryFileSpec] = [:]
        private var mfHeader: FileHeader?

        init(files: FileAccess, reader: SIMReader, examinerPIN: ExaminerPIN?) {
            self.reader = reader
            self.examinerPIN = examinerPIN
            self.accessor = files
        }

        private let accessor: FileAccess

        /// A file id as it appears in paths: 4 upper-case hex digits.
        static func hex(_ fid: UInt16) -> String { Hex.string([UInt8(fid >> 8), UInt8(fid & 0xFF)]) }

        mutating func record(_ reading: FileReading, content: FileContent? = nil) {
            if let content { contents[reading.path] = content }
            if let index = files.firstIndex(where: { $0.path == reading.path }) { files[index] = reading } else { files.append(reading) }
        }

        @discardableResult
        mutating func read(_ spec: ElementaryFileSpec, in directory: String) throws(SIMChannelError) -> FileReading {
            let path = "\(directory)/\(Self.hex(spec.fid))"
            if let done = files.first(where: { $0.path == path && $0.status == .read }) { return done }
            specs[path] = spec
            let reading = try accessor.readElementaryFile(spec.fid, name: spec.name, path: path)
            record(reading, content: spec.content)
            return reading
        }

        // MARK: identity

        mutating func identity() throws(SIMChannelError) {
            let iccid = try detectDialect()
            cardType = accessor.dialect
            record(try accessor.readSelectedFile(iccid, name: "EF.ICCID", path: "3F00/2FE2"), content: .iccid)
            switch accessor.dialect {
            case .uicc: try identityUICC()
            case .classicSIM: try identityClassic()
            }
        }

        /// Returns the answer to the SELECT of EF.ICCID, having learnt the card type on the way.
        /// `00 A4 08 04 02 2FE2` (EF.ICCID by path from the MF): a UICC answers with the file's
        /// FCP, so one command gives the card type and the ICCID header. A classic SIM rejects
        /// class 00 (6E00 or 6D00): `A0 A4 00 00 3F00` selects its MF (its header is kept for the
        /// CHV states should DF.GSM be missing), then EF.ICCID. A UICC that answers the path with
        /// anything else gets `00 A4 00 04 3F00` and EF.ICCID relative to the MF.
        private mutating func detectDialect() throws(SIMChannelError) -> ResponseAPDU {
            accessor.channel.dialect = .uicc
            let byPath = try accessor.select(path: [0x2FE2], fromMF: true)
            if byPath.status.isSuccess { return byPath }
            if byPath.status != .classNotSupported && byPath.status != .instructionNotSupported {
                let mf = try accessor.select(0x3F00)
                if mf.status.isSuccess {
                    mfHeader = try? FileHeader(decoding: mf.data[...], dialect: .uicc)
                    return try accessor.select(0x2FE2)
                }
            }
            accessor.channel.dialect = .classicSIM
            let mf = try accessor.select(0x3F00)
            mfHeader = try? FileHeader(decoding: mf.data[...], dialect: .classicSIM)
            return try accessor.select(0x2FE2)
        }

        /// EF.DIR (the MF is current after EF.ICCID), the USIM by AID (its FCP holds the PIN
        /// status template), the PIN queries, then EF.IMSI and EF.AD in the USIM, or in DF.GSM
        /// when there is no USIM (the MF's FCP then gives the template).
        private mutating func identityUICC() throws(SIMChannelError) {
            let dir = try read(.init("EF.DIR", 0x2F00, .applicationDirectory), in: "3F00")
            applications = (dir.records ?? []).compactMap { Hex.bytes($0) }.compactMap { try? ApplicationTemplate.decode(record: $0[...]) }
            var pinTemplate: PINStatusTemplate?
            var imsiDirectory: String?
            if let usim = applications.first(where: { $0.kind == .usim }) {
                let adf = try accessor.selectApplication(usim.aid)
                if adf.status.isSuccess {
                    imsiDirectory = "ADF.USIM"
                    pinTemplate = (try? FileHeader(decoding: adf.data[...], dialect: .uicc)).flatMap(SIMReader.pinTemplate)
                    if pinTemplate == nil, mfHeader == nil {
                        // An ADF without a PIN status template: the MF's says which PINs are
                        // enabled; the USIM is selected again (no FCP) for EF.IMSI and EF.AD.
                        mfHeader = try? FileHeader(decoding: try accessor.select(0x3F00).data[...], dialect: .uicc)
                        _ = try accessor.selectApplication(usim.aid, header: false)
                    }
                }
            }
            if imsiDirectory == nil {
                if mfHeader == nil {
                    let mf = try accessor.select(0x3F00)
                    mfHeader = try? FileHeader(decoding: mf.data[...], dialect: .uicc)
                }
                if try accessor.select(path: [0x7F20], fromMF: true, header: false).status.isSuccess { imsiDirectory = "3F00/7F20" }
            }
            pins = try SIMReader.queryUICCPINs(accessor.channel, template: pinTemplate ?? mfHeader.flatMap(SIMReader.pinTemplate))
            try presentExaminerPINIfAllowed()
            if let imsiDirectory {
                try read(.init("EF.IMSI", 0x6F07, .imsi), in: imsiDirectory)
                try read(.init("EF.AD", 0x6FAD, .administrativeData), in: imsiDirectory)
            }
        }

        /// DF.GSM from the MF (current after EF.ICCID): its header carries the CHV states.
        private mutating func identityClassic() throws(SIMChannelError) {
            let gsm = try accessor.select(0x7F20)
            var pinHeader = mfHeader
            if gsm.status.isSuccess, let header = try? FileHeader(decoding: gsm.data[...], dialect: .classicSIM) {
                pinHeader = header
            }
            if case .classic(let header)? = pinHeader { pins = SIMReader.classicPINs(header) }
            try presentExaminerPINIfAllowed()
            if gsm.status.isSuccess {
                try read(.init("EF.IMSI", 0x6F07, .imsi), in: "3F00/7F20")
                try read(.init("EF.AD", 0x6FAD, .administrativeData), in: "3F00/7F20")
            }
        }

        /// DESIGN.md rule 2: a PIN only when the examiner supplied it, once, and only while at
        /// least 2 tries remain; a wrong PIN is never retried.
        private mutating func presentExaminerPINIfAllowed() throws(SIMChannelError) {
            guard let pin = examinerPIN else { return }
            let pin1 = pins.first { $0.name == "PIN1" }
            guard pin1?.enabled != false else {
                pinPresentation = .init(presented: false, outcome: "not presented: PIN1 is disabled, nothing is protected by it")
                return
            }
            guard let tries = pin1?.remainingTries, tries >= 2 else {
                let left = pin1?.remainingTries.map { "\($0) tries left" } ?? "tries left unknown"
                pinPresentation = .init(presented: false, outcome: "not presented: \(left); Custody presents a PIN only while at least 2 tries remain")
                return
            }
            let status = try accessor.channel.presentExaminerPIN(pin)
            if status.isSuccess {
                pinPresentation = .init(presented: true, outcome: "accepted")
            } else {
                let left = status.remainingTries.map { "\($0) tries left" } ?? "status \(status.hex)"
                pinPresentation = .init(presented: true, outcome: "rejected (\(left)); not retried")
            }
            if let index = pins.firstIndex(where: { $0.name == "PIN1" }) {
                let after: Int? = status.isSuccess ? tries : (status.remainingTries ?? (status == .authenticationMethodBlocked || status == .simCHVBlocked ? 0 : nil))
                pins[index] = PINState(name: "PIN1", enabled: pins[index].enabled, remainingTries: after,
                                       source: pins[index].source + "; after the examiner's PIN: \(status.hex)")
            }
        }

        // MARK: full tree

        /// How a directory is reached: from the MF, or from an application selected by AID,
        /// along `path` (file ids below the MF or the application).
        struct Route {
            var aid: [UInt8]?
            var path: [UInt16]

            func appending(_ fid: UInt16) -> Route { Route(aid: aid, path: path + [fid]) }

            /// The high byte of EF ids one level below this directory (TS 102 221 §8.2):
            /// 2F under the MF, 6F under a first-level DF or an application, 4F deeper.
            var efSpace: UInt8 {
                if aid == nil { return path.isEmpty ? 0x2F : (path.count == 1 ? 0x6F : 0x4F) }
                return path.isEmpty ? 0x6F : 0x4F
            }
        }

        /// The MF's tree, then every application EF.DIR lists, each once: the USIM and the
        /// ISIM by their models, any other by AID as an unknown directory (its EF ids probed).
        mutating func fullTree() throws(SIMChannelError) {
            try walk(SIMFileTree.masterFile, route: Route(aid: nil, path: []), label: "3F00")
            var seen = Set<[UInt8]>()
            var labels = Set<String>()
            for application in applications where seen.insert(application.aid).inserted {
                let known: DirectorySpec? = switch application.kind {
                case .usim: SIMFileTree.usim
                case .isim: SIMFileTree.isim
                default: nil
                }
                let aidLabel = "ADF.\(Hex.string(application.aid))"
                let spec = known.flatMap { labels.contains($0.label) ? nil : $0 }
                    ?? .unknown(name: "ADF \(application.label ?? aidLabel) \(SIMFileTree.unmodelled)", label: aidLabel, fid: nil, efSpace: 0x6F)
                labels.insert(spec.label)
                try walk(spec, route: Route(aid: application.aid, path: []), label: spec.label)
            }
        }

        /// Selects the directory at `route` from the MF or the application, never relative to
        /// wherever the walker is, so that a failure in one directory cannot leave it elsewhere.
        /// UICC: one SELECT by path from the MF, or by AID; below an application one SELECT by
        /// path from the MF starting 7FFF, the current application's ADF (TS 102 221 §8.4.2):
        /// an application's tree is walked right after its SELECT by AID and nothing selects
        /// another AID meanwhile, so 7FFF is that application. Classic SIM (no path selection):
        /// the MF, then each DF in turn. `header` false: no FCP (UICC P2=0C).
        private func select(_ route: Route, header: Bool = true) throws(SIMChannelError) -> ResponseAPDU {
            guard accessor.dialect == .uicc else { return try accessor.select(path: [0x3F00] + route.path) }
            guard let aid = route.aid else {
                return route.path.isEmpty ? try accessor.select(0x3F00, header: header) : try accessor.select(path: route.path, fromMF: true, header: header)
            }
            if route.path.isEmpty { return try accessor.selectApplication(aid, header: header) }
            return try accessor.select(path: [Self.currentApplication] + route.path, fromMF: true, header: header)
        }

        /// The file id that stands for the current application's ADF in a path (TS 102 221 §8.4.2).
        static let currentApplication: UInt16 = 0x7FFF

        private mutating func walk(_ directory: DirectorySpec, route: Route, label: String) throws(SIMChannelError) {
            let selected = try select(route)
            // The directory's own header is kept like any file's (its FCP holds the PIN status
            // template, sizes, life cycle): the GET RESPONSE that fetched it is not wasted.
            var entry = FileReading(path: label, name: directory.name, status: FileAccess.status(for: selected.status), sw: selected.status.hex)
            if selected.status.isSuccess {
                entry.header = Hex.string(selected.data)
                entry.structure = .dedicatedFile
            }
            record(entry)
            guard selected.status.isSuccess else { return }
            // An application without a file system (an applet EF.DIR lists, answering with an
            // FCI rather than a DF's FCP) has nothing to walk: its answer is on record.
            if route.aid != nil, route.path.isEmpty,
               (try? FileHeader(decoding: selected.data[...], dialect: accessor.dialect))?.structure != .dedicatedFile { return }
            let declared = try declaredChildren(of: directory, route: route, selected: selected)
            for file in directory.files { try read(file, in: label) }
            if directory.fid == 0x5F3A { try followPhonebookReference(in: label) }
            for file in directory.withheld { try selectWithheld(file, in: label) }
            for child in directory.directories { try walk(child, under: route, label: label) }
            guard !directory.probe.isEmpty, !allChildrenFound(label: label, declared: declared) else { return }
            if !directory.directories.isEmpty || mayHaveLeftDirectory(label) { _ = try select(route, header: false) }
            for child in try probe(directory, route: route, label: label, declared: declared) {
                try walk(child, under: route, label: label)
            }
        }

        private mutating func walk(_ child: DirectorySpec, under route: Route, label: String) throws(SIMChannelError) {
            guard let fid = child.fid else { return }
            try walk(child, route: route.appending(fid), label: "\(label)/\(child.label)")
        }

        /// Whether the DF's declared counts of child DFs and EFs are all found
        /// (`extra` DFs found by the probe and not yet recorded count too).
        private func allChildrenFound(label: String, declared: (directories: Int, files: Int)?, extra: Int = 0) -> Bool {
            guard let declared else { return false }
            let children = files.filter { $0.status != .notFound && $0.path.hasPrefix(label + "/") && !$0.path.dropFirst(label.count + 1).contains("/") }
            let directories = children.filter { $0.structure == .dedicatedFile }.count
            return directories + extra >= declared.directories && children.count - directories >= declared.files
        }

        /// Whether the current DF may no longer be the directory `label` after its modelled
        /// files were selected: selecting an EF leaves the current DF where it is, so only a
        /// child that answered with a DF's header (or one that does not decode) can have moved it.
        private func mayHaveLeftDirectory(_ label: String) -> Bool {
            files.contains { file in
                file.header != nil && file.path.hasPrefix(label + "/") && !file.path.dropFirst(label.count + 1).contains("/")
                    && ![.transparent, .linearFixed, .cyclic, .berTLV].contains(file.structure)
            }
        }

        /// Whether the UICC answers class A0 (a dual-mode card, TS 51.011 too): nil until a
        /// classic STATUS was sent, false once one was not answered with the directory's header.
        private var answersClassicStatus: Bool?

        /// A DF's counts of its child DFs and EFs (TS 51.011 §9.2.1 bytes 15 and 16), which tell
        /// the probe when nothing is left to find; nil when the card does not give them.
        /// Classic SIM: from the header its SELECT returned. UICC (an FCP has no such count):
        /// only for a DF below the MF that has probe windows, and only while the directory is
        /// current (just selected), one classic STATUS (`A0 F2 00 00 16`, read-only, in the
        /// transcript like every command), which a dual-mode card answers with the current DF's
        /// classic header. The counts are used only if that header names the directory itself
        /// (a card keeping apart its class A0 and class 00 current files answers another DF's);
        /// the first STATUS not answered so (6E00 from a UICC-only card) ends the attempts.
        private mutating func declaredChildren(of directory: DirectorySpec, route: Route,
                                               selected: ResponseAPDU) throws(SIMChannelError) -> (directories: Int, files: Int)? {
            guard let fid = directory.fid, !directory.probe.isEmpty else { return nil }
            guard accessor.dialect == .uicc else { return Self.childCounts(selected.data, of: fid) }
            guard route.aid == nil, answersClassicStatus != false else { return nil }
            let status = try accessor.classicStatus()
            let counts = status.status.isSuccess ? Self.childCounts(status.data, of: fid) : nil
            answersClassicStatus = counts != nil
            return counts
        }

        /// Bytes 15 and 16 of a classic MF or DF header (TS 51.011 §9.2.1) whose file id
        /// (bytes 5 and 6) is `fid` and whose type (byte 7) is MF (01) or DF (02).
        static func childCounts(_ header: [UInt8], of fid: UInt16) -> (directories: Int, files: Int)? {
            guard header.count >= 16, UInt16(header[4]) << 8 | UInt16(header[5]) == fid, [0x01, 0x02].contains(header[6]) else { return nil }
            return (Int(header[14]), Int(header[15]))
        }

        /// Selects each id of the directory's probe ranges that the model does not name. An id
        /// answered "not found" leaves no entry; an EF is read raw with its header (name
        /// `EF xxxx (not in the model)`); a DF is returned, to be walked as an unknown directory
        /// (the current directory is selected again before probing on). Where the DF's counts of
        /// child DFs and EFs are known (`declaredChildren`), the probe stops once all are found.
        private mutating func probe(_ directory: DirectorySpec, route: Route, label: String,
                                    declared: (directories: Int, files: Int)?) throws(SIMChannelError) -> [DirectorySpec] {
            let skip = directory.modelledIDs
            var unknown: [DirectorySpec] = []
            for fid in directory.probe.joined() where !skip.contains(fid) {
                if allChildrenFound(label: label, declared: declared, extra: unknown.count) { break }
                let path = "\(label)/\(Self.hex(fid))"
                let selected = try accessor.select(fid)
                // Cards answer an id they do not have with 6A82/9404, some with 6A86 or 6B00: only
                // a file that exists (selected, or refused for want of a PIN) is recorded.
                guard selected.status.isSuccess || selected.status.isSecurityNotSatisfied else { continue }
                let header = try? FileHeader(decoding: selected.data[...], dialect: accessor.dialect)
                if selected.status.isSuccess, header?.structure == .dedicatedFile {
                    let name = "DF \(Self.hex(fid)) \(SIMFileTree.unmodelled)"
                    unknown.append(.unknown(name: name, label: String(path.dropFirst(label.count + 1)), fid: fid, efSpace: route.appending(fid).efSpace))
                    _ = try select(route, header: false)
                    continue
                }
                let name = "EF \(Self.hex(fid)) \(SIMFileTree.unmodelled)"
                record(try accessor.readSelectedFile(selected, name: name, path: path), content: .raw)
            }
            return unknown
        }

        /// A file the model marks as holding secrets: SELECT only, so that its existence and
        /// header are on record; its content is never read.
        private mutating func selectWithheld(_ spec: ElementaryFileSpec, in directory: String) throws(SIMChannelError) {
            let selected = try accessor.select(spec.fid)
            var entry = FileReading(path: "\(directory)/\(Self.hex(spec.fid))", name: spec.name,
                                    status: selected.status.isSuccess ? .withheld : FileAccess.status(for: selected.status), sw: selected.status.hex)
            if selected.status.isSuccess {
                entry.header = Hex.string(selected.data)
                entry.structure = (try? FileHeader(decoding: selected.data[...], dialect: accessor.dialect))?.structure
            }
            record(entry)
        }

        /// EF.PBR lists the phonebook's files (TS 31.102 §4.4.2.1); read each in DF.PHONEBOOK.
        private mutating func followPhonebookReference(in label: String) throws(SIMChannelError) {
            guard let pbr = files.first(where: { $0.path == "\(label)/4F30" }), pbr.status == .read else { return }
            let references = (pbr.records ?? []).compactMap(Hex.bytes).compactMap { try? PhonebookReference(decoding: $0[...]) }
            var seen = Set<UInt16>()
            for entry in references.flatMap(\.files) where seen.insert(entry.fid).inserted {
                try read(SIMFileTree.phonebookFile(entry), in: label)
            }
        }
    }

    func iccidView(_ files: [FileReading]) -> SIMAcquisition.ICCIDView? {
        guard let bytes = files.first(where: { $0.path == "3F00/2FE2" })?.contentBytes,
              let iccid = try? ICCID(decoding: bytes[...]) else { return nil }
        return .init(digits: iccid.digits, luhnValid: iccid.luhnValid, issuer: issuers.issuer(for: iccid))
    }

    /// The IMSI from ADF.USIM if read there, else DF.GSM, split with EF.AD of the same directory.
    func imsiView(_ files: [FileReading]) -> SIMAcquisition.IMSIView? {
        let candidates = ["ADF.USIM", "3F00/7F20"].compactMap { dir in files.first { $0.path == "\(dir)/6F07" }.map { (dir, $0) } }
        guard let (directory, imsiFile) = candidates.first(where: { $0.1.status == .read }) ?? candidates.first else { return nil }
        let adFile = files.first { $0.path == "\(directory)/6FAD" }
        var view = SIMAcquisition.IMSIView(state: .failed, path: imsiFile.path)
        switch imsiFile.status {
        case .protected: view.state = .pinRequired
        case .notFound: view.state = .notFound
        case .failed, .interrupted, .withheld: view.state = .failed
        case .read:
            do throws(DecodeError) {
                let imsi = try IMSI(decoding: (imsiFile.contentBytes ?? [])[...])
                let ad = adFile?.contentBytes.flatMap { try? AdministrativeData(decoding: $0[...]) }
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
        return view
    }

    static func pinTemplate(_ header: FileHeader) -> PINStatusTemplate? {
        if case .fcp(let fcp) = header { return fcp.pinStatus }
        return nil
    }

    /// VERIFY and UNBLOCK PIN without data (TS 102 221 §11.1.9, §11.1.13) answer 63Cx or
    /// 6983 without using a try; the FCP PIN status template says enabled or disabled.
    static func queryUICCPINs(_ channel: SIMChannel, template: PINStatusTemplate?) throws(SIMChannelError) -> [PINState] {
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
        return Hex.lowercase(SHA256.hash(data: Array(text.utf8)))
    }
}

extension SIMAcquisition {
    /// A read that never reached the card: the reader saw it (ATR) but could not connect.
    /// Batch reading stores it so the attempt is on record and the card is on the retry list.
    public static func notConnected(reader: String, atr: [UInt8], scope: AcquisitionScope, reason: String) -> SIMAcquisition {
        var acquisition = SIMAcquisition(reader: reader, atr: Hex.string(atr), atrProtocols: ATRInfo(atr).protocols.map { "T=\($0)" })
        acquisition.scope = scope
        acquisition.complete = false
        acquisition.incompleteReason = reason
        acquisition.transcriptSHA256 = acquisition.transcript.sha256
        acquisition.contentSHA256 = SIMReader.contentHash(files: [], pins: [])
        return acquisition
    }
}
