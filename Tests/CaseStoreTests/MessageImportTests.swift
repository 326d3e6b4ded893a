@testable import CaseStore
import Foundation
import GRDB
import Ledger
import SIMCard
import Testing

/// Message sources made with the tables their platforms define (Android's TelephonyProvider
/// `sms` table; iOS `sms.db` message/handle/chat and join tables), with Vietnamese messages
/// written for these tests.
enum MessageFixtures {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("messages-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Milliseconds since 1970 of 2026-03-01T02:15:00Z (09:15 in Hanoi).
    static let march1 = Int64(1_772_331_300_000)

    /// An Android `mmssms.db`: the `sms` table as Android's telephony provider creates it,
    /// with `threads` and `canonical_addresses` beside it.
    static func android(in dir: String, name: String = "mmssms.db") throws -> String {
        let path = dir + "/" + name
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE sms (_id INTEGER PRIMARY KEY,thread_id INTEGER,address TEXT,person INTEGER,date INTEGER,\
                date_sent INTEGER DEFAULT 0,protocol INTEGER,read INTEGER DEFAULT 0,status INTEGER DEFAULT -1,type INTEGER,\
                reply_path_present INTEGER,subject TEXT,body TEXT,service_center TEXT,locked INTEGER DEFAULT 0,\
                sub_id INTEGER DEFAULT -1,error_code INTEGER DEFAULT 0,creator TEXT,seen INTEGER DEFAULT 0);
                CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT,date INTEGER DEFAULT 0,message_count INTEGER DEFAULT 0,\
                recipient_ids TEXT,snippet TEXT,snippet_cs INTEGER DEFAULT 0,read INTEGER DEFAULT 1,archived INTEGER DEFAULT 0,\
                type INTEGER DEFAULT 0,error INTEGER DEFAULT 0,has_attachment INTEGER DEFAULT 0);
                CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT,address TEXT);
                """)
            let rows: [(Int64, String, Int64, Int64, Int64, String)] = [
                (3, "+84912345678", march1, 1, -1, "Nổ hũ đổi thưởng 100%, nạp lần đầu tặng 200k tại nohu88 . vip"),
                (7, "0987654321", march1 + 60_000, 2, 0, "Anh ơi tối nay mấy giờ về ăn cơm?"),
                (9, "0987654321", march1 + 120_000, 5, 64, "Em gửi lại nhé"),
            ]
            for (id, address, date, type, status, body) in rows {
                try db.execute(sql: "INSERT INTO sms (_id, thread_id, address, date, date_sent, read, status, type, body, service_center, sub_id) VALUES (?, 1, ?, ?, ?, 1, ?, ?, ?, '+84980200030', 2)",
                               arguments: [id, address, date, date - 3000, status, type, body])
            }
        }
        try queue.close()
        return path
    }

    /// An iOS `sms.db` with the columns of iOS's message table that the import reads among the
    /// ones around them, a received SMS (date in seconds since 2001), an iMessage sent in a
    /// chat (handle_id 0, date in nanoseconds) and a failed SMS.
    static func ios(in dir: String) throws -> String {
        let path = dir + "/sms.db"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
                CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, \
                service TEXT NOT NULL, uncanonicalized_id TEXT, UNIQUE (id, service));
                CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, \
                state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, \
                account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT);
                CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, \
                replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, \
                attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, \
                account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, \
                is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, \
                is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, \
                is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, \
                is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, \
                is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, \
                is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, \
                was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0);
                CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, \
                message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, PRIMARY KEY (chat_id, message_id));
                CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, \
                handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
                INSERT INTO handle (ROWID, id, country, service) VALUES (1, '+84901112233', 'vn', 'SMS'), (2, 'ban.hang@icloud.com', 'vn', 'iMessage');
                INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name) VALUES (1, 'iMessage;-;ban.hang@icloud.com', 45, 'ban.hang@icloud.com', 'iMessage');
                INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (1, 2);
                """)
            // 2026-03-01T02:15:00Z is 794_024_100 s after 2001-01-01.
            try db.execute(sql: """
                INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, is_read) VALUES
                  (11, 'A1B2C3D4-0000-4000-8000-000000000011', 'Vay tiền nhanh, giải ngân trong 5 phút, không thẩm định. LH 0912.345.678', 1, 'SMS', 794024100, 0, 1);
                INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, is_sent, is_delivered) VALUES
                  (12, 'A1B2C3D4-0000-4000-8000-000000000012', 'Làm bằng đại học các trường, nhận hồ sơ qua Zalo', 0, 'iMessage', 794024160000000000, 1, 1, 1);
                INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, is_sent, error) VALUES
                  (13, 'A1B2C3D4-0000-4000-8000-000000000013', 'Dạ vâng ạ', 1, 'SMS', 794024220, 1, 0, 22);
                INSERT INTO chat_message_join (chat_id, message_id) VALUES (1, 12);
                """)
        }
        try queue.close()
        return path
    }

    /// A sender-software log: BOM, CRLF, times in +07:00.
    static func senderLog(in dir: String, name: String = "sender.csv", rows: [String]? = nil) throws -> String {
        let path = dir + "/" + name
        let lines = ["time,direction,from,to,text,status,port"] + (rows ?? [
            "2026-03-01T09:15:00+07:00,out,0961000001,0912000001,\"Casino trực tuyến, nạp 100k tặng 100k: https://Bai88.VIP/km\",delivered,3",
            "2026-03-01T09:15:02+07:00,out,0961000002,0912000002,\"Casino trực tuyến, nạp 200k tặng 200k: https://Bai88.VIP/km\",failed,4",
        ])
        try Data(([0xEF, 0xBB, 0xBF] as [UInt8]) + Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A])
            .write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite struct MessageImportTests {
    /// A case with a technician and a phone to import into.
    func caseWithPhone(_ backend: Backend, _ name: String = #function) throws -> TempCase {
        let c = try TempCase(backend, name)
        try c.store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        try c.store.addDevice(DeviceSpec(label: "PH-01", type: .device(.phone)), by: "tech1")
        return c
    }

    func messages(_ store: CaseStore) throws -> [MessageRecord] {
        var out = [MessageRecord]()
        try store.forEachMessage { out.append($0) }
        return out
    }

    @Test func aRelativeOrOddPathBecomesAnAbsoluteReadOnlyURI() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(MessageFile.readOnlyURI("out/PH 01#1.db") == "file://" + cwd + "/out/PH%2001%231.db?mode=ro&immutable=1")
        #expect(MessageFile.readOnlyURI("/evidence/sms.db") == "file:///evidence/sms.db?mode=ro&immutable=1")
    }

    @Test(arguments: Backend.all) func anAndroidDatabaseImportsEveryRowWithItsPointerAndLeavesTheFileUntouched(_ backend: Backend) throws {
        let c = try caseWithPhone(backend)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try MessageFixtures.android(in: dir)
        let before = try FileManager.default.attributesOfItem(atPath: file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))

        let outcome = try c.store.importMessages(file: file, item: "PH-01", format: nil, by: "tech1")

        #expect(outcome.format == .android)
        #expect(outcome.rows == 3)
        let rows = try messages(c.store)
        #expect(rows.map(\.sourceRow) == ["3", "7", "9"])
        #expect(rows.allSatisfy { $0.item == "PH-01" && $0.entry == outcome.entry.entry.sequence && $0.source == .android })
        #expect(rows[0].time == "2026-03-01T02:15:00Z")
        #expect(rows[0].originalTime == String(MessageFixtures.march1))
        #expect(rows[0].direction == .incoming && rows[0].counterpart == "+84912345678" && rows[0].status == "received")
        #expect(rows[1].direction == .outgoing && rows[1].status == "delivered")
        #expect(rows[2].status == "failed")
        #expect(rows.allSatisfy { $0.subID == 2 })
        #expect(rows[0].text == "Nổ hũ đổi thưởng 100%, nạp lần đầu tặng 200k tại nohu88 . vip".precomposedStringWithCanonicalMapping)
        let payload = outcome.entry.entry.payload
        #expect(outcome.entry.entry.action == .messagesImport)
        #expect(payload["sha256"] == .string(SHA256Hash.of([UInt8](bytes)).hex))
        #expect(payload["rows"] == .integer(3) && payload["format"] == .string("android") && payload["item"] == .string("PH-01"))
        #expect(payload["bytes"] == .integer(Int64(bytes.count)) && payload["file"] == .string("mmssms.db"))
        // The evidence: same bytes, same modification time, no journal files beside it.
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes)
        let after = try FileManager.default.attributesOfItem(atPath: file)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
        #expect(!FileManager.default.fileExists(atPath: file + "-wal") && !FileManager.default.fileExists(atPath: file + "-shm"))
        #expect(try c.store.verify().failure == nil)
    }

    @Test(arguments: Backend.all) func anIOSDatabaseGivesROWIDAndGUIDAndReadsBothDateUnits(_ backend: Backend) throws {
        let c = try caseWithPhone(backend)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try c.store.importMessages(file: try MessageFixtures.ios(in: dir), item: "PH-01", format: .ios, by: "tech1")
        #expect(outcome.rows == 3)
        let rows = try messages(c.store)
        #expect(rows.map(\.sourceRow) == ["11", "12", "13"])
        #expect(rows[0].sourceGUID == "A1B2C3D4-0000-4000-8000-000000000011")
        #expect(rows[0].time == "2026-03-01T02:15:00Z" && rows[0].direction == .incoming && rows[0].counterpart == "+84901112233")
        #expect(rows[0].status == "read" && rows[0].service == "SMS")
        // Sent in a chat: no handle on the message, the chat's handle is the recipient; nanoseconds.
        #expect(rows[1].time == "2026-03-01T02:16:00Z" && rows[1].direction == .outgoing && rows[1].counterpart == "ban.hang@icloud.com")
        #expect(rows[1].service == "iMessage" && rows[1].status == "delivered")
        #expect(rows[2].status == "failed")
    }

    @Test(arguments: Backend.all) func aSenderLogWithBOMAndCRLFKeepsItsRowNumbersPortsAndOwnNumbers(_ backend: Backend) throws {
        let c = try caseWithPhone(backend)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try c.store.importMessages(file: try MessageFixtures.senderLog(in: dir), item: "PH-01", format: nil, by: "tech1")
        #expect(outcome.format == .csv)
        let rows = try messages(c.store)
        #expect(rows.map(\.sourceRow) == ["1", "2"])
        #expect(rows[0].time == "2026-03-01T02:15:00Z" && rows[0].originalTime == "2026-03-01T09:15:00+07:00")
        #expect(rows[0].direction == .outgoing && rows[0].counterpart == "0912000001" && rows[0].ownAddress == "0961000001")
        #expect(rows.map(\.port) == [3, 4] && rows.map(\.status) == ["delivered", "failed"])
        #expect(rows[0].text == "Casino trực tuyến, nạp 100k tặng 100k: https://Bai88.VIP/km")
    }

    @Test(arguments: Backend.all) func theSameFileTwiceAForeignOrCorruptFileAndABadRowImportNothing(_ backend: Backend) throws {
        let c = try caseWithPhone(backend)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let android = try MessageFixtures.android(in: dir)
        let first = try c.store.importMessages(file: android, item: "PH-01", format: nil, by: "tech1")
        let entries = try c.entryCount()

        func refusal(_ file: String, _ format: MessageSource? = nil) -> String {
            do {
                try c.store.importMessages(file: file, item: "PH-01", format: format, by: "tech1")
                return "imported"
            } catch { return error.description }
        }
        let again = refusal(android)
        #expect(again.contains("already imported by entry \(first.entry.entry.sequence)") && again.hasSuffix("nothing was written"))

        let foreign = dir + "/contacts.db"
        try DatabaseQueue(path: foreign).write { db in try db.execute(sql: "CREATE TABLE contact (id INTEGER, name TEXT)") }
        #expect(refusal(foreign).contains("without the tables of an Android mmssms.db"))

        var corrupt = try Data(contentsOf: URL(fileURLWithPath: try MessageFixtures.android(in: dir, name: "cut.db")))
        corrupt.replaceSubrange(100..<corrupt.count, with: Data(repeating: 0x5A, count: corrupt.count - 100))
        try corrupt.write(to: URL(fileURLWithPath: dir + "/cut.db"))
        #expect(refusal(dir + "/cut.db").contains("cut.db"))

        let badRow = try MessageFixtures.senderLog(in: dir, name: "bad.csv", rows: [
            "2026-03-01T09:15:00+07:00,out,0961000001,0912000001,Chào anh,sent,1",
            "2026-03-01 09:16:00,out,0961000001,0912000001,Chào anh,sent,1",
        ])
        let badTime = refusal(badRow)
        #expect(badTime.contains("line 3: time \"2026-03-01 09:16:00\" is not ISO 8601 with an offset"))
        #expect(refusal(android, .ios).contains("--format ios was given but the file is an android database"))

        #expect(try c.entryCount() == entries)
        #expect(try c.store.messageCount() == 3)
    }

    @Test(arguments: Backend.all) func smsReadFromASIMJoinTheTableOnceWithTheirRecordPointers(_ backend: Backend) throws {
        let c = try caseWithPhone(backend)
        defer { c.remove() }
        var read = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .full, reason: "")
        read.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"8984012204000123456","luhnValid":true}"#.utf8))
        read.complete = true
        read.incompleteReason = nil
        read.summary = try JSONDecoder().decode(AcquisitionSummary.self, from: Data("""
            {"messages": [
              {"file": "3F00/7F10/6F3C", "record": 1, "status": "read", "deletedResidue": false, "direction": "received",
               "party": "+84912345678", "time": "2026-03-01T09:15:00+07:00", "text": "Tài khoản của quý khách bị khóa, nhập mã OTP tại vcb-xacminh.top"},
              {"file": "3F00/7F10/6F3C", "record": 4, "status": "free", "deletedResidue": true, "direction": "sent",
               "party": "0912000001", "text": "Nổ hũ đổi thưởng"},
              {"file": "3F00/7F10/6F3C", "record": 5, "status": "read", "deletedResidue": false, "direction": "status report",
               "party": "0912000001", "time": "2026-03-01T09:16:00+07:00"}
            ], "concatenatedMessages": [], "contacts": [], "ownNumbers": [], "locations": [], "forbiddenNetworks": [],
            "smsRecords": 10, "smsUsed": 2, "smsDeletedResidue": 1}
            """.utf8))
        let first = try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech1")
        try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech1")

        let rows = try messages(c.store)
        #expect(rows.map(\.sourceRow) == ["3F00/7F10/6F3C#1", "3F00/7F10/6F3C#4"])
        #expect(rows.allSatisfy { $0.source == .sim && $0.item == "SIM-8984012204000123456" && $0.entry == first.entry.entry.sequence })
        #expect(rows[0].time == "2026-03-01T02:15:00Z" && rows[0].direction == .incoming)
        #expect(rows[1].status == "deleted" && rows[1].direction == .outgoing && rows[1].time == nil)
        #expect(try c.store.verify().failure == nil)
    }

    @Test(.enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
    func aCaseCopiedToPostgreSQLAndBackKeepsItsMessagesAndImports() throws {
        let c = try caseWithPhone(.sqlite)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let android = try MessageFixtures.android(in: dir)
        try c.store.importMessages(file: android, item: "PH-01", format: nil, by: "tech1")
        try c.store.importMessages(file: try MessageFixtures.senderLog(in: dir), item: "PH-01", format: nil, by: "tech1")
        let (shared, _) = try c.store.copy(to: try PostgresTestServer.newDatabase())
        #expect(try messages(shared) == messages(c.store))
        #expect(try shared.messageImports() == c.store.messageImports())
        let frozen = c.directory + "-frozen"
        defer { try? FileManager.default.removeItem(atPath: frozen) }
        let (copy, _) = try shared.copy(to: frozen)
        #expect(try messages(copy) == messages(c.store))
        #expect(try copy.verify().isValid)
        // The copy still knows the files it holds.
        try FileManager.default.copyItem(atPath: c.directory + "/" + CaseStore.keyName, toPath: frozen + "/own.key")
        let signing = try CaseStore.open(directory: frozen, stationKeyFile: frozen + "/own.key")
        #expect(throws: CaseStoreError.self) { try signing.importMessages(file: android, item: "PH-01", format: nil, by: "tech1") }
    }

    @Test func aTamperedMessageCountFailsVerification() throws {
        let c = try caseWithPhone(.sqlite)
        defer { c.remove() }
        let dir = try MessageFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try c.store.importMessages(file: try MessageFixtures.android(in: dir), item: "PH-01", format: nil, by: "tech1")
        try c.raw().write { db in try db.execute(sql: "DELETE FROM message WHERE sourceRow = '7'") }
        #expect(try c.store.verify().failure == "entry \(outcome.entry.entry.sequence) (messages.import) imported 3 messages but table message holds 2 from it")
        try c.raw().write { db in try db.execute(sql: "DELETE FROM message_import") }
        #expect(try c.store.verify().failure == "entry \(outcome.entry.entry.sequence) (messages.import) has no row in table message_import")
    }
}
