import ByteText
import Foundation
import SIMCard

/// The JSON card profile, exactly as written in Evidence/cards/*.json (docs/CARD-PROFILES.md).
struct ProfileFile: Decodable {
    var name: String
    var description: String?
    var atr: String
    var mode: String                 // "classic" | "uicc"
    var classicToo: Bool?
    var answerStyle: String?         // "t0" (default) | "t1"
    var freeMemory: Int?
    var pins: PinsFile?
    var mf: NodeFile
    var expect: ExpectFile?

    struct PinsFile: Decodable {
        var pin1: PinFile?
        var pin2: PinFile?
        var puk1: PinFile?
        var puk2: PinFile?
    }

    struct PinFile: Decodable {
        var value: String
        var enabled: Bool?
        var tries: Int
        var maxTries: Int
        /// UICC answer to VERIFY without data while the PIN is disabled: "tries" (63Cx, default) or "ok" (9000).
        var queryWhenDisabled: String?
    }

    struct NodeFile: Decodable {
        var type: String                 // "mf" | "df" | "adf" | "ef"
        var fid: String?
        var name: String?
        var aid: String?
        var label: String?
        var sfi: Int?
        var structure: String?           // "transparent" | "linearFixed" | "cyclic"
        var contents: String?
        var records: [String]?
        var recordLength: Int?
        var read: String?                // "always" | "pin1" | "pin2" | "adm" | "never"
        var update: String?
        var header: String?
        var classicHeader: String?
        var children: [NodeFile]?
    }

    /// Expected decoded values, for end-to-end tests; the simulator only checks it is well formed.
    struct ExpectFile: Decodable {
        var iccid: String?
        var imsi: String?
        var mcc: String?
        var mnc: String?
        var pin1Enabled: Bool?
        var pin1Tries: Int?
        var imsiReadable: Bool?
    }
}

struct ProfileError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

enum CardMode: String, Sendable { case classic, uicc }
enum AnswerStyle: String, Sendable { case t0, t1 }

enum AccessCondition: String, Sendable {
    case always, pin1, pin2, adm, never

    /// TS 51.011 §9.3 access condition nibble.
    var classicNibble: UInt8 {
        switch self {
        case .always: 0x0
        case .pin1: 0x1
        case .pin2: 0x2
        case .adm: 0x4
        case .never: 0xF
        }
    }

    /// ISO 7816-4 compact security condition byte (used in tag 8C of generated FCPs).
    var compactSC: UInt8 {
        switch self {
        case .always: 0x00
        case .pin1: 0x11
        case .pin2: 0x12
        case .adm: 0x1A
        case .never: 0xFF
        }
    }
}

enum NodeKind: String, Sendable { case mf, df, adf, ef }

/// One file of the simulated card. Reference type: the tree has parent links and the
/// simulator owns it from a single thread (the vpcd loop), so it is not shared.
final class FileNode {
    let kind: NodeKind
    let fid: UInt16?
    let name: String
    let aid: [UInt8]
    let sfi: UInt8?
    /// `.dedicatedFile` for the MF, DFs and ADFs.
    let structure: FileStructure
    let contents: [UInt8]
    let records: [[UInt8]]
    let recordLength: Int
    let read: AccessCondition
    let update: AccessCondition
    let explicitHeader: [UInt8]?
    let explicitClassicHeader: [UInt8]?
    var children: [FileNode] = []
    weak var parent: FileNode?

    var isDF: Bool { kind != .ef }
    var fileSize: Int { structure == .transparent ? contents.count : recordLength * records.count }

    init(kind: NodeKind, fid: UInt16?, name: String, aid: [UInt8], sfi: UInt8?, structure: FileStructure,
         contents: [UInt8], records: [[UInt8]], recordLength: Int, read: AccessCondition,
         update: AccessCondition, explicitHeader: [UInt8]?, explicitClassicHeader: [UInt8]?) {
        self.kind = kind; self.fid = fid; self.name = name; self.aid = aid; self.sfi = sfi
        self.structure = structure; self.contents = contents; self.records = records
        self.recordLength = recordLength; self.read = read; self.update = update
        self.explicitHeader = explicitHeader; self.explicitClassicHeader = explicitClassicHeader
    }

    var fidHex: String { fid.map { Hex.string([UInt8($0 >> 8), UInt8($0 & 0xFF)]) } ?? "(no FID)" }
}

/// A validated profile: everything the card needs, parsed once at load.
struct Profile {
    var path: String
    var name: String
    var atr: [UInt8]
    var mode: CardMode
    var classicToo: Bool
    var style: AnswerStyle
    var freeMemory: Int
    /// Initial states; the card works on copies.
    var pin1: PinState
    var pin2: PinState
    var puk1: PinState
    var puk2: PinState
    var mf: FileNode

    static func load(path: String) throws(ProfileError) -> Profile {
        func fail(_ why: String) -> ProfileError { ProfileError("profile \(path): \(why)") }
        guard FileManager.default.fileExists(atPath: path) else { throw fail("no such file") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw fail("cannot read file (\(error.localizedDescription))")
        }
        let file: ProfileFile
        do { file = try JSONDecoder().decode(ProfileFile.self, from: data) } catch let e as DecodingError {
            throw fail("invalid JSON: \(describe(e))")
        } catch { throw fail("invalid JSON: \(error)") }

        guard let atr = Hex.bytes(file.atr), atr.count >= 2, atr.count <= 33 else {
            throw fail("atr must be 2 to 33 bytes of hex")
        }
        guard atr[0] == 0x3B || atr[0] == 0x3F else { throw fail("atr must start with TS 3B or 3F") }
        if let why = ATRCheck.problem(atr) { throw fail("atr: \(why)") }
        guard let mode = CardMode(rawValue: file.mode) else { throw fail("mode must be \"classic\" or \"uicc\", not \"\(file.mode)\"") }
        guard let style = AnswerStyle(rawValue: file.answerStyle ?? "t0") else {
            throw fail("answerStyle must be \"t0\" or \"t1\"")
        }
        if mode == .classic, file.classicToo != nil { throw fail("classicToo only applies to mode \"uicc\"") }

        func pin(_ p: ProfileFile.PinFile?, _ label: String, digits: ClosedRange<Int>, defaultTries: Int) throws(ProfileError) -> PinState {
            guard let p else {
                // Absent: a default, initialised, enabled secret nobody knows.
                let v = Array(repeating: UInt8(ascii: "9"), count: digits.lowerBound)
                return PinState(value: pad(v), enabled: true, tries: defaultTries, maxTries: defaultTries, okWhenDisabled: false)
            }
            guard digits.contains(p.value.count), p.value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw fail("\(label).value must be \(digits.lowerBound) to \(digits.upperBound) digits")
            }
            guard (1...15).contains(p.maxTries), (0...p.maxTries).contains(p.tries) else {
                throw fail("\(label): tries must be 0...maxTries and maxTries 1...15")
            }
            let q = p.queryWhenDisabled ?? "tries"
            guard q == "tries" || q == "ok" else { throw fail("\(label).queryWhenDisabled must be \"tries\" or \"ok\"") }
            return PinState(value: pad(Array(p.value.utf8)), enabled: p.enabled ?? true, tries: p.tries,
                           maxTries: p.maxTries, okWhenDisabled: q == "ok")
        }
        let pin1 = try pin(file.pins?.pin1, "pins.pin1", digits: 4...8, defaultTries: 3)
        let pin2 = try pin(file.pins?.pin2, "pins.pin2", digits: 4...8, defaultTries: 3)
        let puk1 = try pin(file.pins?.puk1, "pins.puk1", digits: 8...8, defaultTries: 10)
        let puk2 = try pin(file.pins?.puk2, "pins.puk2", digits: 8...8, defaultTries: 10)
        if file.pins?.puk1?.enabled == false || file.pins?.puk2?.enabled == false {
            throw fail("a PUK cannot be disabled")
        }

        if let m = file.freeMemory, !(0...0xFFFF).contains(m) { throw fail("freeMemory must be 0...65535") }
        guard file.mf.type == "mf" else { throw fail("the root node \"mf\" must have type \"mf\"") }
        let mf = try buildNode(file.mf, mode: mode, fail: fail)
        if mf.fid != 0x3F00 { throw fail("the MF must have fid 3F00") }
        let profile = Profile(path: path, name: file.name, atr: atr, mode: mode, classicToo: file.classicToo ?? false,
                              style: style, freeMemory: file.freeMemory ?? 0x2000,
                              pin1: pin1, pin2: pin2, puk1: puk1, puk2: puk2, mf: mf)
        return profile
    }

    private static func pad(_ v: [UInt8]) -> [UInt8] { v + Array(repeating: 0xFF, count: max(0, 8 - v.count)) }

    private static func buildNode(_ n: ProfileFile.NodeFile, mode: CardMode,
                                  fail: (String) -> ProfileError) throws(ProfileError) -> FileNode {
        guard let kind = NodeKind(rawValue: n.type) else {
            throw fail("node \(n.name ?? n.fid ?? "?"): type must be mf, df, adf or ef, not \"\(n.type)\"")
        }
        var fid: UInt16? = nil
        if let f = n.fid {
            guard let b = Hex.bytes(f), b.count == 2 else { throw fail("fid \"\(f)\" must be 4 hex digits") }
            fid = UInt16(b[0]) << 8 | UInt16(b[1])
        }
        let label = n.name ?? n.fid ?? "(unnamed)"
        let what = kind == .ef ? "EF \(n.fid ?? label)" : "\(kind.rawValue.uppercased()) \(label)"
        if kind != .adf, fid == nil { throw fail("\(what): fid is required") }
        if kind == .adf, mode == .classic { throw fail("\(what): a classic SIM has no ADFs") }
        var aid: [UInt8] = []
        if kind == .adf {
            guard let a = n.aid.flatMap(Hex.bytes), (5...16).contains(a.count) else {
                throw fail("\(what): aid must be 5 to 16 bytes of hex")
            }
            aid = a
        } else if n.aid != nil { throw fail("\(what): only an ADF has an aid") }
        func hex(_ s: String?, _ field: String) throws(ProfileError) -> [UInt8]? {
            guard let s else { return nil }
            guard let b = Hex.bytes(s) else { throw fail("\(what): \(field) is not valid hex") }
            return b
        }
        func access(_ s: String?, _ field: String, _ dflt: AccessCondition) throws(ProfileError) -> AccessCondition {
            guard let s else { return dflt }
            guard let a = AccessCondition(rawValue: s) else {
                throw fail("\(what): \(field) must be always, pin1, pin2, adm or never, not \"\(s)\"")
            }
            return a
        }
        var structure = FileStructure.dedicatedFile
        var contents: [UInt8] = []
        var records: [[UInt8]] = []
        var recordLength = 0
        if kind == .ef {
            guard let s = FileStructure(rawValue: n.structure ?? ""), [.transparent, .linearFixed, .cyclic].contains(s) else {
                throw fail("\(what): structure must be transparent, linearFixed or cyclic")
            }
            structure = s
            if n.children != nil { throw fail("\(what): an EF has no children") }
            if s == .transparent {
                guard let c = try hex(n.contents, "contents") else { throw fail("\(what): a transparent EF needs contents") }
                if n.records != nil { throw fail("\(what): a transparent EF has contents, not records") }
                // Classic headers give the size in 2 bytes.
                if c.count > 0xFFFF { throw fail("\(what): contents must be at most 65535 bytes") }
                contents = c
            } else {
                guard let rl = n.recordLength, (1...255).contains(rl) else {
                    throw fail("\(what): a record EF needs recordLength 1...255")
                }
                guard let rs = n.records, !rs.isEmpty, rs.count <= 254 else {
                    throw fail("\(what): a record EF needs 1 to 254 records")
                }
                if n.contents != nil { throw fail("\(what): a record EF has records, not contents") }
                recordLength = rl
                for (i, r) in rs.enumerated() {
                    guard let b = Hex.bytes(r) else { throw fail("\(what): record \(i + 1) is not valid hex") }
                    if b.count > rl {
                        throw fail("\(what): record \(i + 1) is \(b.count) bytes but recordLength is \(rl)")
                    }
                    records.append(b + Array(repeating: 0xFF, count: rl - b.count))
                }
            }
            if let sfi = n.sfi, !(1...30).contains(sfi) { throw fail("\(what): sfi must be 1...30") }
        } else {
            if n.contents != nil || n.records != nil || n.structure != nil {
                throw fail("\(what): a DF has children, not contents")
            }
            if n.sfi != nil { throw fail("\(what): only an EF has an sfi") }
        }
        let node = FileNode(kind: kind, fid: fid, name: label, aid: aid, sfi: n.sfi.map { UInt8($0) },
                            structure: structure, contents: contents, records: records, recordLength: recordLength,
                            read: try access(n.read, "read", .always),
                            update: try access(n.update, "update", kind == .ef ? .adm : .adm),
                            explicitHeader: try hex(n.header, "header"),
                            explicitClassicHeader: try hex(n.classicHeader, "classicHeader"))
        var seenFIDs = Set<UInt16>()
        var seenSFIs = Set<UInt8>()
        for c in n.children ?? [] {
            let child = try buildNode(c, mode: mode, fail: fail)
            if child.kind == .mf { throw fail("\(what): the MF cannot be a child") }
            if child.kind == .adf, kind != .mf { throw fail("ADF \(child.name): ADFs must be children of the MF") }
            if let f = child.fid, child.kind != .adf {
                if !seenFIDs.insert(f).inserted { throw fail("\(what): two children with fid \(child.fidHex)") }
                if f == 0x3F00 || f == 0x7FFF || f == 0x3FFF { throw fail("\(what): fid \(child.fidHex) is reserved") }
            }
            if let s = child.sfi, !seenSFIs.insert(s).inserted { throw fail("\(what): two EFs with sfi \(s)") }
            child.parent = node
            node.children.append(child)
        }
        return node
    }
}

/// Checks the ATR's interface bytes and TCK (ISO/IEC 7816-3 §8.2): TCK present exactly when
/// a protocol other than T=0 is indicated, and then the XOR of T0...TCK is 0.
enum ATRCheck {
    static func problem(_ atr: [UInt8]) -> String? {
        guard atr.count >= 2 else { return "too short" }
        var i = 1
        var y = atr[1] >> 4
        let k = Int(atr[1] & 0x0F)
        i = 2
        var needsTCK = false
        while true {
            if y & 0x1 != 0 { i += 1 }   // TA
            if y & 0x2 != 0 { i += 1 }   // TB
            if y & 0x4 != 0 { i += 1 }   // TC
            if y & 0x8 != 0 {
                guard i < atr.count else { return "truncated interface bytes" }
                let td = atr[i]; i += 1
                if td & 0x0F != 0 { needsTCK = true }
                y = td >> 4
            } else { break }
        }
        let expected = i + k + (needsTCK ? 1 : 0)
        if atr.count != expected {
            return "length \(atr.count) but interface bytes, \(k) historical bytes\(needsTCK ? " and TCK" : "") make \(expected)"
        }
        if needsTCK {
            let x = atr[1...].reduce(0, ^)
            if x != 0 {
                let tck = atr[1..<(atr.count - 1)].reduce(0, ^)
                return "TCK is \(Hex.string(atr.suffix(1))) but must be \(Hex.string([tck]))"
            }
        }
        return nil
    }
}

private func describe(_ e: DecodingError) -> String {
    func path(_ c: [CodingKey]) -> String {
        c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch e {
    case .keyNotFound(let k, let c): return "missing key \"\(k.stringValue)\" at \(path(c.codingPath).isEmpty ? "top level" : path(c.codingPath))"
    case .typeMismatch(_, let c): return "wrong type at \(path(c.codingPath)): \(c.debugDescription)"
    case .valueNotFound(_, let c): return "missing value at \(path(c.codingPath))"
    case .dataCorrupted(let c): return "\(c.debugDescription) \(path(c.codingPath))"
    @unknown default: return "\(e)"
    }
}
