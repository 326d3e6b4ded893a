import ByteText
import SIMCard

/// The minimum APDU count of a full acquisition as issue 3 defines it: one SELECT per file +
/// one READ per record or per 255-byte binary chunk. Counted from what the reference full read
/// recorded (`files`), never from a profile name. Definitions: docs/BENCHMARKS.md
/// ("Full acquisition").
///
/// * SELECT: one per entry of `files`, whatever its status. A `read` or `protected` EF needs it
///   to reach the file; a `notFound` EF or DF (6A82 / 9404) is a recorded fact too, and the only
///   way to learn it is one SELECT that fails; `failed` likewise. Path selection (`P1 = 08`, or
///   7FFF-relative inside the application) reaches any EF in one command, so DFs the walker
///   merely passes through cost nothing here. Plus one SELECT by AID per application whose
///   files were read (its files cannot be reached from the MF before it is selected).
/// * READ: `read` transparent EF: ⌈size / 255⌉ READ BINARY (a 0-byte file: none); `read`
///   record EF: one READ RECORD per record; `protected` EF: the one refused READ that proves it.
/// * Not counted: GET RESPONSE (a T=0 card answers every SELECT that returns a header with 61xx
///   and needs one each; `forensicFloor` adds them), the PIN/PUK state queries, and retries.
struct FullMinimum: Encodable {
    var selects: Int
    var selectsOfAbsentFiles: Int
    var applicationSelects: Int
    var readBinary: Int
    var readRecord: Int
    var protectedReads: Int
    var total: Int { selects + applicationSelects + readBinary + readRecord + protectedReads }
    /// `total` plus what Custody's forensic rules make unavoidable on this card: one GET
    /// RESPONSE per header kept (every EF selected successfully, withheld ones too, the application's PIN status
    /// template) on T=0, and the four PIN/PUK queries on a UICC.
    var forensicFloor: Int

    enum CodingKeys: String, CodingKey {
        case selects, selectsOfAbsentFiles, applicationSelects, readBinary, readRecord, protectedReads, total, forensicFloor
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(selects, forKey: .selects); try c.encode(selectsOfAbsentFiles, forKey: .selectsOfAbsentFiles)
        try c.encode(applicationSelects, forKey: .applicationSelects); try c.encode(readBinary, forKey: .readBinary)
        try c.encode(readRecord, forKey: .readRecord); try c.encode(protectedReads, forKey: .protectedReads)
        try c.encode(total, forKey: .total); try c.encode(forensicFloor, forKey: .forensicFloor)
    }

    init(acquisition a: SIMAcquisition, getResponse: Bool) {
        selects = a.files.count
        selectsOfAbsentFiles = a.files.filter { $0.status == .notFound }.count
        applicationSelects = Set(a.files.compactMap { f -> Substring? in
            f.path.hasPrefix("ADF.") ? f.path.split(separator: "/").first : nil
        }).count
        var binary = 0, records = 0, refused = 0, headers = 0
        for f in a.files {
            switch f.status {
            case .read:
                headers += 1
                if let r = f.records { records += r.count } else { binary += ((f.contentBytes?.count ?? 0) + 254) / 255 }
            case .protected:
                headers += 1
                refused += 1
            case .withheld:
                headers += 1
            default: break
            }
        }
        readBinary = binary; readRecord = records; protectedReads = refused
        let total = selects + applicationSelects + binary + records + refused
        let pinQueries = a.cardType == .uicc ? 4 : 0
        forensicFloor = total + (getResponse ? headers + applicationSelects : 0) + pinQueries
    }
}

/// APDUs per read by kind, from a transcript.
struct APDUBreakdown: Encodable {
    var select = 0
    var getResponse = 0
    var readBinary = 0
    var readRecord = 0
    var pinQueries = 0
    var other = 0

    init(_ transcript: Transcript) {
        for e in transcript.entries where e.refused == nil {
            guard let bytes = Hex.bytes(e.command), bytes.count >= 4 else { other += 1; continue }
            switch bytes[1] {
            case 0xA4: select += 1
            case 0xC0: getResponse += 1
            case 0xB0: readBinary += 1
            case 0xB2: readRecord += 1
            case 0x20, 0x2C: pinQueries += 1
            default: other += 1
            }
        }
    }
}

/// Directory re-selection in a transcript: APDUs a walker that remembered the current DF would
/// not send. Each maximal run of consecutive directory SELECTs (MF, 7Fxx, 5Fxx, AID; their GET
/// RESPONSEs in between; a failed one ends its run, as its answer is a recorded fact) is compared with the fewest relative selections from the DF current
/// before the run to the run's final target: 0 if it is the current DF, 1 if it is the MF, the
/// application, the parent, a child or a sibling of the current DF. The surplus selections (the
/// first ones of the run) and the GET RESPONSEs that followed them are counted. The tree is
/// assumed standard: 7Fxx under the MF, 5Fxx under a 7Fxx or the application.
struct Reselection: Encodable {
    /// Successful directory SELECTs (MF, DFs, application), and the GET RESPONSEs after them.
    var directorySelects = 0
    var directoryGetResponses = 0
    /// SELECTs and GET RESPONSEs a current-DF-tracking walker would not send.
    var avoidableSelects = 0
    var avoidableGetResponses = 0
    var avoidable: Int { avoidableSelects + avoidableGetResponses }

    enum CodingKeys: String, CodingKey { case directorySelects, directoryGetResponses, avoidableSelects, avoidableGetResponses, avoidable }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(directorySelects, forKey: .directorySelects); try c.encode(directoryGetResponses, forKey: .directoryGetResponses)
        try c.encode(avoidableSelects, forKey: .avoidableSelects); try c.encode(avoidableGetResponses, forKey: .avoidableGetResponses)
        try c.encode(avoidable, forKey: .avoidable)
    }

    init(_ transcript: Transcript) {
        struct Step { var target: [String]; var ok: Bool; var getResponse: Bool }
        let sent = transcript.entries.filter { $0.sw != nil }.compactMap { e -> (cmd: [UInt8], sw: String)? in
            Hex.bytes(e.command).map { ($0, e.sw!) }
        }
        var current: [String] = []
        var run: [Step] = []
        func target(of cmd: [UInt8], from current: [String]) -> [String]? {
            guard cmd.count >= 5, cmd[1] == 0xA4 else { return nil }
            let data = Array(cmd.dropFirst(5).prefix(Int(cmd[4])))
            if cmd[2] == 0x04 { return ["ADF"] }
            guard cmd[2] == 0x00, data.count == 2 else { return nil }
            let fid = Hex.string(data)
            switch data[0] {
            case 0x3F where data[1] == 0x00: return ["3F00"]
            case 0x7F: return ["3F00", fid]
            case 0x5F: return (current.first == "ADF" ? ["ADF"] : Array(current.prefix(2))) + [fid]
            default: return nil
            }
        }
        func closeRun() {
            guard let last = run.last else { return }
            let goal = last.target
            let c = current
            let oneStep = goal == ["3F00"] || goal == ["ADF"] || goal == c.dropLast().map { $0 }
                || goal.dropLast().map { $0 } == c
                || (goal.count == c.count && goal.count > 1 && goal.dropLast() == c.dropLast())
            let needed = goal == c ? 0 : (oneStep ? 1 : run.count)
            for step in run.prefix(max(0, run.count - needed)) {
                avoidableSelects += 1
                if step.getResponse { avoidableGetResponses += 1 }
            }
            for step in run where step.ok { current = step.target }
            run = []
        }
        var i = 0
        while i < sent.count {
            let (cmd, sw) = sent[i]
            let followedByGR = i + 1 < sent.count && sent[i + 1].cmd.count >= 2 && sent[i + 1].cmd[1] == 0xC0
                && (sw.hasPrefix("61") || sw.hasPrefix("9F"))
            let base = run.last.map { step in step.ok ? step.target : current } ?? current
            if let goal = target(of: cmd, from: base) {
                let ok = sw == "9000" || sw.hasPrefix("61") || sw.hasPrefix("9F")
                run.append(Step(target: goal, ok: ok, getResponse: followedByGR))
                if ok { directorySelects += 1; if followedByGR { directoryGetResponses += 1 } }
                // A failed directory SELECT is a probe whose answer (absent) is recorded: it ends the run.
                if !ok { closeRun() }
                i += followedByGR ? 2 : 1
                continue
            }
            closeRun()
            i += followedByGR ? 2 : 1
        }
        closeRun()
    }
}

/// What pySim-shell's `export` would send for the files of this card that its model declares,
/// estimated from how it works (pySim-shell.py, `__walk` and `__export_file`): it walks its
/// declared tree from the MF; for each DF it selects it on entry, selects it again to export
/// it, and selects the parent on leaving; for each EF it selects the file (with FCP), reads it
/// (one READ BINARY per chunk, one READ RECORD per record), then selects the DF again, because
/// the selection changed. A file the card lacks costs the one failed SELECT. Every selection
/// that returns an FCP costs a GET RESPONSE more on T=0.
///
/// The declared tree is taken to be Custody's model (`SIMFileTree`), and whether each file
/// exists, its size and records from this acquisition. pySim's own model declares at least as
/// many files (each absent one costs it a SELECT), it sends commands of its own at start-up,
/// and it finds no file outside its model: so the estimate is a floor for pySim, and it covers
/// fewer files than Custody reads. Definitions: docs/BENCHMARKS.md ("pySim-shell's export").
struct PySimExportEstimate: Encodable {
    var total = 0
    /// Model EFs present on the card (pySim exports them).
    var filesExported = 0
    /// EFs Custody recorded that pySim's walk would not reach (found by Custody's probe).
    var filesOutsideTheModel = 0

    init(acquisition a: SIMAcquisition, getResponse: Bool) {
        let header = getResponse ? 2 : 1
        var byPath: [String: FileReading] = [:]
        for file in a.files { byPath[file.path] = file }
        var visited = Set<String>()

        func reads(_ file: FileReading) -> Int {
            if let records = file.records, file.status == .read { return records.count }
            if let bytes = file.contentBytes, file.status == .read { return max(1, (bytes.count + 254) / 255) }
            guard let raw = file.header.flatMap(Hex.bytes),
                  let parsed = try? FileHeader(decoding: raw[...], dialect: a.cardType ?? .uicc) else { return 1 }
            return parsed.recordCount ?? max(1, ((parsed.fileSize ?? 0) + 254) / 255)
        }
        func walk(_ directory: DirectorySpec, label: String) {
            visited.insert(label)
            guard let entry = byPath[label], entry.status == .read else { total += 1; return }
            total += 3 * header
            var fids = directory.files.map(\.fid) + directory.withheld.map(\.fid)
            // The phonebook files EF.PBR names have fixed ids in pySim's model too.
            if directory.fid == 0x5F3A {
                fids += a.files.filter { $0.path.hasPrefix(label + "/") && $0.name.hasSuffix("(phonebook)") }
                    .compactMap { UInt16($0.path.suffix(4), radix: 16) }
            }
            for fid in Set(fids) {
                let path = "\(label)/\(Hex.string([UInt8(fid >> 8), UInt8(fid & 0xFF)]))"
                visited.insert(path)
                guard let file = byPath[path], file.status != .notFound else { total += 1; continue }
                filesExported += 1
                total += header + reads(file) + header
            }
            for child in directory.directories where child.fid != nil { walk(child, label: "\(label)/\(child.label)") }
        }
        walk(SIMFileTree.masterFile, label: "3F00")
        if a.cardType == .uicc {
            walk(SIMFileTree.usim, label: "ADF.USIM")
            walk(SIMFileTree.isim, label: "ADF.ISIM")
        }
        filesOutsideTheModel = a.files.filter { !visited.contains($0.path) && $0.status != .notFound && $0.structure != .dedicatedFile }.count
    }
}
