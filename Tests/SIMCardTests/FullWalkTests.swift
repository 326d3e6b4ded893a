import ByteText
import Testing
@testable import SIMCard

/// A UICC held in memory, answering T=1 style (data + 9000), with just what the walker uses:
/// SELECT by file id (children, the MF, siblings of the current DF), by AID, by path from the
/// MF (P1 08) or from the current DF (P1 09), a path starting 7FFF at the current application,
/// P2 04 or 0C; READ BINARY, READ RECORD, and the PIN queries. A dual-mode card (`dualMode`)
/// also answers a class A0 STATUS with the current DF's classic header (its child DF and EF
/// counts, ADFs not counted); other class A0 commands, and any on a UICC-only card, get 6E00.
/// Every command is kept, to check what was and was not sent.
final class MemoryUICC: CardTransport {
    final class Node {
        let fid: UInt16?
        let aid: [UInt8]
        var children: [Node] = []
        weak var parent: Node?
        let content: [UInt8]?
        let records: [[UInt8]]?
        let readable: Bool
        /// How often the card made this node current, and was asked to read it.
        var selections = 0
        var reads = 0

        init(fid: UInt16?, aid: [UInt8] = [], content: [UInt8]? = nil, records: [[UInt8]]? = nil, readable: Bool = true, _ children: [Node] = []) {
            self.fid = fid; self.aid = aid; self.content = content; self.records = records; self.readable = readable
            self.children = children
            for child in children { child.parent = self }
        }

        var isDirectory: Bool { content == nil && records == nil }
        /// The PIN status template (C6) of an MF or ADF FCP: PIN1 enabled in an ADF, disabled in
        /// the MF (so a test can tell which one the reader used); nil for none.
        var pin1Enabled: Bool?

        var fcp: [UInt8] {
            if isDirectory {
                let template = pin1Enabled.map { PINStatusTemplate(entries: [KeyReferenceStatus(keyReference: 0x01, enabled: $0)]) }
                return FileControlParameters(structure: .dedicatedFile, fileID: fid, dfName: aid.isEmpty ? nil : aid, pinStatus: template).encoded
            }
            if let records {
                return FileControlParameters(structure: .linearFixed, fileID: fid, recordLength: records[0].count,
                                             recordCount: records.count, fileSize: records.count * records[0].count).encoded
            }
            return FileControlParameters(structure: .transparent, fileID: fid, fileSize: content!.count).encoded
        }
    }

    static func ef(_ fid: UInt16, _ content: String, readable: Bool = true) -> Node { Node(fid: fid, content: hex(content), readable: readable) }
    static func records(_ fid: UInt16, _ records: [String]) -> Node { Node(fid: fid, records: records.map(hex)) }
    static func df(_ fid: UInt16, _ children: [Node]) -> Node { Node(fid: fid, children) }

    let mf: Node
    var dualMode = false
    private var currentDF: Node
    private var currentEF: Node?
    private var currentApplication: Node?
    private(set) var commands: [[UInt8]] = []

    init(_ children: [Node]) {
        mf = Node(fid: 0x3F00, children)
        mf.pin1Enabled = false
        for adf in children where !adf.aid.isEmpty && adf.pin1Enabled == nil { adf.pin1Enabled = true }
        currentDF = mf
    }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        commands.append(command)
        let apdu = try CommandAPDU(parsing: command[...])
        if apdu.cla == CardDialect.classicSIM.classByte {
            guard dualMode, apdu.instruction == .status else { return [0x6E, 0x00] }
            return classicHeader(currentDF) + [0x90, 0x00]
        }
        switch apdu.instruction {
        case .select: return select(apdu)
        case .readBinary:
            guard let ef = currentEF, let content = ef.content else { return [0x69, 0x86] }
            ef.reads += 1
            guard ef.readable else { return [0x69, 0x82] }
            let offset = Int(apdu.p1) << 8 | Int(apdu.p2)
            return Array(content[offset..<min(content.count, offset + Int(apdu.le ?? 0))]) + [0x90, 0x00]
        case .readRecord:
            guard let ef = currentEF, let records = ef.records else { return [0x69, 0x86] }
            ef.reads += 1
            guard ef.readable else { return [0x69, 0x82] }
            return records[Int(apdu.p1) - 1] + [0x90, 0x00]
        case .verify, .unblockPIN: return [0x63, 0xC3]
        default: return [0x6D, 0x00]
        }
    }

    private func select(_ apdu: CommandAPDU) -> [UInt8] {
        let ids = stride(from: 0, to: apdu.data.count - 1, by: 2).map { UInt16(apdu.data[$0]) << 8 | UInt16(apdu.data[$0 + 1]) }
        let target: Node?
        switch apdu.p1 {
        case 0x00: target = ids[0] == 0x3F00 ? mf : child(ids[0], of: currentDF) ?? currentDF.parent.flatMap { child(ids[0], of: $0) }
        case 0x04: target = mf.children.first { !$0.aid.isEmpty && $0.aid.starts(with: apdu.data) }
        case 0x08: target = walk(ids, from: mf)
        case 0x09: target = walk(ids, from: currentDF)
        default: target = nil
        }
        guard let node = target else { return [0x6A, 0x82] }
        node.selections += 1
        if apdu.p1 == 0x04 { currentApplication = node }
        if node.isDirectory { currentDF = node; currentEF = nil } else { currentEF = node; currentDF = node.parent ?? mf }
        return (apdu.p2 == 0x0C ? [] : node.fcp) + [0x90, 0x00]
    }

    private func child(_ fid: UInt16, of node: Node) -> Node? { node.children.first { $0.fid == fid } }

    private func walk(_ ids: [UInt16], from start: Node) -> Node? {
        var node: Node? = start
        for (index, fid) in ids.enumerated() {
            node = index == 0 && fid == 0x7FFF ? currentApplication : node.flatMap { child(fid, of: $0) }
        }
        return node
    }

    func classicHeader(_ directory: Node) -> [UInt8] {
        var header = ClassicFileHeader.directory(kind: directory === mf ? .masterFile : .dedicatedFile, fileID: directory.fid ?? 0,
                                                 chv1Enabled: false, chv1: .init(initialised: true, remainingTries: 3),
                                                 unblockCHV1: .init(initialised: true, remainingTries: 10),
                                                 chv2: .init(initialised: true, remainingTries: 3),
                                                 unblockCHV2: .init(initialised: true, remainingTries: 10)).raw
        header[14] = UInt8(directory.children.filter { $0.isDirectory && $0.aid.isEmpty }.count)
        header[15] = UInt8(directory.children.filter { !$0.isDirectory }.count)
        return header
    }

    /// File ids of every SELECT by file id (P1 00) sent.
    var selectedIDs: [UInt16] {
        commands.filter { $0[1] == 0xA4 && $0[2] == 0x00 && $0.count >= 7 }.map { UInt16($0[5]) << 8 | UInt16($0[6]) }
    }
}

@Suite struct FullWalkTests {
    static let usimAID = "A0000000871002FF84FF1289060100FF"
    static let isimAID = "A0000000871004FF84FF1289060100FF"

    static func card() -> MemoryUICC {
        let dir = [usimAID, isimAID].map { ApplicationTemplate(aid: hex($0)).encodedRecord(length: 32) }.map(Hex.string)
        return MemoryUICC([
            MemoryUICC.ef(0x2FE2, "98485032100000103244"),
            MemoryUICC.records(0x2F00, dir),
            MemoryUICC.ef(0x2FF3, "C0FFEE"),                                          // proprietary, in the MF window
            MemoryUICC.df(0x7F66, [MemoryUICC.ef(0x6F42, "0102"), MemoryUICC.records(0x6F99, ["AA", "BB"])]),   // unknown DF
            MemoryUICC.df(0x7F10, [MemoryUICC.records(0x6F3A, ["FFFFFFFF"])]),
            MemoryUICC.Node(fid: nil, aid: hex(usimAID), [
                MemoryUICC.ef(0x6F07, "084925500900000040"),
                MemoryUICC.ef(0x6FAD, "00000002"),
                MemoryUICC.ef(0x6F08, "0711111111"),                                  // EF.Keys: withheld
                MemoryUICC.ef(0x6FC5, "430C84D67499EE0EB7DFE234BB0C45058456675308FFFF"),   // EF.PNN
                MemoryUICC.ef(0x6F57, "00", readable: false),                         // EF.ACL: needs PIN2
                MemoryUICC.df(0x5FC0, [MemoryUICC.ef(0x4F01, "00112233")]),           // DF.5GS
            ]),
            MemoryUICC.Node(fid: nil, aid: hex(isimAID), [
                MemoryUICC.ef(0x6F02, "8006757365724066FFFF"),                        // EF.IMPI "user@f"
            ]),
        ])
    }

    static func fullRead(_ card: MemoryUICC) -> SIMAcquisition {
        SIMReader().read(transport: card, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"), scope: .full)
    }

    @Test func readsEveryFileTheCardShowsAndOnlyThose() throws {
        let card = Self.card()
        let acquisition = Self.fullRead(card)
        #expect(acquisition.complete, "\(acquisition.incompleteReason ?? "")")
        func file(_ path: String) -> FileReading? { acquisition.files.first { $0.path == path } }
        #expect(file("3F00/2FF3")?.status == .read)
        #expect(file("3F00/2FF3")?.name == "EF 2FF3 (not in the model)")
        #expect(file("3F00/2FF3")?.content == "C0FFEE")
        #expect(file("3F00/7F66")?.structure == .dedicatedFile, "a DF found by the probe is walked")
        #expect(file("3F00/7F66/6F42")?.content == "0102", "its EF id space is probed")
        #expect(file("3F00/7F66/6F99")?.records == ["AA", "BB"])
        #expect(file("ADF.USIM/5FC0/4F01")?.content == "00112233", "DF.5GS is in the model")
        #expect(file("ADF.ISIM/6F02")?.status == .read, "the ISIM EF.DIR lists is walked")
        #expect(file("ADF.USIM/6F57")?.status == .protected)
        let keys = try #require(file("ADF.USIM/6F08"))
        #expect(keys.status == .withheld)
        #expect(keys.header != nil && keys.content == nil, "a withheld file is selected, never read")
        let keysNode = try #require(card.mf.children.first { $0.aid == hex(Self.usimAID) }?.children.first { $0.fid == 0x6F08 })
        #expect(keysNode.selections == 1 && keysNode.reads == 0, "selected once for its header, never read, never probed")

        let coverage = try #require(acquisition.summary?.coverage)
        let efs = acquisition.files.filter { $0.status != .notFound && $0.structure != .dedicatedFile }
        #expect(coverage.filesFound == efs.count)
        #expect(coverage.filesRead == efs.filter { $0.status == .read }.count)
        #expect(coverage.filesNotInModel == 3)
        #expect(Set(coverage.notRead.map(\.path)) == ["ADF.USIM/6F57", "ADF.USIM/6F08"])
        #expect(coverage.notRead.first { $0.path == "ADF.USIM/6F57" }?.sw == "6982")
        #expect(coverage.directoriesFound == 6, "MF, DF.TELECOM, DF 7F66, ADF.USIM, its DF.5GS, ADF.ISIM")
    }

    @Test func anApplicationWithoutAFileSystemIsRecordedNotProbed() throws {
        let applet = "A00000015141434C00"
        final class AppletAnswering: CardTransport {
            let card: MemoryUICC
            let aid: [UInt8]
            /// Commands sent after the applet was selected.
            var afterApplet: Int?
            init(_ card: MemoryUICC, aid: [UInt8]) { self.card = card; self.aid = aid }
            func transmit(_ command: [UInt8]) throws -> [UInt8] {
                afterApplet = afterApplet.map { $0 + 1 }
                // SELECT by AID of the applet: an FCI (6F), not a DF's FCP.
                if command.count > 5, command[1] == 0xA4, command[2] == 0x04, Array(command[5...]).starts(with: aid) {
                    afterApplet = 0
                    return [0x6F, 0x03, 0x84, 0x01, 0x00, 0x90, 0x00]
                }
                return try card.transmit(command)
            }
        }
        let dir = [Self.usimAID, applet].map { ApplicationTemplate(aid: hex($0)).encodedRecord(length: 32) }.map(Hex.string)
        let card = MemoryUICC([MemoryUICC.ef(0x2FE2, "98485032100000103244"), MemoryUICC.records(0x2F00, dir),
                               MemoryUICC.Node(fid: nil, aid: hex(Self.usimAID), [MemoryUICC.ef(0x6F07, "084925500900000040")])])
        let transport = AppletAnswering(card, aid: hex(applet))
        let acquisition = SIMReader().read(transport: transport, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"), scope: .full)
        let entry = try #require(acquisition.files.first { $0.path == "ADF.\(applet)" })
        #expect(entry.status == .read && entry.header == "6F03840100")
        #expect(transport.afterApplet == 0, "no file of an applet is looked for")
    }

    @Test func decodesTheNewFiles() throws {
        let acquisition = Self.fullRead(Self.card())
        let pnn = try #require(acquisition.files.first { $0.path == "ADF.USIM/6FC5" })
        #expect(pnn.decodeErrors == nil)
        let impi = try #require(acquisition.files.first { $0.path == "ADF.ISIM/6F02" })
        #expect(impi.decoded?.json == .object(["text": .string("user@f")]))
    }

    @Test func probesOnlyTheDeclaredWindowsAndNeverASecretOrReservedID() {
        let card = Self.card()
        _ = Self.fullRead(card)
        let probed = Set(card.selectedIDs)
        let windows = [SIMFileTree.masterFile, SIMFileTree.telecom, SIMFileTree.usim, SIMFileTree.isim].flatMap(\.probe) + [0x6F00...0x6FFF]
        let modelled = [SIMFileTree.masterFile, SIMFileTree.telecom, SIMFileTree.gsm, SIMFileTree.usim, SIMFileTree.isim].reduce(into: Set<UInt16>()) {
            func ids(_ d: DirectorySpec) -> Set<UInt16> { d.modelledIDs.union(d.directories.flatMap(ids)) }
            $0.formUnion(ids($1))
        }
        let outside = probed.filter { id in !modelled.contains(id) && !windows.contains { $0.contains(id) } && id != 0x3F00 }
        #expect(outside.isEmpty, "selected outside the model and the probe windows: \(outside.map { String($0, radix: 16) })")
        #expect(!card.selectedIDs.contains(0x7FFF) && !card.selectedIDs.contains(0x3FFF))
        #expect(card.commands.allSatisfy { ReadOnlyPolicy.isAllowed(try! CommandAPDU(parsing: $0[...])) })
    }

    @Test func sameCardTwiceGivesTheSameContentHash() {
        #expect(Self.fullRead(Self.card()).contentSHA256 == Self.fullRead(Self.card()).contentSHA256)
    }

    static let classicStatus = "A0F2000016"

    /// Issue 13: a dual-mode UICC answers a classic STATUS with each DF's child counts (TS
    /// 51.011 §9.2.1), which end the probe as on a classic SIM; the same files are found.
    @Test func aDualModeUICCsChildCountsEndTheProbeWithTheSameFilesFound() {
        let uiccOnly = Self.card()
        let dual = Self.card()
        dual.dualMode = true
        let withoutCounts = Self.fullRead(uiccOnly)
        let withCounts = Self.fullRead(dual)
        #expect(withCounts.complete, "\(withCounts.incompleteReason ?? "")")
        #expect(withCounts.contentSHA256 == withoutCounts.contentSHA256, "the same files, byte for byte")
        #expect(uiccOnly.commands.map(Hex.string).filter { $0.hasPrefix("A0") } == [Self.classicStatus], "one STATUS, answered 6E00, then no more")
        #expect(dual.commands.map(Hex.string).filter { $0.hasPrefix("A0") } == Array(repeating: Self.classicStatus, count: 3), "the MF, DF.TELECOM, DF 7F66")
        // Saved: the MF's probe after DF 7F66 (7F67–7F6F, 9 ids); all of DF.TELECOM's (its one
        // EF is found by the model: 15 ids and its re-selection); DF 7F66's after its second
        // EF 6F99 (6F9A–6FFF, 102 ids). Spent: 2 STATUS more.
        #expect(withCounts.apduCount == withoutCounts.apduCount - 9 - 16 - 102 + 2)
    }

    /// A card that keeps apart its class A0 and class 00 current files answers STATUS with
    /// another DF's header: its counts are not used, and no more STATUS is sent.
    @Test func aClassicStatusNamingAnotherDirectoryIsNotTrusted() {
        final class SeparateClassicContext: CardTransport {
            let card: MemoryUICC
            init(_ card: MemoryUICC) { self.card = card }
            func transmit(_ command: [UInt8]) throws -> [UInt8] {
                // Class A0 stays at the MF whatever class 00 selected.
                Hex.string(command) == FullWalkTests.classicStatus ? card.classicHeader(card.mf) + [0x90, 0x00] : try card.transmit(command)
            }
        }
        let uiccOnly = Self.card()
        let withoutCounts = Self.fullRead(uiccOnly)
        let separate = SeparateClassicContext(Self.card())
        let acquisition = SIMReader().read(transport: separate, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"), scope: .full)
        #expect(acquisition.contentSHA256 == withoutCounts.contentSHA256, "nothing lost")
        #expect(acquisition.transcript.entries.filter { $0.command == Self.classicStatus }.count == 2, "the MF's (its own header), DF.TELECOM's (the MF's: the last)")
        // Only the MF's probe ends early (after DF 7F66, 9 ids); one STATUS more.
        #expect(acquisition.apduCount == withoutCounts.apduCount - 9 + 1)
    }

    /// Below an application one SELECT by path from 7FFF (not the AID, then a path from it); a
    /// directory is selected again before its probe only when the walk went into another.
    @Test func aDirectoryIsSelectedOnceByPathAndAgainOnlyWhenTheWalkLeftIt() {
        let card = Self.card()
        let acquisition = Self.fullRead(card)
        #expect(acquisition.complete)
        let commands = card.commands.map(Hex.string)
        #expect(commands.contains("00A40804047FFF5FC0"), "DF.5GS: one SELECT by path from the USIM's ADF")
        #expect(commands.filter { $0.hasPrefix("00A408") && $0.dropFirst(10).hasPrefix("7FFF") }.count == 7, "the 7 DFs the model names in ADF.USIM")
        #expect(!commands.contains { $0.hasPrefix("00A409") }, "no path relative to wherever the walker is")
        #expect(commands.filter { $0 == "00A4040C10" + Self.usimAID }.count == 1, "the USIM again only before its probe (the walk went into its DFs)")
        #expect(!commands.contains("00A4040C10" + Self.isimAID), "the ISIM's probe follows its files without selecting it again")
        #expect(commands.filter { $0 == "00A4080C027F66" }.isEmpty, "DF 7F66 (no modelled DF) is probed right after its SELECT")
        #expect(commands.filter { $0 == "00A4000C023F00" }.count == 2, "the MF: before its probe, and after the probe found DF 7F66")
    }

    @Test func theModelNamesEachFileIDOncePerDirectory() {
        func check(_ directory: DirectorySpec) {
            let ids = directory.files.map(\.fid) + directory.withheld.map(\.fid) + directory.directories.compactMap(\.fid)
            #expect(Set(ids).count == ids.count, "\(directory.name) names a file id twice")
            for window in directory.probe {
                #expect(!window.contains(0x3F00) && !window.contains(0x7FFF) && !window.contains(0x3FFF), "\(directory.name) probes a reserved id")
            }
            directory.directories.forEach(check)
        }
        [SIMFileTree.masterFile, SIMFileTree.usim, SIMFileTree.isim].forEach(check)
    }

    @Test func theIDReadOfAUICCWithAUSIMSendsTheFewestCommandsThatKeepEveryHeader() {
        let card = Self.card()
        let identity = SIMReader().read(transport: card, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"))
        #expect(identity.imsi?.state == .read)
        // SELECT EF.ICCID by path (card type + header), READ BINARY; SELECT EF.DIR, 2 READ RECORD;
        // SELECT ADF.USIM; 4 PIN queries; SELECT + READ BINARY for EF.IMSI and EF.AD.
        #expect(identity.apduCount == 2 + 3 + 1 + 4 + 4)
        #expect(Hex.string(card.commands[0]) == "00A40804022FE2")
        #expect(identity.files.allSatisfy { $0.status != .read || $0.header != nil }, "every file read keeps its header")
    }

    @Test func anADFWithoutAPINTemplateFallsBackToTheMFs() {
        let usim = MemoryUICC.Node(fid: nil, aid: hex(Self.usimAID), [MemoryUICC.ef(0x6F07, "084925500900000040"), MemoryUICC.ef(0x6FAD, "00000002")])
        let dir = ApplicationTemplate(aid: hex(Self.usimAID)).encodedRecord(length: 32)
        let card = MemoryUICC([MemoryUICC.ef(0x2FE2, "98485032100000103244"), MemoryUICC.records(0x2F00, [Hex.string(dir)]), usim])
        usim.pin1Enabled = nil   // the card gives its ADF no PIN status template
        let identity = SIMReader().read(transport: card, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"))
        #expect(identity.pins.first { $0.name == "PIN1" }?.enabled == false, "from the MF's template")
        #expect(identity.imsi?.state == .read, "the USIM is selected again before EF.IMSI")
        #expect(identity.apduCount == 2 + 2 + 1 + 2 + 4 + 4)
    }

    @Test func theIDReadOfAUICCWithoutAUSIMTakesThePINTemplateFromTheMF() {
        let card = MemoryUICC([
            MemoryUICC.ef(0x2FE2, "98485032100000103244"),
            MemoryUICC.df(0x7F20, [MemoryUICC.ef(0x6F07, "084925500900000040"), MemoryUICC.ef(0x6FAD, "00000002")]),
        ])
        let identity = SIMReader().read(transport: card, atr: hex("3B9F96801FC78031E073FE211B63004C000090019B"))
        #expect(identity.imsi?.path == "3F00/7F20/6F07")
        #expect(identity.imsi?.state == .read)
        // EF.ICCID by path + READ; EF.DIR (absent); the MF with its FCP; DF.GSM by path without
        // FCP; 4 PIN queries; SELECT + READ for EF.IMSI and EF.AD.
        #expect(identity.apduCount == 2 + 1 + 1 + 1 + 4 + 4)
        #expect(card.commands.contains { Hex.string($0) == "00A4080C027F20" })
    }
}

@Suite struct NetworkNameFileTests {
    @Test func pnnGSM7AndUCS2() throws {
        // "Vietnamobile": 12 septets in 11 octets, 4 spare bits.
        let gsm = try #require(try NetworkName.decode(record: hex("430C84D67499EE0EB7DFE234BB0C45058456675308FFFF")[...]))
        #expect(gsm.fullName == "Vietnamobile")
        #expect(gsm.shortName == "VNMB")
        let ucs2 = try #require(try NetworkName.decode(record: hex("430590005600EFFF")[...]))
        #expect(ucs2.fullName == "V\u{EF}")
        #expect(try NetworkName.decode(record: hex("FFFFFFFF")[...]) == nil)
        #expect(failsInvalid { _ = try NetworkName.decode(record: hex("4302A041")[...]) }, "coding scheme 2 is not defined")
    }

    @Test func oplKeepsWildcardDigits() throws {
        let entry = try #require(try OperatorPLMNEntry.decode(record: hex("54F2DD0000FFFE02")[...]))
        #expect(entry.plmn == "452-DD")
        #expect(entry.lacFrom == "0000" && entry.lacTo == "FFFE" && entry.pnnRecord == 2)
        #expect(try OperatorPLMNEntry.decode(record: hex("FFFFFFFFFFFFFFFF")[...]) == nil)
        #expect(failsTruncated { _ = try OperatorPLMNEntry.decode(record: hex("54F250")[...]) })
    }

    @Test func spdiListsPLMNs() throws {
        let spdi = try ServiceProviderPLMNs(decoding: hex("A308800654F25054F240FFFF")[...])
        #expect(spdi.plmns.map(\.description) == ["452-05", "452-04"])
        #expect(failsInvalid { _ = try ServiceProviderPLMNs(decoding: hex("800354F250")[...]) })
    }

    @Test func isimTextIsUTF8InTag80() throws {
        #expect(try ISIMText.decode(hex("801074656C3A2B3834393231303030303432FFFF")[...])?.text == "tel:+84921000042")
        #expect(try ISIMText.decode(hex("FFFF")[...]) == nil)
        #expect(failsInvalid { _ = try ISIMText.decode(hex("8102FFFE")[...]) })
    }
}
