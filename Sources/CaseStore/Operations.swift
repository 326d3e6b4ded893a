import Foundation
import Ledger
import SIMCard

extension CaseStore {
    // MARK: Examiners

    /// Adds an examiner (`examiner.add`). Only a supervisor may add examiners.
    @discardableResult
    public func addExaminer(id: String, name: String, role: ExaminerRole, by examiner: String) throws(CaseStoreError) -> SignedEntry {
        try CaseStore.validateID(id, what: "examiner id")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidInput("--name must not be empty") }
        try read { db in try Self.requireSupervisor(db, examiner, to: "add examiners") }
        return try append(examiner: examiner, action: .examinerAdd,
                          payload: ["id": .string(id), "name": .string(name), "role": .string(role.rawValue)]) { db, seq in
            guard try !CaseStore.examinerExists(db, id) else {
                throw CaseStoreError.invalidInput("examiner \(id) is already in the roster; nothing was written")
            }
            try ExaminerRecord(id: id, name: name, role: role, seq: seq).insert(db)
        }
    }

    // MARK: Custody events

    /// A custody event on an item. `details` become the payload (string values; empty ones
    /// are left out), `participants` its `participants` array (left out when none). Seize creates the item when it is new; every other action needs it.
    @discardableResult
    public func recordEvent(_ action: LedgerAction, label: String, details: [String: String], by examiner: String,
                            newItemType: String = "exhibit", parent: String? = nil,
                            identifiers: [String: String] = [:], participants: [EventParticipant] = []) throws(CaseStoreError) -> SignedEntry {
        try CaseStore.validateLabel(label)
        guard action != .custodyDispose else {
            throw .notPermitted("a disposal or return is requested, approved by a supervisor who did not request it, then executed: use `custody dispose request \(label)`; nothing was written")
        }
        // The new item's fields are stored beside the entry, not in it: checked here.
        try CaseStore.checkText(newItemType, "--type")
        for (k, v) in identifiers { try CaseStore.checkText(k + "=" + v, "--identifier") }
        var payload = [String: CanonicalJSON]()
        for (k, v) in details where !v.isEmpty { payload[k] = .string(v) }
        if !participants.isEmpty { payload["participants"] = .array(participants.map(\.canonical)) }
        // Moves and check-outs/-ins have their own checks and payloads (`move`, `checkOut`, `checkIn`).
        guard ![LedgerAction.custodyMove, .custodyCheckOut, .custodyCheckIn].contains(action) else {
            throw .invalidInput("\(action) is recorded by CaseStore.move, checkOut or checkIn, which check the item's custody state; nothing was written")
        }
        let creates = action == .custodySeize
        return try append(examiner: examiner, action: action, subjects: [label], payload: payload) { db, seq in
            if try !CaseStore.itemExists(db, label) {
                guard creates else { throw CaseStoreError.unknownItem(label) }
                if let parent, try !CaseStore.itemExists(db, parent) { throw CaseStoreError.unknownItem(parent) }
                try ItemRecord(label: label, type: ItemType(rawValue: newItemType), parent: parent,
                               identifiers: ItemIdentifiers(identifiers), seq: seq).insert(db)
                try CaseStore.indexIdentifiers(db, label: label, ItemIdentifiers(identifiers))
            }
        }
    }

    /// A correction of entry `seq`: same subjects, payload `corrects`, `correctsHash`, `text`.
    @discardableResult
    public func correct(seq: Int64, text: String, by examiner: String) throws(CaseStoreError) -> SignedEntry {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidInput("--text must not be empty") }
        let target: SignedEntry
        do {
            let row = try database.read { db in try LedgerEntryRecord.fetchOne(db, "WHERE seq = ?", seq) }
            guard let row else {
                let count = try database.read { db in try db.integer("SELECT COUNT(*) FROM ledger_entry") } ?? 0
                throw CaseStoreError.unknownEntry(seq, count: Int(count))
            }
            target = try SignedEntry(line: Array(row.line))
        } catch { throw map(error) }
        return try append(examiner: examiner, action: .custodyCorrection, subjects: target.entry.subjects,
                          payload: ["corrects": .integer(seq), "correctsHash": .string(target.hash.hex), "text": .string(text)])
    }

    /// Photographs an item: the file's SHA-256, the file copied to `photos/<sha256>.<ext>` (in
    /// a PostgreSQL case: its bytes into table `photo_file` under that path, in the entry's
    /// transaction).
    @discardableResult
    public func photograph(label: String, file: String, by examiner: String) throws(CaseStoreError) -> (SignedEntry, PhotoRecord) {
        try keepFile(file, what: "photo", on: label, action: .custodyPhotograph, payload: [:], by: examiner)
    }

    /// Attaches the scan of the signed paper record of entry `seq` (an entry naming `label`),
    /// kept as photographs are (`photos/<sha256>.<ext>`, table `photo`); the `custody.attach`
    /// entry also names the entry and its hash.
    @discardableResult
    public func attachScan(label: String, entry seq: Int64, file: String, by examiner: String) throws(CaseStoreError) -> (SignedEntry, PhotoRecord) {
        guard let recorded = try history(label).first(where: { $0.entry.sequence == seq }) else {
            throw .invalidInput("entry \(seq) is not an entry of \(label): pass the entry whose record was signed (`custody history \(label)` lists them); nothing was written")
        }
        return try keepFile(file, what: "scan", on: label, action: .custodyAttach,
                            payload: ["entry": .integer(seq), "entryHash": .string(recorded.hash.hex)], by: examiner)
    }

    /// A file kept with an item: its SHA-256, size and name in an `action` entry beside
    /// `payload`, the file copied to `photos/<sha256>.<ext>` (in a PostgreSQL case: its bytes
    /// into table `photo_file` under that path, in the entry's transaction), a `photo` row.
    func keepFile(_ file: String, what: String, on label: String, action: LedgerAction, payload: [String: CanonicalJSON],
                  by examiner: String) throws(CaseStoreError) -> (SignedEntry, PhotoRecord) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .io("cannot read the \(what) \(file): check the path and its permissions; nothing was written")
        }
        let sha = SHA256Hash.of([UInt8](data)).hex
        let ext = (file as NSString).pathExtension.lowercased().filter { $0.isLetter || $0.isNumber }
        let relative = "\(CaseStore.photosName)/\(sha)\(ext.isEmpty ? "" : "." + ext)"
        let target = path(relative)
        // Content-addressed: copying first is harmless if the transaction never commits.
        if !keepsPhotosInDatabase, !FileManager.default.fileExists(atPath: target) {
            do {
                try FileManager.default.createDirectory(atPath: path(CaseStore.photosName), withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: target), options: [.atomic])
            } catch { throw .io("cannot copy the \(what) into \(target): \(error.localizedDescription); check free space; nothing was written") }
        }
        let name = (file as NSString).lastPathComponent
        var record = PhotoRecord(seq: 0, item: label, sha256: sha, path: relative, originalName: name, bytes: Int64(data.count))
        let fields: [String: CanonicalJSON] = ["sha256": .string(sha), "file": .string(relative), "originalName": .string(name),
                                               "bytes": .integer(Int64(data.count))]
        let entry = try append(examiner: examiner, action: action, subjects: [label], payload: payload.merging(fields) { $1 }) { db, seq in
            guard try CaseStore.itemExists(db, label) else { throw CaseStoreError.unknownItem(label) }
            record.seq = seq
            try record.insert(db)
            if self.keepsPhotosInDatabase {
                try db.execute("INSERT INTO photo_file (path, data) VALUES (?, ?) ON CONFLICT DO NOTHING", relative, data)
            }
        }
        return (entry, record)
    }

    /// Whether photo bytes live in the database (table `photo_file`, PostgreSQL) rather than
    /// as files in the case folder (SQLite).
    var keepsPhotosInDatabase: Bool { !hasFolder }

    /// Whether the case is a folder (SQLite) rather than a PostgreSQL database.
    var hasFolder: Bool { database is SQLiteDatabase }

    /// The bytes of photo `relative` (`photos/<sha256>.<ext>`), nil when missing.
    public func photoData(_ relative: String) throws(CaseStoreError) -> Data? {
        guard keepsPhotosInDatabase else { return FileManager.default.contents(atPath: path(relative)) }
        return try read { db in try db.row("SELECT data FROM photo_file WHERE path = ?", relative).map { try $0.data(0) } }
    }

    static func validateLabel(_ label: String) throws(CaseStoreError) {
        guard !label.isEmpty, label.utf8.count <= 128, !label.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidInput("item label \"\(label)\" must be 1–128 characters without control characters")
        }
    }

    /// Text people and catalogs put into the case (names, notes, labels, catalog fields, every
    /// string an entry records) is refused when it holds a control character other than tab,
    /// line feed and carriage return: C0 U+0000–U+001F and DEL U+007F (a NUL truncates the text
    /// in C tools, an ESC acts on terminals). One rule, checked at the store's doors: `append`
    /// for every string of an entry, `NewCase.validate` for entry 0, device specs for the
    /// fields a catalog row stores outside the entry.
    static func checkText(_ value: String, _ what: String) throws(CaseStoreError) {
        guard let index = value.unicodeScalars.firstIndex(where: { $0.isLedgerControl && !["\t", "\n", "\r"].contains($0) })
        else { return }
        let scalar = value.unicodeScalars[index]
        let position = value.unicodeScalars.distance(from: value.unicodeScalars.startIndex, to: index) + 1
        throw .invalidInput("\(what) holds the control character U+\(String(format: "%04X", scalar.value)) at character \(position): "
            + "case text may not hold control characters other than tab and line breaks; remove it and run the command again")
    }

    /// Every string of an entry (examiner, subjects, payload keys and values at any depth) through `checkText`.
    static func checkEntryText(examiner: String, subjects: [String], payload: [String: CanonicalJSON]) throws(CaseStoreError) {
        try checkText(examiner, "the examiner id")
        for s in subjects { try checkText(s, "item label") }
        func check(_ value: CanonicalJSON, _ path: String) throws(CaseStoreError) {
            switch value {
            case .string(let s): try checkText(s, "the entry's \(path)")
            case .array(let items): for item in items { try check(item, path) }
            case .object(let members):
                for (key, member) in members {
                    try checkText(key, "a field name in the entry's \(path)")
                    try check(member, key)
                }
            case .null, .bool, .integer: break
            }
        }
        try check(.object(payload), "payload")
    }

    // MARK: Acquisitions

    /// What recording an acquisition did.
    public struct AcquisitionOutcome: Sendable {
        public var entry: SignedEntry
        /// The SIM item (`SIM-<ICCID>`), nil when no ICCID was read.
        public var label: String?
        /// The card was already in the case: recorded as `sim.reread`.
        public var reread: Bool
        /// For a complete re-read: whether the content hash equals the first complete read of the same scope (nil: nothing to compare).
        public var sameContentAsFirst: Bool?
        public var recordSHA256: String
    }

    /// Where a SIM read in place sat (`modem read --case`): the port of a SIM box and the module
    /// that read it (docs/CASE-STORE.md "SIMs read in place").
    public struct InPlace: Sendable {
        /// A `port` item (`<box>/P<n>`) or one of its `slot` items.
        public var item: String
        /// The IMEI the module answered (15 digits), nil when it gave none.
        public var moduleIMEI: String?
        /// Which AT command carried the APDUs: `csim` or `crsm`.
        public var accessPath: String
        public var atTranscriptSHA256: String

        public init(item: String, moduleIMEI: String?, accessPath: String, atTranscriptSHA256: String) {
            self.item = item; self.moduleIMEI = moduleIMEI; self.accessPath = accessPath; self.atTranscriptSHA256 = atTranscriptSHA256
        }
    }

    /// Stores a SIM read (its record JSON as written) with its item and `sim.acquire` /
    /// `sim.reread` entry, in one transaction. Read `inPlace`: a new SIM item goes into the
    /// port's slot, the port takes the module IMEI when it has none, and the entry's payload
    /// names the port, slot, module IMEI, access path and AT transcript hash.
    public func recordAcquisition(_ a: SIMAcquisition, record: Data, by examiner: String,
                                  inPlace: InPlace? = nil) throws(CaseStoreError) -> AcquisitionOutcome {
        let recordSHA = SHA256Hash.of([UInt8](record)).hex
        let iccid = a.iccid?.digits
        let imsi = a.imsi?.digits
        // Whether this is a first read or a re-read is decided inside the append's transaction,
        // so two stations reading the same SIM at once get one acquire and one re-read.
        var label: String? = nil
        var reread = false
        var same: Bool? = nil
        let subjects: [String]
        do {
            // The subject is known before the transaction: the registered item or SIM-<ICCID>.
            var registered: String? = nil
            if let iccid { registered = try read { db in try CaseStore.itemHolding(iccid: iccid, db) } }
            label = registered ?? iccid.map { "SIM-\($0)" }
            subjects = label.map { [$0] } ?? []
        }
        let entry = try append(examiner: examiner, subjects: subjects) { db in
            if let iccid, let holder = try CaseStore.itemHolding(iccid: iccid, db), holder != label {
                throw CaseStoreError.ledger("SIM \(iccid) was registered as \(holder) during the read; read it again")
            }
            var payload: [String: CanonicalJSON] = [
                "contentSHA256": .string(a.contentSHA256), "transcriptSHA256": .string(a.transcriptSHA256),
                "recordSHA256": .string(recordSHA), "complete": .bool(a.complete), "scope": .string(a.scope.rawValue),
                "apduCount": .integer(Int64(a.apduCount)), "atr": .string(a.atr),
            ]
            if let iccid { payload["iccid"] = .string(iccid) }
            if let imsi { payload["imsi"] = .string(imsi) }
            if let r = a.reader { payload["reader"] = .string(r) }
            if let why = a.incompleteReason, !a.complete { payload["incompleteReason"] = .string(why) }
            var position: (port: ItemRecord, slot: String)?
            if let inPlace {
                let found = try CaseStore.portAndSlot(db, inPlace.item)
                position = found
                payload["port"] = .string(found.port.label)
                payload["slot"] = .string(found.slot)
                payload["accessPath"] = .string(inPlace.accessPath)
                payload["atTranscriptSHA256"] = .string(inPlace.atTranscriptSHA256)
                if let imei = inPlace.moduleIMEI {
                    payload["moduleIMEI"] = .string(imei)
                    if let registered = found.port.identifiers[.moduleIMEI], registered != imei {
                        payload["registeredModuleIMEI"] = .string(registered)
                    }
                }
            }
            var exists = false
            if let label {
                exists = try CaseStore.itemExists(db, label)
                let first = try db.integer("SELECT seq FROM acquisition WHERE item = ? ORDER BY seq LIMIT 1", label)
                reread = exists && first != nil
                if let first { payload["firstAcquisition"] = .integer(first) }
                // Content hashes are comparable between complete reads of the same scope only.
                if a.complete, let firstSameScope = try db.row(
                    "SELECT seq, contentSHA256 FROM acquisition WHERE item = ? AND scope = ? AND complete = 1 ORDER BY seq LIMIT 1",
                    label, a.scope.rawValue) {
                    payload["comparedWith"] = .integer(try firstSameScope.int64(0))
                    same = try firstSameScope.string(1) == a.contentSHA256
                    payload["sameContent"] = .bool(same!)
                }
            }
            return EntryDraft(action: reread ? .simReread : .simAcquire, payload: payload) { db, seq in
                var ids: ItemIdentifiers = [:]
                ids[.iccid] = iccid
                ids[.imsi] = imsi
                if let label, !exists {
                    if let slot = position?.slot, let other = try db.string("SELECT label FROM item WHERE parent = ? AND type = 'sim' LIMIT 1", slot) {
                        throw CaseStoreError.invalidInput("slot \(slot) already holds SIM \(other): one SIM per slot; check the port (--item) and that the box was not reloaded")
                    }
                    try ItemRecord(label: label, type: .device(.sim), parent: position?.slot, identifiers: ids, seq: seq).insert(db)
                }
                if let port = position?.port, let imei = inPlace?.moduleIMEI, port.identifiers[.moduleIMEI] == nil {
                    try CaseStore.setModuleIMEI(db, port: port, imei)
                }
                if let label { try CaseStore.indexIdentifiers(db, label: label, ids) }
                try AcquisitionRecord(seq: seq, item: label, iccid: iccid, scope: a.scope, complete: a.complete,
                                      contentSHA256: a.contentSHA256, transcriptSHA256: a.transcriptSHA256,
                                      recordSHA256: recordSHA, record: record).insert(db)
                if let label { try CaseStore.addSIMMessages(db, acquisition: seq, item: label, record: record) }
            }
        }
        return AcquisitionOutcome(entry: entry, label: label, reread: reread, sameContentAsFirst: same, recordSHA256: recordSHA)
    }

    // MARK: History

    /// The entries about `label` (its subjects contain it, or it created the item), in ledger
    /// order: found through `entry_subject`, so only they are read and parsed, not the whole
    /// ledger (an item page at 71,000 SIMs).
    public func history(_ label: String) throws(CaseStoreError) -> [SignedEntry] {
        guard let created = try item(label)?.seq else { throw .unknownItem(label) }
        let lines = try read { db in
            try LedgerEntryRecord.fetchAll(db, "WHERE seq = ? OR seq IN (SELECT seq FROM entry_subject WHERE label = ?) ORDER BY seq", created, label)
        }
        var found = [SignedEntry]()
        for r in lines {
            let entry: SignedEntry
            do { entry = try SignedEntry(line: Array(r.line)) } catch {
                throw .ledger("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`")
            }
            found.append(entry)
        }
        return found
    }
}

extension CaseStore {
    /// Records that entry `seq` names each of `subjects` (table `entry_subject`), in the
    /// append's transaction.
    static func indexSubjects(_ db: any SQLExecutor, _ seq: Int64, subjects: [String]) throws {
        for subject in Set(subjects) { try db.execute("INSERT INTO entry_subject (label, seq) VALUES (?, ?)", subject, seq) }
    }

    /// Fills `entry_subject` from the ledger already in the case (migration 10).
    static func fillEntrySubjects(_ db: any SQLExecutor) throws {
        try db.forEachRowBySeq("SELECT seq, line FROM ledger_entry") { row in
            let entry = try SignedEntry(line: try row.bytes(1)).entry
            try indexSubjects(db, entry.sequence, subjects: entry.subjects)
        }
    }
}
