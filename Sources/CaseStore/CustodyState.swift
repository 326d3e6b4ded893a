import Foundation
import Ledger

// Custody on the shelf (docs/CASE-STORE.md, "Custody on the shelf"): storage locations are items
// of type `location` (room ▸ shelf ▸ box through the parent link); every move, check-out,
// check-in and disposal is a signed entry, and table `custody_state` (schema 7) keeps each
// item's current state, updated in the entry's own transaction. The table is what the ledger
// implies (`CustodyStateRecord.derived`): the migration fills it so and `ledger verify` checks it.

extension LedgerAction {
    /// Moves an item to a storage location, or a location into another. Subjects: the item,
    /// then the location.
    public static let custodyMove: LedgerAction = "custody.move"
}

/// Where an item stands in the evidence store. The raw values are the stored and JSON words.
public enum ShelfState: String, Sendable, Codable, CaseIterable {
    /// In the store (at its location, if one was recorded).
    case onShelf = "on-shelf"
    /// Checked out to an examiner.
    case checkedOut = "checked-out"
    /// Disposed of or returned: out of every active list, still in the ledger.
    case disposed
}

/// Table `custody_state` (schema 7): one row per item that a `custody.move`, `custody.checkout`,
/// `custody.checkin` or `custody.dispose` entry names first. An item without a row is on the
/// shelf with no location of its own.
public struct CustodyStateRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "custody_state"
    static let columns = ["label", "state", "location", "holder", "purpose", "since", "due", "seq"]
    public var label: String
    public var state: ShelfState
    /// The location it was last moved or checked in to; nil when none was recorded (it is then
    /// where its container is).
    public var location: String?
    /// While checked out: the examiner holding it (nil for a check-out recorded before
    /// check-outs named the receiver).
    public var holder: String?
    /// While checked out: the purpose (or an older check-out's reason).
    public var purpose: String?
    /// The time of the entry that began the current state (UTC, as the entry records it).
    public var since: String
    /// While checked out: the date it is due back (YYYY-MM-DD), nil when none was given.
    public var due: String?
    /// The entry that last changed the row.
    public var seq: Int64

    init(label: String, state: ShelfState, location: String?, holder: String?, purpose: String?, since: String, due: String?, seq: Int64) {
        self.label = label; self.state = state; self.location = location; self.holder = holder; self.purpose = purpose
        self.since = since; self.due = due; self.seq = seq
    }

    init(row: SQLRow) throws {
        label = try row.string("label")
        let word = try row.string("state")
        guard let state = ShelfState(rawValue: word) else {
            throw SQLTypeMismatch(description: "custody_state of \(label) holds state \(word), which Custody never writes")
        }
        self.state = state
        location = try row.optionalString("location")
        holder = try row.optionalString("holder")
        purpose = try row.optionalString("purpose")
        since = try row.string("since")
        due = try row.optionalString("due")
        seq = try row.int64("seq")
    }

    var sqlValues: [SQLValue] {
        func text(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
        return [.text(label), .text(state.rawValue), text(location), text(holder), text(purpose), .text(since), text(due), .integer(seq)]
    }

    /// The actions that change an item's custody state.
    static let actions: Set<LedgerAction> = [.custodyMove, .custodyCheckOut, .custodyCheckIn, .custodyDispose]

    /// The row of `label` after entry `seq` of `action` with `payload` at `time`, from the row
    /// before it (nil: none yet). The one rule for the live table, the migration's fill and
    /// `ledger verify`. Entries written before schema 7 read as they are: a check-out's
    /// `reason` is its purpose, and it names no holder.
    static func after(_ current: CustodyStateRecord?, label: String, action: LedgerAction, payload: [String: CanonicalJSON],
                      seq: Int64, time: String) -> CustodyStateRecord {
        var row = current ?? CustodyStateRecord(label: label, state: .onShelf, location: nil, holder: nil, purpose: nil, since: time, due: nil, seq: seq)
        row.seq = seq
        func begin(_ state: ShelfState) {
            row.state = state
            row.since = time
            row.holder = nil
            row.purpose = nil
            row.due = nil
        }
        switch action {
        case .custodyMove:
            row.location = payload["to"]?.stringValue
        case .custodyCheckOut:
            begin(.checkedOut)
            row.holder = payload["to"]?.stringValue
            row.purpose = payload["purpose"]?.stringValue ?? payload["reason"]?.stringValue
            row.due = payload["due"]?.stringValue
        case .custodyCheckIn:
            begin(.onShelf)
            if let location = payload["location"]?.stringValue { row.location = location }
        case .custodyDispose:
            begin(.disposed)
        default:
            break
        }
        return row
    }

    /// Every row the ledger's `entries` imply, by label.
    static func derived(from entries: [CaseStore.RegistryEntry]) -> [String: CustodyStateRecord] {
        var rows = [String: CustodyStateRecord]()
        for e in entries where actions.contains(e.action) {
            guard let label = e.subjects.first else { continue }
            rows[label] = after(rows[label], label: label, action: e.action, payload: e.payload, seq: e.sequence, time: e.time)
        }
        return rows
    }
}

/// An item's custody as the item page and the CLI show it.
public struct ItemCustody: Sendable, Hashable {
    public var item: ItemRecord
    public var state: ShelfState
    /// The item's own row, nil when no custody event named it yet.
    public var record: CustodyStateRecord?
    /// Where it is: its own location, else its nearest container's; nil when none is recorded.
    public var location: String?
    /// The container `location` comes from, nil when it is the item's own.
    public var inheritedFrom: String?
    /// `location` and the locations holding it, outermost first (room, shelf, box).
    public var path: [String]
}

/// A checked-out item, with who holds it.
public struct CheckedOutItem: Sendable, Hashable {
    public var item: ItemRecord
    public var record: CustodyStateRecord
    /// The holder's name from the roster (nil when no holder is recorded).
    public var holderName: String?

    public init(item: ItemRecord, record: CustodyStateRecord, holderName: String?) {
        self.item = item; self.record = record; self.holderName = holderName
    }
}

/// Items of one type in one state.
public struct CustodyCount: Sendable, Hashable {
    public var type: ItemType
    public var state: ShelfState
    public var count: Int

    public init(type: ItemType, state: ShelfState, count: Int) { self.type = type; self.state = state; self.count = count }
}

extension CaseStore {
    // MARK: Events

    /// `custody event move LABEL --to LOCATION`: a `custody.move` entry (`to`, `from` when it had
    /// a location). A location moved into another becomes its child (room ▸ shelf ▸ box).
    /// Refused: an unknown item or location, a target that is not a location, a location moved
    /// into itself or one it holds, a disposed or checked-out item, a port or slot, an item
    /// already there.
    @discardableResult
    public func move(_ label: String, to location: String, by examiner: String,
                     participants: [EventParticipant] = []) throws(CaseStoreError) -> SignedEntry {
        let time = LedgerTime(Date())
        return try append(examiner: examiner, subjects: [label, location], time: time) { db in
            guard let item = try CaseStore.fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
            guard let target = try CaseStore.fetchItem(db, location) else { throw CaseStoreError.unknownItem(location) }
            guard target.type == .device(.location) else {
                throw CaseStoreError.invalidInput("\(location) is a \(target.type), not a location: move items into a location (register one with `custody device add ROOM-1 --type location`); nothing was written")
            }
            let current = try CaseStore.custodyRow(db, label)
            try CaseStore.checkMovable(item, current, doing: "moved")
            if current?.state == .checkedOut {
                throw CaseStoreError.invalidInput("\(label) is checked out\(current?.holder.map { " to \($0)" } ?? "") since \(current!.since): check it in with `custody event checkin \(label) --location \(location)`; nothing was written")
            }
            let from = current?.location ?? (item.type == .device(.location) ? item.parent : nil)
            guard from != location else { throw CaseStoreError.invalidInput("\(label) is already at \(location); nothing was written") }
            if item.type == .device(.location) {
                var ancestor: String? = location
                while let a = ancestor {
                    guard a != label else {
                        throw CaseStoreError.invalidInput("\(location) is \(label) or inside it: a location cannot be moved into itself; nothing was written")
                    }
                    ancestor = try db.string("SELECT parent FROM item WHERE label = ?", a)
                }
            }
            var payload: [String: CanonicalJSON] = ["to": .string(location)]
            if let from { payload["from"] = .string(from) }
            if !participants.isEmpty { payload["participants"] = .array(participants.map(\.canonical)) }
            let recorded = payload
            return EntryDraft(action: .custodyMove, payload: recorded) { db, seq in
                if item.type == .device(.location) {
                    try db.execute("UPDATE item SET parent = ? WHERE label = ?", location, label)
                }
                try CaseStore.recordCustodyState(db, label: label, action: .custodyMove, payload: recorded, seq: seq, time: time)
            }
        }
    }

    /// `custody event checkout LABEL --to EXAMINER --purpose TEXT [--due DATE]`: a
    /// `custody.checkout` entry (`to`, `purpose`, `due`, `location` it left). Refused: an unknown
    /// item or receiving examiner, an empty purpose, a due date that is not YYYY-MM-DD or is
    /// before today (in the case's time zone), an item already out, disposed, a location, a
    /// port or slot.
    @discardableResult
    public func checkOut(_ label: String, to holder: String, purpose: String, due: String? = nil, by examiner: String,
                         participants: [EventParticipant] = []) throws(CaseStoreError) -> SignedEntry {
        guard !purpose.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidInput("--purpose must not be empty: say why \(label) leaves the store; nothing was written")
        }
        if let due { try checkDueDate(due) }
        let time = LedgerTime(Date())
        return try append(examiner: examiner, subjects: [label], time: time) { db in
            guard let item = try CaseStore.fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
            guard try CaseStore.examinerExists(db, holder) else {
                throw CaseStoreError.invalidInput("--to \(holder): no such examiner in this case's roster; check the id (`custody examiner list`); nothing was written")
            }
            let current = try CaseStore.custodyRow(db, label)
            try CaseStore.checkMovable(item, current, doing: "checked out")
            guard item.type != .device(.location) else {
                throw CaseStoreError.invalidInput("\(label) is a location: check out the items on it, not the location; nothing was written")
            }
            if let current, current.state == .checkedOut {
                throw CaseStoreError.invalidInput("\(label) is already checked out\(current.holder.map { " to \($0)" } ?? "") since \(current.since): check it in first; nothing was written")
            }
            var payload: [String: CanonicalJSON] = ["to": .string(holder), "purpose": .string(purpose)]
            if let due { payload["due"] = .string(due) }
            if let from = current?.location { payload["location"] = .string(from) }
            if !participants.isEmpty { payload["participants"] = .array(participants.map(\.canonical)) }
            let recorded = payload
            return EntryDraft(action: .custodyCheckOut, payload: recorded) { db, seq in
                try CaseStore.recordCustodyState(db, label: label, action: .custodyCheckOut, payload: recorded, seq: seq, time: time)
            }
        }
    }

    /// `custody event checkin LABEL [--location L] [--reason TEXT]`: a `custody.checkin` entry
    /// (`location` it is put at: the one given, else the one it left; `reason`, `from` the
    /// examiner who held it). Refused: an unknown item or location, a target that is not a
    /// location, an item that is not checked out.
    @discardableResult
    public func checkIn(_ label: String, location: String? = nil, reason: String? = nil, by examiner: String,
                        participants: [EventParticipant] = []) throws(CaseStoreError) -> SignedEntry {
        let time = LedgerTime(Date())
        return try append(examiner: examiner, subjects: [label] + (location.map { [$0] } ?? []), time: time) { db in
            guard try CaseStore.fetchItem(db, label) != nil else { throw CaseStoreError.unknownItem(label) }
            let current = try CaseStore.custodyRow(db, label)
            guard let current, current.state == .checkedOut else {
                let why = current?.state == .disposed ? "was disposed of" : "is not checked out"
                throw CaseStoreError.invalidInput("\(label) \(why): only a checked-out item is checked in (`custody status \(label)` shows its state); nothing was written")
            }
            if let location {
                guard let target = try CaseStore.fetchItem(db, location) else { throw CaseStoreError.unknownItem(location) }
                guard target.type == .device(.location) else {
                    throw CaseStoreError.invalidInput("--location \(location) is a \(target.type), not a location; nothing was written")
                }
            }
            var payload = [String: CanonicalJSON]()
            if let place = location ?? current.location { payload["location"] = .string(place) }
            if let reason, !reason.isEmpty { payload["reason"] = .string(reason) }
            if let holder = current.holder { payload["from"] = .string(holder) }
            if !participants.isEmpty { payload["participants"] = .array(participants.map(\.canonical)) }
            let recorded = payload
            return EntryDraft(action: .custodyCheckIn, payload: recorded) { db, seq in
                try CaseStore.recordCustodyState(db, label: label, action: .custodyCheckIn, payload: recorded, seq: seq, time: time)
            }
        }
    }

    /// A due date: YYYY-MM-DD, a real day, not before today in the case's time zone.
    func checkDueDate(_ due: String) throws(CaseStoreError) {
        guard CaseStore.date(ofDay: due) != nil else {
            throw .invalidInput("--due \(due) is not a date: write it as YYYY-MM-DD (e.g. 2026-12-31); nothing was written")
        }
        let today = CaseStore.dayString(Date(), timeZone: TimeZone(identifier: caseRecord.timeZone) ?? CaseStore.utc)
        guard due >= today else {
            throw .invalidInput("--due \(due) is before today (\(today)): give the date the item is due back; nothing was written")
        }
    }

    static let utc = TimeZone(identifier: "UTC")!

    /// A day written YYYY-MM-DD (a due date) as midnight UTC: print it in UTC. Nil unless `text`
    /// is a real day written so.
    public static func date(ofDay text: String) -> Date? {
        let formatter = dayFormatter(utc)
        guard text.utf8.count == 10, let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }

    /// The day `date` falls on in `timeZone`, YYYY-MM-DD.
    public static func dayString(_ date: Date, timeZone: TimeZone) -> String { dayFormatter(timeZone).string(from: date) }

    static func dayFormatter(_ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }

    /// What no custody event may do to any item: act on a disposed item, or move a port or
    /// slot apart from its box.
    static func checkMovable(_ item: ItemRecord, _ current: CustodyStateRecord?, doing: String) throws {
        if current?.state == .disposed {
            throw CaseStoreError.invalidInput("\(item.label) was disposed of (entry \(current!.seq)): it cannot be \(doing); nothing was written")
        }
        if let type = item.type.deviceType, type.needsParent {
            throw CaseStoreError.invalidInput("\(item.label) is a \(type.rawValue) of its box: it goes where the box goes, so it cannot be \(doing) on its own; nothing was written")
        }
    }

    /// The `custody_state` row of `label`, if any.
    static func custodyRow(_ db: any SQLExecutor, _ label: String) throws -> CustodyStateRecord? {
        try CustodyStateRecord.fetchOne(db, "WHERE label = ?", label)
    }

    /// Applies entry `seq` (`action`, `payload`, at `time`) to `label`'s `custody_state` row,
    /// inside the entry's transaction (`CustodyStateRecord.after`). Every write of an action in
    /// `CustodyStateRecord.actions` calls it.
    static func recordCustodyState(_ db: any SQLExecutor, label: String, action: LedgerAction, payload: [String: CanonicalJSON],
                                   seq: Int64, time: LedgerTime) throws {
        let current = try custodyRow(db, label)
        let next = CustodyStateRecord.after(current, label: label, action: action, payload: payload, seq: seq, time: time.description)
        if current != nil { try db.execute("DELETE FROM custody_state WHERE label = ?", label) }
        try next.insert(db)
    }

    /// Fills `custody_state` from the ledger (migration 7, and a PostgreSQL case's upgrade).
    static func fillCustodyState(_ db: any SQLExecutor) throws {
        var rows = [String: CustodyStateRecord]()
        try db.forEachRowBySeq("SELECT seq, line FROM ledger_entry") { r in
            let seq = try r.int64(0)
            let entry: LedgerEntry
            do { entry = try SignedEntry(line: try r.bytes(1)).entry } catch {
                throw CaseStoreError.ledger("ledger entry \(seq) is unreadable (\(error)): run `custody ledger verify`")
            }
            guard CustodyStateRecord.actions.contains(entry.action), let label = entry.subjects.first else { return }
            rows[label] = CustodyStateRecord.after(rows[label], label: label, action: entry.action, payload: entry.payload,
                                                   seq: entry.sequence, time: entry.time.description)
        }
        for row in rows.values.sorted(by: { $0.label < $1.label }) { try row.insert(db) }
    }

    // MARK: Queries

    /// The custody of `label`: its state, and where it is (its own location, else its nearest
    /// container's) with the locations holding that one.
    public func custody(of label: String) throws(CaseStoreError) -> ItemCustody {
        try read { db in
            guard let item = try CaseStore.fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
            let own = try CaseStore.custodyRow(db, label)
            var location = own?.location ?? (item.type == .device(.location) ? item.parent : nil)
            var inheritedFrom: String?
            var container = item.parent
            var seen: Set<String> = [label]
            while location == nil, item.type != .device(.location), let c = container, seen.insert(c).inserted {
                location = try CaseStore.custodyRow(db, c)?.location
                if location != nil { inheritedFrom = c }
                container = try db.string("SELECT parent FROM item WHERE label = ?", c)
            }
            return ItemCustody(item: item, state: own?.state ?? .onShelf, record: own, location: location, inheritedFrom: inheritedFrom,
                               path: try location.map { try CaseStore.locationPath(db, $0) } ?? [])
        }
    }

    /// `location` and the locations holding it, outermost first.
    static func locationPath(_ db: any SQLExecutor, _ location: String) throws -> [String] {
        var path = [location]
        var parent = try db.string("SELECT parent FROM item WHERE label = ?", location)
        while let p = parent, !path.contains(p) {
            path.insert(p, at: 0)
            parent = try db.string("SELECT parent FROM item WHERE label = ?", p)
        }
        return path
    }

    /// The items checked out now, longest out first, with their holders' names.
    public func checkedOutItems() throws(CaseStoreError) -> [CheckedOutItem] {
        try read { db in
            let rows = try CustodyStateRecord.fetchAll(db, "WHERE state = ? ORDER BY since, label", ShelfState.checkedOut.rawValue)
            return try rows.map { row in
                guard let item = try CaseStore.fetchItem(db, row.label) else { throw CaseStoreError.unknownItem(row.label) }
                let name = try row.holder.flatMap { try db.string("SELECT name FROM examiner WHERE id = ?", $0) }
                return CheckedOutItem(item: item, record: row, holderName: name)
            }
        }
    }

    /// The states other than on the shelf, quoted for an SQL `IN` list: the index on `state`
    /// finds the few items off the shelf, where `<> 'on-shelf'` read every row.
    static let offShelfStates = ShelfState.allCases.filter { $0 != .onShelf }.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Items per type and state; items without a `custody_state` row are on the shelf.
    /// Locations, ports and slots are left out: they are the store and the boxes' positions,
    /// not exhibits. Counted from the type index and the (small) state table, not item by item.
    public func custodyCounts() throws(CaseStoreError) -> [CustodyCount] {
        try read { db in
            var totals = [String: Int]()
            for r in try db.rows("SELECT type, COUNT(*) FROM item WHERE type NOT IN ('location', 'port', 'slot') GROUP BY type") {
                totals[try r.string(0)] = try r.int(1)
            }
            var counts = [CustodyCount]()
            var notOnShelf = [String: Int]()
            for r in try db.rows("""
                SELECT i.type, s.state, COUNT(*) FROM custody_state s JOIN item i ON i.label = s.label
                WHERE s.state IN (\(CaseStore.offShelfStates)) AND i.type NOT IN ('location', 'port', 'slot') GROUP BY i.type, s.state
                """) {
                let type = try r.string(0), word = try r.string(1), n = try r.int(2)
                guard let state = ShelfState(rawValue: word) else { continue }
                counts.append(CustodyCount(type: ItemType(rawValue: type), state: state, count: n))
                notOnShelf[type, default: 0] += n
            }
            for (type, total) in totals where total > notOnShelf[type, default: 0] {
                counts.append(CustodyCount(type: ItemType(rawValue: type), state: .onShelf, count: total - notOnShelf[type, default: 0]))
            }
            return counts.sorted { ($0.type.rawValue, $0.state.rawValue) < ($1.type.rawValue, $1.state.rawValue) }
        }
    }

    /// The storage locations (items of type `location`), in label order.
    public func locations() throws(CaseStoreError) -> [ItemRecord] {
        try read { db in try ItemRecord.fetchAll(db, "WHERE type = 'location' ORDER BY label") }
    }

    /// The items on the shelf at `location` itself (moved or checked in to it), in label order:
    /// what an audit of it expects to find. Items inside them, and items at the locations it
    /// holds, are not listed; checked-out and disposed items are not there.
    public func items(atLocation location: String) throws(CaseStoreError) -> [ItemRecord] {
        try read { db in
            guard let place = try CaseStore.fetchItem(db, location) else { throw CaseStoreError.unknownItem(location) }
            guard place.type == .device(.location) else {
                throw CaseStoreError.invalidInput("\(location) is a \(place.type), not a location; nothing is stored at it")
            }
            return try ItemRecord.fetchAll(db, """
                WHERE label IN (SELECT label FROM custody_state WHERE location = ? AND state = 'on-shelf') AND type <> 'location' ORDER BY label
                """, location)
        }
    }

    /// How many items are on the shelf at each location (itself, as `items(atLocation:)`).
    public func itemCountsByLocation() throws(CaseStoreError) -> [String: Int] {
        try read { db in
            var counts = [String: Int]()
            for r in try db.rows("""
                SELECT s.location, COUNT(*) FROM custody_state s JOIN item i ON i.label = s.label
                WHERE s.location IS NOT NULL AND s.state = 'on-shelf' AND i.type <> 'location' GROUP BY s.location
                """) {
                counts[try r.string(0)] = try r.int(1)
            }
            return counts
        }
    }

    /// The entries `seqs`, in that order (a batch's, for its receipt).
    public func entries(_ seqs: [Int64]) throws(CaseStoreError) -> [SignedEntry] {
        let count = try read { db in try db.integer("SELECT COUNT(*) FROM ledger_entry") } ?? 0
        let lines = try read { db in try seqs.map { seq in (seq, try LedgerEntryRecord.fetchOne(db, "WHERE seq = ?", seq)) } }
        var out = [SignedEntry]()
        for (seq, line) in lines {
            guard let line else { throw .unknownEntry(seq, count: Int(count)) }
            do { out.append(try SignedEntry(line: Array(line.line))) } catch {
                throw .ledger("ledger entry \(seq) is unreadable (\(error)): run `custody ledger verify`")
            }
        }
        return out
    }

    /// Every `custody_state` row, in label order.
    public func custodyStates() throws(CaseStoreError) -> [CustodyStateRecord] {
        try read { db in try CustodyStateRecord.fetchAll(db, "ORDER BY label") }
    }
}
