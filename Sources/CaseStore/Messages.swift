import Foundation
import Ledger
import SIMCard

// The case's messages (docs/CASE-STORE.md, "Messages"): SMS and iMessages imported from phone
// databases and sender-software logs (`messages.import`), and the SMS read from SIMs, which the
// acquisition that read them adds (`sim.acquire` / `sim.reread`). Every row points back to the
// place it came from, so a prosecutor can cite it (docs/ANALYSIS.md, "How to cite a message").

extension LedgerAction {
    /// Imports every message of one phone database or sender log, all or nothing.
    public static let messagesImport: LedgerAction = "messages.import"
}

/// Where a message was read from.
public enum MessageSource: String, Sendable, Codable, CaseIterable {
    /// An Android `mmssms.db` (table `sms`).
    case android
    /// An iOS `sms.db` (tables `message`, `handle`, `chat` and their join tables).
    case ios
    /// A sender-software log in the CSV of docs/ANALYSIS.md.
    case csv
    /// An EF.SMS record of a SIM acquisition.
    case sim
}

/// Which way a message went, seen from the seized device or SIM.
public enum MessageDirection: String, Sendable, Codable {
    case incoming = "in"
    case outgoing = "out"
}

/// Table `message` (schema 6): one message, with the pointer to its source row.
public struct MessageRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "message"
    static let columns = ["id", "item", "source", "entry", "sourceRow", "sourceGUID", "time", "originalTime", "direction",
                          "counterpart", "ownAddress", "text", "status", "service", "port", "subID"]
    /// Position in the case's message table, in import order (1, 2, …); not part of the pointer.
    public var id: Int64
    /// The item the messages were read from: the phone (or its extraction), the sender's
    /// computer, or the SIM.
    public var item: String
    public var source: MessageSource
    /// The ledger entry that brought the message in: the `messages.import` entry, or for a SIM
    /// message the `sim.acquire` / `sim.reread` entry of the acquisition that read it.
    public var entry: Int64
    /// The row in the source: Android `_id`, iOS `ROWID`, the CSV data-row number (1 = the
    /// first row after the header), or for a SIM message `<EF path>#<record number>`.
    public var sourceRow: String
    /// iOS `guid`.
    public var sourceGUID: String?
    /// UTC, ISO 8601 (`2026-03-01T02:15:00Z`); nil when the source gives none.
    public var time: String?
    /// The time as the source wrote it (Android ms, iOS seconds or nanoseconds since 2001, the
    /// CSV text, the SIM's service-centre time stamp).
    public var originalTime: String?
    public var direction: MessageDirection
    /// The other party: sender of a received message, recipient of a sent one.
    public var counterpart: String?
    /// The seized side's own number, when the source names it (CSV `from` of a sent message).
    public var ownAddress: String?
    /// NFC.
    public var text: String
    /// received, sent, delivered, failed, draft, outbox, queued, read, unread, deleted.
    public var status: String?
    /// `SMS` or `iMessage`.
    public var service: String
    /// The SIM-box port of a sender log.
    public var port: Int64?
    /// Android `sub_id` (the SIM slot's subscription).
    public var subID: Int64?

    public init(id: Int64 = 0, item: String, source: MessageSource, entry: Int64 = 0, sourceRow: String, sourceGUID: String? = nil,
                time: String?, originalTime: String?, direction: MessageDirection, counterpart: String?, ownAddress: String? = nil,
                text: String, status: String?, service: String = "SMS", port: Int64? = nil, subID: Int64? = nil) {
        self.id = id; self.item = item; self.source = source; self.entry = entry; self.sourceRow = sourceRow
        self.sourceGUID = sourceGUID; self.time = time; self.originalTime = originalTime; self.direction = direction
        self.counterpart = counterpart; self.ownAddress = ownAddress; self.text = text.precomposedStringWithCanonicalMapping
        self.status = status; self.service = service; self.port = port; self.subID = subID
    }

    init(row: SQLRow) throws {
        id = try row.int64("id")
        item = try row.string("item")
        let sourceName = try row.string("source")
        guard let source = MessageSource(rawValue: sourceName) else { throw SQLTypeMismatch(description: "message source \(sourceName)") }
        self.source = source
        entry = try row.int64("entry")
        sourceRow = try row.string("sourceRow")
        sourceGUID = try row.optionalString("sourceGUID")
        time = try row.optionalString("time")
        originalTime = try row.optionalString("originalTime")
        let directionName = try row.string("direction")
        guard let direction = MessageDirection(rawValue: directionName) else {
            throw SQLTypeMismatch(description: "message direction \(directionName)")
        }
        self.direction = direction
        counterpart = try row.optionalString("counterpart")
        ownAddress = try row.optionalString("ownAddress")
        text = try row.string("text")
        status = try row.optionalString("status")
        service = try row.string("service")
        port = try row.optionalInt64("port")
        subID = try row.optionalInt64("subID")
    }

    var sqlValues: [SQLValue] {
        func text(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
        func integer(_ i: Int64?) -> SQLValue { i.map { .integer($0) } ?? .null }
        return [.integer(id), .text(item), .text(source.rawValue), .integer(entry), .text(sourceRow), text(sourceGUID), text(time),
                text(originalTime), .text(direction.rawValue), text(counterpart), text(ownAddress), .text(self.text), text(status),
                .text(service), integer(port), integer(subID)]
    }
}

/// Table `message_import` (schema 6): one row per imported file, so that the same file
/// (same SHA-256) is refused the second time inside the import's own transaction.
public struct MessageImportRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "message_import"
    static let columns = ["seq", "item", "file", "sha256", "bytes", "format", "rows"]
    /// The `messages.import` entry.
    public var seq: Int64
    public var item: String
    public var file: String
    public var sha256: String
    public var bytes: Int64
    public var format: MessageSource
    public var rows: Int64

    init(seq: Int64, item: String, file: String, sha256: String, bytes: Int64, format: MessageSource, rows: Int64) {
        self.seq = seq; self.item = item; self.file = file; self.sha256 = sha256; self.bytes = bytes; self.format = format; self.rows = rows
    }

    init(row: SQLRow) throws {
        seq = try row.int64("seq"); item = try row.string("item"); file = try row.string("file"); sha256 = try row.string("sha256")
        bytes = try row.int64("bytes"); rows = try row.int64("rows")
        let name = try row.string("format")
        guard let format = MessageSource(rawValue: name) else { throw SQLTypeMismatch(description: "message import format \(name)") }
        self.format = format
    }

    var sqlValues: [SQLValue] {
        [.integer(seq), .text(item), .text(file), .text(sha256), .integer(bytes), .text(format.rawValue), .integer(rows)]
    }
}

/// What `importMessages` did.
public struct MessageImportOutcome: Sendable {
    public var entry: SignedEntry
    public var format: MessageSource
    public var rows: Int
    public var sha256: String
    public var bytes: Int64
}

extension CaseStore {
    /// Rows per INSERT statement when messages are stored.
    static let messageBatch = 200

    /// `messages import`: every message of `file` (format detected from its content when
    /// `format` is nil) into item `label`, with one `messages.import` entry (file name,
    /// SHA-256, bytes, format, rows, item) in the same transaction. SQLite sources are opened
    /// read-only and immutable (`MessageFile`). The same file imported before is refused; a
    /// file that is not one of the formats, or holds a bad row, imports nothing.
    @discardableResult
    public func importMessages(file: String, item label: String, format: MessageSource?, by examiner: String) throws(CaseStoreError) -> MessageImportOutcome {
        let source = try MessageFile.read(path: file, format: format)
        let name = (file as NSString).lastPathComponent
        let payload: [String: CanonicalJSON] = [
            "file": .string(name), "sha256": .string(source.sha256), "bytes": .integer(source.bytes),
            "format": .string(source.format.rawValue), "rows": .integer(Int64(source.messages.count)), "item": .string(label),
        ]
        let entry = try append(examiner: examiner, action: .messagesImport, subjects: [label], payload: payload) { db, seq in
            guard try CaseStore.itemExists(db, label) else { throw CaseStoreError.unknownItem(label) }
            if let earlier = try MessageImportRecord.fetchOne(db, "WHERE sha256 = ?", source.sha256) {
                throw CaseStoreError.invalidInput("\(name) (SHA-256 \(source.sha256)) was already imported by entry \(earlier.seq) "
                    + "into \(earlier.item) as \(earlier.file): the same file is imported once; nothing was written")
            }
            try MessageImportRecord(seq: seq, item: label, file: name, sha256: source.sha256, bytes: source.bytes,
                                    format: source.format, rows: Int64(source.messages.count)).insert(db)
            try CaseStore.insertMessages(source.messages.map { m in
                var m = m
                m.item = label
                m.entry = seq
                return m
            }, db)
        }
        return MessageImportOutcome(entry: entry, format: source.format, rows: source.messages.count, sha256: source.sha256, bytes: source.bytes)
    }

    /// Inserts `messages`, numbering them after the table's last `id` (the write transaction
    /// holds the store's one write lock, so the numbers cannot collide).
    static func insertMessages(_ messages: [MessageRecord], _ db: any SQLExecutor) throws {
        var next = (try db.integer("SELECT max(id) FROM message") ?? 0) + 1
        var batch = [[SQLValue]]()
        for var m in messages {
            m.id = next
            next += 1
            batch.append(m.sqlValues)
            if batch.count == messageBatch {
                try insert(batch, into: MessageRecord.self, db)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try insert(batch, into: MessageRecord.self, db) }
    }

    /// The SMS of a SIM acquisition's summary as messages of the SIM item, without those an
    /// earlier read of the same SIM already added (same EF path and record): a re-read adds
    /// only records the earlier reads lacked, so a SIM's SMS are in the table once, each
    /// pointing at the first acquisition that held it. Status reports and records whose text
    /// did not decode are left out (they stay in the acquisition record).
    static func addSIMMessages(_ db: any SQLExecutor, acquisition seq: Int64, item: String, record: Data) throws {
        guard let summary = try? JSONDecoder().decode(StoredSummary.self, from: record).summary, !summary.messages.isEmpty else { return }
        var known = Set<String>()
        try db.forEachRow("SELECT sourceRow FROM message WHERE item = ? AND source = 'sim'", [.text(item)]) { known.insert(try $0.string(0)) }
        var rows = [MessageRecord]()
        for m in summary.messages {
            guard let text = m.text, m.direction != "status report" else { continue }
            let pointer = "\(m.file)#\(m.record)"
            guard known.insert(pointer).inserted else { continue }
            let status = m.deletedResidue ? "deleted" : m.status.rawValue
            rows.append(MessageRecord(item: item, source: .sim, entry: seq, sourceRow: pointer, time: m.time.flatMap(MessageTime.utc(iso8601:)),
                                      originalTime: m.time, direction: m.direction == "sent" ? .outgoing : .incoming,
                                      counterpart: m.party, text: text, status: status))
        }
        try insertMessages(rows, db)
    }

    /// `addSIMMessages` for every acquisition already stored, in `seq` order: schema 6's
    /// migration (SQLite) and upgrade (PostgreSQL).
    /// (Each page of acquisitions is read whole before its rows are added.)
    @Sendable static func addStoredSIMMessages(_ db: any SQLExecutor) throws {
        try db.forEachRowBySeq("SELECT seq, item, record FROM acquisition") { row in
            guard let item = try row.optionalString(1) else { return }
            try addSIMMessages(db, acquisition: try row.int64(0), item: item, record: try row.data(2))
        }
    }

    /// The part of a stored acquisition record that holds its SMS.
    private struct StoredSummary: Decodable {
        var summary: AcquisitionSummary?
    }

    // MARK: Reading

    /// Every message of the case in `id` order, one page at a time (a PostgreSQL query holds
    /// its whole result in memory): what `campaigns`, `indicators` and the bundle read.
    public func forEachMessage(_ body: (MessageRecord) throws -> Void) throws(CaseStoreError) {
        try read { db in
            try db.forEachRowBySeq(MessageRecord.select(""), key: "id", pageSize: 2000) { try body(MessageRecord(row: $0)) }
        }
    }

    /// The messages `entry` brought in (a `messages.import`, or a SIM read), in `id` order, a
    /// page at a time.
    public func forEachMessage(entry: Int64, _ body: (MessageRecord) throws -> Void) throws(CaseStoreError) {
        try read { db in
            var after = Int64.min
            while true {
                let page = try MessageRecord.fetchAll(db, "WHERE entry = ? AND id > ? ORDER BY id LIMIT 2000", entry, after)
                for m in page { try body(m) }
                guard let last = page.last else { return }
                after = last.id
            }
        }
    }

    /// The number of messages in the case.
    public func messageCount() throws(CaseStoreError) -> Int {
        try read { db in Int(try db.integer("SELECT count(*) FROM message") ?? 0) }
    }

    /// The imported files, in import order.
    public func messageImports() throws(CaseStoreError) -> [MessageImportRecord] {
        try read { db in try MessageImportRecord.fetchAll(db, "ORDER BY seq") }
    }
}

/// Times of messages as the store keeps them: UTC, ISO 8601, whole seconds.
public enum MessageTime {
    /// `date` as `2026-03-01T02:15:00Z`.
    public static func utc(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// An ISO 8601 time with an offset (or `Z`), fractional seconds allowed, as UTC; nil when
    /// it is not one.
    public static func utc(iso8601 text: String) -> String? { date(iso8601: text).map(utc) }

    /// The instant an ISO 8601 time with an offset names; nil without an offset or when malformed.
    public static func date(iso8601 text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let d = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return d }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
