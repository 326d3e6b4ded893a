import CaseStore
import Foundation

/// Custody on the shelf as the dashboard, the item page, the location pages and `custody status`
/// / `custody location` read it (docs/CASE-STORE.md, "Custody on the shelf"). Every query takes
/// `today` (the desk's and the CLI's clock; tests pass a fixed day): an item is overdue when its
/// due date is before today in the case's time zone.
public enum ShelfCustody {
    /// One checked-out item (in `custody.status/1` and `custody.item-custody/1`).
    public struct CheckedOut: Encodable, Sendable, Hashable {
        public var label: String
        public var type: String
        /// The examiner holding it and their roster name (absent for a check-out recorded before
        /// check-outs named the receiver).
        public var holder: String?
        public var holderName: String?
        public var purpose: String?
        /// When it was checked out (UTC, the entry's time).
        public var since: String
        /// The day it is due back (YYYY-MM-DD), absent when none was given.
        public var due: String?
        public var overdue: Bool
        /// The `custody.checkout` entry.
        public var entry: Int64

        init(_ out: CheckedOutItem, today: String) {
            label = out.item.label
            type = out.item.type.rawValue
            holder = out.record.holder
            holderName = out.holderName
            purpose = out.record.purpose
            since = out.record.since
            due = out.record.due
            overdue = ShelfCustody.isOverdue(due: out.record.due, today: today)
            entry = out.record.seq
        }
    }

    /// The dashboard's data (schema custody.status/1).
    public struct Status: Encodable, Sendable {
        public var schema = "custody.status/1"
        public var caseID: String
        /// The day overdue is judged against (YYYY-MM-DD, the case's time zone).
        public var today: String
        /// Items per type, then per state (`on-shelf`, `checked-out`, `disposed`); locations,
        /// ports and slots are not counted.
        public var counts: [String: [String: Int]]
        /// Items per state, all types.
        public var totals: [String: Int]
        /// What is checked out, longest out first.
        public var checkedOut: [CheckedOut]
        /// The checked-out items past their due date, longest out first.
        public var overdue: [CheckedOut]
    }

    /// One item's custody (schema custody.item-custody/1).
    public struct Item: Encodable, Sendable {
        public var schema = "custody.item-custody/1"
        public var caseID: String
        public var label: String
        public var type: String
        public var state: String
        /// Where it is: its own location, else its nearest container's (absent when none is
        /// recorded), with the locations holding it, outermost first.
        public var location: String?
        public var locationPath: [String]
        /// The container whose location it shares, absent when the location is its own.
        public var inheritedFrom: String?
        /// While checked out.
        public var checkedOut: CheckedOut?
        /// The entry that last changed its custody, absent when none did.
        public var entry: Int64?
    }

    /// A location and what it holds (in custody.locations/1).
    public struct Location: Encodable, Sendable, Hashable {
        public var label: String
        /// The locations holding it, outermost first, then itself.
        public var path: [String]
        /// Items on the shelf at this location itself (not counting those at the locations inside it).
        public var items: Int
        public var children: [Location]
    }

    /// Every location as a tree (schema custody.locations/1).
    public struct Locations: Encodable, Sendable {
        public var schema = "custody.locations/1"
        public var caseID: String
        /// The outermost locations (rooms), each with the locations inside it, in label order.
        public var locations: [Location]
    }

    /// One location with the items on its shelf (schema custody.location/1): what an audit of it expects.
    public struct LocationContents: Encodable, Sendable {
        public var schema = "custody.location/1"
        public var caseID: String
        public var label: String
        public var path: [String]
        /// The locations directly inside it, in label order.
        public var children: [String]
        public var items: [DeviceOutput]
    }

    /// The day `date` falls on in the case's time zone (YYYY-MM-DD).
    public static func day(_ date: Date, in store: CaseStore) -> String {
        CaseStore.dayString(date, timeZone: TimeZone(identifier: store.caseRecord.timeZone) ?? TimeZone(identifier: "UTC")!)
    }

    /// Whether an item due back on `due` is overdue on `today` (both YYYY-MM-DD: they order as text).
    static func isOverdue(due: String?, today: String) -> Bool {
        guard let due else { return false }
        return due < today
    }

    /// The dashboard: counts by type and state, what is checked out to whom since when, and
    /// what is overdue on `now`'s day.
    public static func status(_ store: CaseStore, now: Date = Date()) throws(WorkbenchError) -> Status {
        let today = day(now, in: store)
        let (counts, out) = try inCase { () throws(CaseStoreError) in (try store.custodyCounts(), try store.checkedOutItems()) }
        var byType = [String: [String: Int]]()
        var totals = Dictionary(uniqueKeysWithValues: ShelfState.allCases.map { ($0.rawValue, 0) })
        for c in counts {
            byType[c.type.rawValue, default: [:]][c.state.rawValue] = c.count
            totals[c.state.rawValue, default: 0] += c.count
        }
        let checkedOut = out.map { CheckedOut($0, today: today) }
        return Status(caseID: store.caseID, today: today, counts: byType, totals: totals, checkedOut: checkedOut,
                      overdue: checkedOut.filter(\.overdue))
    }

    /// One item's custody on `now`'s day.
    public static func item(_ label: String, in store: CaseStore, now: Date = Date()) throws(WorkbenchError) -> Item {
        let today = day(now, in: store)
        let (custody, holderName) = try inCase { () throws(CaseStoreError) in
            let custody = try store.custody(of: label)
            var holderName: String?
            if let holder = custody.record?.holder { holderName = try store.examiner(id: holder)?.name }
            return (custody, holderName)
        }
        let out = custody.record.flatMap { record in
            record.state == .checkedOut ? CheckedOut(CheckedOutItem(item: custody.item, record: record, holderName: holderName), today: today) : nil
        }
        return Item(caseID: store.caseID, label: label, type: custody.item.type.rawValue, state: custody.state.rawValue,
                    location: custody.location, locationPath: custody.path, inheritedFrom: custody.inheritedFrom,
                    checkedOut: out, entry: custody.record?.seq)
    }

    /// Every location as a tree, with the items on each one's shelf.
    public static func locations(_ store: CaseStore) throws(WorkbenchError) -> Locations {
        let (all, counts) = try inCase { () throws(CaseStoreError) in (try store.locations(), try store.itemCountsByLocation()) }
        let labels = Set(all.map(\.label))
        let inside = Dictionary(grouping: all.filter { $0.parent.map(labels.contains) ?? false }, by: { $0.parent! })
        func node(_ location: ItemRecord, path: [String]) -> Location {
            let here = path + [location.label]
            return Location(label: location.label, path: here, items: counts[location.label] ?? 0,
                            children: (inside[location.label] ?? []).sorted(by: labelOrder).map { node($0, path: here) })
        }
        let roots = all.filter { !($0.parent.map(labels.contains) ?? false) }.sorted(by: labelOrder)
        return Locations(caseID: store.caseID, locations: roots.map { node($0, path: []) })
    }

    /// Location `label`: its path, the locations inside it and the items on its shelf.
    public static func location(_ label: String, in store: CaseStore) throws(WorkbenchError) -> LocationContents {
        try inCase { () throws(CaseStoreError) in
            let items = try store.items(atLocation: label)
            let custody = try store.custody(of: label)
            let children = try store.children(of: label).filter { $0.type == .device(.location) }.sorted(by: labelOrder).map(\.label)
            return LocationContents(caseID: store.caseID, label: label, path: custody.path.isEmpty ? [label] : custody.path + [label],
                                    children: children, items: items.map(DeviceOutput.init))
        }
    }
}
