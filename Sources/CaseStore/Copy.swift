import Crypto
import Foundation
import Ledger

// `custody case copy` (docs/CASE-STORE.md, "Copying a case between backends"): every table,
// row for row, from one consistent read of the source into one transaction of a new store, then
// the copy's ledger is verified and compared byte for byte with the source's.

extension CaseStore {
    /// What a copy moved.
    public struct CopyReport: Sendable, Encodable {
        public var target: String
        public var entries: Int
        public var items: Int
        public var acquisitions: Int
        public var photos: Int
        public var checkpoints: Int
        /// SHA-256 over every stored line in sequence order (each line's length as 8 bytes big
        /// endian, then its bytes), equal in source and copy.
        public var ledgerSHA256: String
    }

    /// The tables in the order a copy fills them (a row's references are copied before it).
    /// `key` orders the rows and pages the large tables.
    static let copiedTables: [(record: any SQLRecord.Type, key: String, paged: Bool)] = [
        (CaseRecord.self, "id", false), (ExaminerRecord.self, "id", false), (StationRecord.self, "keyID", false),
        (LedgerEntryRecord.self, "seq", true), (EntrySubjectRow.self, "label, seq", false), (ItemRecord.self, "label", false), (ItemIdentifierRow.self, "label, kind, value", false),
        (ItemTextRow.self, "label, seq", false),
        (AcquisitionRecord.self, "seq", true), (PhotoRecord.self, "seq", false), (CheckpointRecord.self, "id", false),
        (MessageImportRecord.self, "seq", false), (MessageRecord.self, "id", true), (CustodyStateRecord.self, "label", false),
        (AuditRecord.self, "id", false), (AuditScanRecord.self, "seq", true), (AuditResultRecord.self, "audit, item", false),
        (DisposalRecord.self, "id", false),
    ]

    /// Rows per page when reading the large tables, and per INSERT statement when writing.
    static let copyBatch = 200

    /// Copies this case into `target`, a new store (a folder without a case, or an empty
    /// PostgreSQL database). The copy is opened with `stationKeyFile` to sign later entries.
    /// Nothing is left in `target` when the copy fails.
    public func copy(to target: String, stationKeyFile: String? = nil) throws(CaseStoreError) -> (CaseStore, CopyReport) {
        let (database, discard) = try CaseStore.newEmptyStore(target, caseRecord: caseRecord)
        var report = CopyReport(target: CaseStore.isPostgres(target) ? database.location : target, entries: 0, items: 0, acquisitions: 0, photos: 0, checkpoints: 0, ledgerSHA256: "")
        do throws(CaseStoreError) {
            report = try copyRows(into: database, report)
            let copy = try CaseStore.open(store: target, stationKeyFile: stationKeyFile)
            let copied = try copy.ledgerDigest()
            guard copied == report.ledgerSHA256 else {
                throw CaseStoreError.ledger("the copy's ledger differs from the source's (SHA-256 \(copied), not \(report.ledgerSHA256)); the copy was removed")
            }
            let check = try copy.verify()
            if let failure = check.failure {
                throw CaseStoreError.ledger("the copy does not verify (\(failure)); the copy was removed")
            }
            return (copy, report)
        } catch {
            discard()
            throw error
        }
    }

    /// A new store at `target` with the schema and no rows, and how to remove it again.
    static func newEmptyStore(_ target: String, caseRecord: CaseRecord) throws(CaseStoreError) -> (any CaseDatabase, discard: () -> Void) {
        if isPostgres(target) {
            let database = try PostgresDatabase(url: target, create: true)
            return (database, { database.dropSchema() })
        }
        let fm = FileManager.default
        let dbPath = path(target, databaseName), pubPath = path(target, publicKeyName)
        if fm.fileExists(atPath: dbPath) { throw .alreadyACase(target) }
        for p in [path(target, keyName), pubPath] where fm.fileExists(atPath: p) {
            throw .io("\(target) already holds \(p): copy into a new folder")
        }
        let folderExisted = fm.fileExists(atPath: target)
        do { try fm.createDirectory(atPath: target, withIntermediateDirectories: true) } catch {
            throw .io("cannot create the case folder \(target): \(error.localizedDescription); choose another folder")
        }
        var created = [dbPath, dbPath + "-wal", dbPath + "-shm"]
        let discard = {
            for p in created { try? fm.removeItem(atPath: p) }
            try? fm.removeItem(atPath: path(target, photosName))
            if !folderExisted { try? fm.removeItem(atPath: target) }
        }
        do {
            // The trust anchor `ledger verify` starts from: the key bound in entry 0.
            try writeExclusive(pubPath, Array((caseRecord.stationKey + "\n").utf8), mode: 0o644)
            created.append(pubPath)
            return (try SQLiteDatabase(path: dbPath), discard)
        } catch {
            discard()
            throw SQLiteDatabase.map(error, target)
        }
    }

    /// Copies every row (and photo) in one read of this store and one write of `database`.
    func copyRows(into database: any CaseDatabase, _ start: CopyReport) throws(CaseStoreError) -> CopyReport {
        var report = start
        var digest = LedgerDigest()
        let photosInTarget = database is PostgresDatabase
        let targetFolder = (database as? SQLiteDatabase).map { ($0.path as NSString).deletingLastPathComponent }
        do {
            try self.database.read { source in
                try database.write { target in
                    for table in CaseStore.copiedTables {
                        var batch = [[SQLValue]]()
                        func flush() throws {
                            guard !batch.isEmpty else { return }
                            try CaseStore.insert(batch, into: table.record, target)
                            batch.removeAll(keepingCapacity: true)
                        }
                        let select = "SELECT \(table.record.columns.joined(separator: ", ")) FROM \(table.record.table)"
                        var count = 0
                        func take(_ row: SQLRow) throws {
                            count += 1
                            if table.record == LedgerEntryRecord.self { digest.add(try row.bytes(1)) }
                            batch.append(row.values)
                            if batch.count == CaseStore.copyBatch { try flush() }
                        }
                        if table.paged {
                            try source.forEachRowBySeq(select, key: table.key, pageSize: CaseStore.copyBatch) { try take($0) }
                        } else {
                            try source.forEachRow("\(select) ORDER BY \(table.key)", []) { try take($0) }
                        }
                        try flush()
                        switch table.record {
                        case is LedgerEntryRecord.Type: report.entries = count
                        case is ItemRecord.Type: report.items = count
                        case is AcquisitionRecord.Type: report.acquisitions = count
                        case is PhotoRecord.Type: report.photos = count
                        case is CheckpointRecord.Type: report.checkpoints = count
                        default: break
                        }
                    }
                    if photosInTarget {
                        try CaseStore.restartCheckpointNumbering(target)
                    }
                    try copyPhotoFiles(from: source, to: target, photosInTarget: photosInTarget, targetFolder: targetFolder)
                }
            }
        } catch {
            throw database.map(error)
        }
        report.ledgerSHA256 = digest.hex
        return report
    }

    /// Photo bytes: from the source's files or `photo_file` rows into the target's.
    func copyPhotoFiles(from source: any SQLExecutor, to target: any SQLExecutor, photosInTarget: Bool, targetFolder: String?) throws {
        var paths = Set<String>()
        try source.forEachRow("SELECT path FROM photo ORDER BY seq", []) { paths.insert(try $0.string(0)) }
        for relative in paths.sorted() {
            let data: Data?
            if keepsPhotosInDatabase {
                data = try source.row("SELECT data FROM photo_file WHERE path = ?", relative).map { try $0.data(0) }
            } else {
                data = FileManager.default.contents(atPath: path(relative))
            }
            guard let data else { throw CaseStoreError.io("photo \(relative) of the source case is missing: restore it (`custody ledger verify` names it); nothing was copied") }
            if photosInTarget {
                try target.execute("INSERT INTO photo_file (path, data) VALUES (?, ?)", relative, data)
            } else if let targetFolder {
                let file = CaseStore.path(targetFolder, relative)
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: file), options: .atomic)
            }
        }
    }

    /// One multi-row INSERT of `rows` into the record's table.
    static func insert(_ rows: [[SQLValue]], into record: any SQLRecord.Type, _ db: any SQLExecutor) throws {
        let marks = "(" + Array(repeating: "?", count: record.columns.count).joined(separator: ", ") + ")"
        let sql = "INSERT INTO \(record.table) (\(record.columns.joined(separator: ", "))) VALUES "
            + Array(repeating: marks, count: rows.count).joined(separator: ", ")
        try db.execute(sql, rows.flatMap { $0 })
    }

    /// The `CopyReport.ledgerSHA256` of this store's ledger.
    public func ledgerDigest() throws(CaseStoreError) -> String {
        var digest = LedgerDigest()
        for r in try lineRecords() { digest.add(Array(r.line)) }
        return digest.hex
    }
}

/// SHA-256 over stored lines, each framed by its length (8 bytes, big endian).
struct LedgerDigest {
    var hasher = SHA256()

    mutating func add(_ line: [UInt8]) {
        var length = UInt64(line.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
        hasher.update(data: line)
    }

    var hex: String { SHA256Hash(bytes: Array(hasher.finalize()))!.hex }
}

/// Table `item_identifier`, as a copy reads and writes it.
struct ItemIdentifierRow: SQLRecord {
    static let table = "item_identifier"
    static let columns = ["label", "kind", "value"]
    var label: String
    var kind: String
    var value: String
    init(row: SQLRow) throws { label = try row.string("label"); kind = try row.string("kind"); value = try row.string("value") }
    var sqlValues: [SQLValue] { [.text(label), .text(kind), .text(value)] }
}

/// Table `entry_subject` (schema 10), as a copy reads and writes it.
struct EntrySubjectRow: SQLRecord {
    static let table = "entry_subject"
    static let columns = ["label", "seq"]
    var label: String
    var seq: Int64
    init(row: SQLRow) throws { label = try row.string("label"); seq = try row.int64("seq") }
    var sqlValues: [SQLValue] { [.text(label), .integer(seq)] }
}

/// Table `item_text` (schema 5), as a copy reads and writes it; the target's own triggers or
/// indexes index it again.
struct ItemTextRow: SQLRecord {
    static let table = "item_text"
    static let columns = ["label", "seq", "text"]
    var label: String
    var seq: Int64
    var text: String
    init(row: SQLRow) throws { label = try row.string("label"); seq = try row.int64("seq"); text = try row.string("text") }
    var sqlValues: [SQLValue] { [.text(label), .integer(seq), .text(text)] }
}
