import Foundation
import GRDB
import Ledger
import SIMCard

/// One message source file read whole, before anything is written (docs/ANALYSIS.md,
/// "Sources"): an Android `mmssms.db`, an iOS `sms.db` or a sender-software CSV log.
/// SQLite files are opened read-only and immutable (`file:…?mode=ro&immutable=1`): SQLite then
/// takes no lock, writes no `-wal` or `-shm` file and never replays a journal into the evidence.
struct MessageFile {
    var format: MessageSource
    var sha256: String
    var bytes: Int64
    /// The messages, without item and entry (the import sets them).
    var messages: [MessageRecord]

    /// The first 16 bytes of every SQLite 3 database.
    static let sqliteMagic = Array("SQLite format 3\0".utf8)

    static func read(path: String, format requested: MessageSource?) throws(CaseStoreError) -> MessageFile {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("cannot read \(path): check the path and its permissions; nothing was written")
        }
        let sha = SHA256Hash.of([UInt8](data)).hex
        let isSQLite = data.starts(with: sqliteMagic)
        var format = requested
        if format == .sim {
            throw .invalidInput("--format sim is not a file format: SMS on SIMs come in with `custody sim read`; use android, ios or csv")
        }
        do {
            let messages: [MessageRecord]
            if isSQLite {
                let database = try openReadOnly(path)
                let detected = try database.read { db in try detect(db) }
                guard let found = detected else {
                    throw Problem("it is a SQLite database without the tables of an Android mmssms.db (sms) or an iOS sms.db (message, handle)")
                }
                if let format, format != found { throw Problem("--format \(format.rawValue) was given but the file is an \(found.rawValue) database") }
                format = found
                messages = try database.read { db in
                    found == .android ? try androidMessages(GRDBExecutor(db)) : try iosMessages(GRDBExecutor(db))
                }
            } else {
                if let format, format != .csv { throw Problem("--format \(format.rawValue) was given but the file is not a SQLite database") }
                format = .csv
                messages = try SenderLogCSV.messages(data)
            }
            return MessageFile(format: format!, sha256: sha, bytes: Int64(data.count), messages: messages)
        } catch let problem as Problem {
            throw .invalidInput("\(name) is not a message source Custody reads: \(problem.message); nothing was written")
        } catch let e as CaseStoreError {
            throw e
        } catch let e as DatabaseError {
            throw .invalidInput("\(name) is not a readable SQLite database (\(e.message ?? "\(e.resultCode)")): check that the copy is whole; nothing was written")
        } catch {
            throw .invalidInput("\(name) cannot be read as a message source (\(error)); nothing was written")
        }
    }

    /// Why a file is not a source, for the one line the import prints.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// A connection that cannot change `path`: `mode=ro` and `immutable=1` in the URI, the
    /// connection itself read-only.
    static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.label = "custody.message-source"
        return try DatabaseQueue(path: readOnlyURI(path), configuration: config)
    }

    /// `file:///ABSOLUTE/PATH?mode=ro&immutable=1`, the path percent-encoded. A relative path is
    /// made absolute first: without the `file:` scheme SQLite would take the whole string, query
    /// included, as a file name and find no such file.
    static func readOnlyURI(_ path: String) -> String {
        var uri = URLComponents(url: URL(fileURLWithPath: path).absoluteURL, resolvingAgainstBaseURL: true)!
        uri.queryItems = [URLQueryItem(name: "mode", value: "ro"), URLQueryItem(name: "immutable", value: "1")]
        return uri.string!
    }

    /// `android` when the database has table `sms` with `_id`, `address`, `date`, `type` and
    /// `body`; `ios` when it has `message` (`ROWID`, `guid`, `text`, `date`, `is_from_me`) and
    /// `handle`; else nil.
    static func detect(_ db: Database) throws -> MessageSource? {
        func columns(_ table: String) throws -> Set<String> {
            guard try db.tableExists(table) else { return [] }
            return Set(try db.columns(in: table).map { $0.name.lowercased() })
        }
        if try columns("sms").isSuperset(of: ["_id", "address", "date", "type", "body"]) { return .android }
        if try columns("message").isSuperset(of: ["guid", "text", "date", "is_from_me", "handle_id"]),
           try columns("handle").isSuperset(of: ["id"]) { return .ios }
        return nil
    }

    /// Android `sms.type`: 1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued.
    static let androidTypes: [Int64: String] = [1: "received", 2: "sent", 3: "draft", 4: "outbox", 5: "failed", 6: "queued"]

    static func androidMessages(_ db: any SQLExecutor) throws -> [MessageRecord] {
        let subID = try db.rows("SELECT name FROM pragma_table_info('sms') WHERE name = 'sub_id'").isEmpty ? "NULL" : "sub_id"
        var out = [MessageRecord]()
        try db.forEachRow("SELECT _id, address, date, type, status, body, \(subID) FROM sms ORDER BY _id", []) { r in
            let id = try r.int64(0)
            let type = try r.optionalInt64(3) ?? 0
            guard let kind = androidTypes[type] else { throw Problem("sms row _id \(id) has type \(type), not 1–6") }
            // `status` 0 is TP-Status "complete": a sent message the network delivered.
            let deliveryStatus = try r.optionalInt64(4)
            let status = type == 2 && deliveryStatus == 0 ? "delivered" : kind
            let millis = try r.optionalInt64(2)
            out.append(MessageRecord(item: "", source: .android, sourceRow: String(id),
                                     time: millis.map { MessageTime.utc(Date(timeIntervalSince1970: Double($0) / 1000)) },
                                     originalTime: millis.map(String.init), direction: type == 1 ? .incoming : .outgoing,
                                     counterpart: try r.optionalString(1), text: try r.optionalString(5) ?? "", status: status,
                                     subID: try r.optionalInt64(6)))
        }
        return out
    }

    /// Seconds from 1970 to 2001-01-01, the epoch of iOS times.
    static let appleEpoch: Double = 978_307_200

    /// An iOS `message.date`: seconds since 2001 (iOS 10 and earlier) or nanoseconds (iOS 11
    /// and later): values above 10^11 (year 5170 in seconds) are nanoseconds.
    static func iosDate(_ value: Int64) -> Date {
        let seconds = abs(value) > 100_000_000_000 ? Double(value) / 1e9 : Double(value)
        return Date(timeIntervalSince1970: appleEpoch + seconds)
    }

    static func iosMessages(_ db: any SQLExecutor) throws -> [MessageRecord] {
        // A message sent in a chat has handle_id 0: the chat's handle names the recipient.
        let sql = """
            SELECT m.ROWID, m.guid, m.text, m.service, m.is_from_me, m.date, m.is_delivered, m.is_sent, m.error, m.is_read,
                   COALESCE(h.id, (SELECT h2.id FROM chat_message_join cm JOIN chat_handle_join ch ON ch.chat_id = cm.chat_id
                                   JOIN handle h2 ON h2.ROWID = ch.handle_id WHERE cm.message_id = m.ROWID ORDER BY h2.ROWID LIMIT 1))
            FROM message m LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.ROWID
            """
        var out = [MessageRecord]()
        try db.forEachRow(sql, []) { r in
            let fromMe = try r.optionalInt64(4) == 1
            let (error, delivered, sent, read) = (try r.optionalInt64(8) ?? 0, try r.optionalInt64(6), try r.optionalInt64(7), try r.optionalInt64(9))
            let status = !fromMe ? (read == 1 ? "read" : "unread") : error != 0 ? "failed" : delivered == 1 ? "delivered" : sent == 1 ? "sent" : "outbox"
            let date = try r.optionalInt64(5)
            out.append(MessageRecord(item: "", source: .ios, sourceRow: String(try r.int64(0)), sourceGUID: try r.optionalString(1),
                                     time: date.map { MessageTime.utc(iosDate($0)) }, originalTime: date.map(String.init),
                                     direction: fromMe ? .outgoing : .incoming, counterpart: try r.optionalString(10),
                                     text: try r.optionalString(2) ?? "", status: status, service: try r.optionalString(3) ?? "SMS"))
        }
        return out
    }
}

/// The CSV of sender-software logs (docs/ANALYSIS.md, "Sources"): UTF-8 (a BOM accepted), CRLF
/// or LF, a header row with the columns `time,direction,from,to,text,status,port` (in any
/// order; other columns are refused so that a misnamed one is not silently dropped).
enum SenderLogCSV {
    static let columns = ["time", "direction", "from", "to", "text", "status", "port"]
    static let statuses: Set<String> = ["sent", "delivered", "failed", "received"]

    static func messages(_ data: Data) throws -> [MessageRecord] {
        let records: [(line: Int, fields: [String])]
        do { records = try CSVText.records(data) } catch { throw MessageFile.Problem(error.message) }
        guard let header = records.first else { throw MessageFile.Problem("the file is empty") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard Set(names) == Set(columns), names.count == columns.count else {
            throw MessageFile.Problem("the header must name the columns \(columns.joined(separator: ",")) (it names \(names.joined(separator: ",")))")
        }
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var out = [MessageRecord]()
        for (index, record) in records.dropFirst().enumerated() {
            func fail(_ why: String) -> MessageFile.Problem { MessageFile.Problem("line \(record.line): \(why)") }
            guard record.fields.count == columns.count else { throw fail("\(record.fields.count) fields, the header has \(columns.count)") }
            func field(_ name: String) -> String { record.fields[position[name]!].trimmingCharacters(in: .whitespaces) }
            let time = field("time")
            guard let date = MessageTime.date(iso8601: time) else {
                throw fail("time \"\(time)\" is not ISO 8601 with an offset (e.g. 2026-03-01T09:15:00+07:00)")
            }
            guard let direction = MessageDirection(rawValue: field("direction")) else {
                throw fail("direction \"\(field("direction"))\" is not in or out")
            }
            let status = field("status")
            guard statuses.contains(status) else { throw fail("status \"\(status)\" is not sent, delivered, failed or received") }
            var port: Int64? = nil
            if !field("port").isEmpty {
                guard let n = Int64(field("port")), n >= 0 else { throw fail("port \"\(field("port"))\" is not a whole number") }
                port = n
            }
            func address(_ name: String) -> String? { field(name).isEmpty ? nil : field(name) }
            let (counterpart, own) = direction == .outgoing ? (address("to"), address("from")) : (address("from"), address("to"))
            out.append(MessageRecord(item: "", source: .csv, sourceRow: String(index + 1), time: MessageTime.utc(date), originalTime: time,
                                     direction: direction, counterpart: counterpart, ownAddress: own,
                                     text: record.fields[position["text"]!], status: status, port: port))
        }
        guard !out.isEmpty else { throw MessageFile.Problem("the file holds a header but no messages") }
        return out
    }
}
