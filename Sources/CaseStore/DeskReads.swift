import Foundation
import Ledger

/// An item with the number of items directly inside it: one row of a tree page.
public struct TreeNode: Sendable, Hashable {
    public var item: ItemRecord
    /// Items whose parent is this one.
    public var childCount: Int
}

/// The reads the desk's pages make (docs/DESK.md): each bounded, so that a page costs the same
/// in a case of 700 SIMs or of 71,000.
extension CaseStore {
    /// The sequence number of the last entry: a page computed at one head is still right while
    /// the head has not moved.
    public func ledgerHead() throws(CaseStoreError) -> Int64 {
        try read { db in try db.integer("SELECT MAX(seq) FROM ledger_entry") ?? 0 }
    }

    /// One page of the items directly inside `parent` (nil: the items at the top of the case),
    /// with their child counts: at most `limit` items whose label comes after `after`, in the
    /// database's label order (so that the next page starts where this one stopped).
    public func treePage(parent: String?, after: String?, limit: Int) throws(CaseStoreError) -> [TreeNode] {
        guard limit > 0 else { throw .invalidInput("a tree page holds 1 item or more (got \(limit))") }
        let columns = ItemRecord.columns.map { "i.\($0)" }.joined(separator: ", ")
        var conditions = [parent == nil ? "i.parent IS NULL" : "i.parent = ?"]
        var arguments = [SQLValue]()
        if let parent { arguments.append(.text(parent)) }
        if let after {
            conditions.append("i.label > ?")
            arguments.append(.text(after))
        }
        let sql = """
            SELECT \(columns), (SELECT COUNT(*) FROM item c WHERE c.parent = i.label) AS children
            FROM item i WHERE \(conditions.joined(separator: " AND ")) ORDER BY i.label LIMIT \(limit)
            """
        return try read { db in
            try db.rows(sql, arguments).map { row in TreeNode(item: try ItemRecord(row: row), childCount: Int(try row.int64("children"))) }
        }
    }

    /// The items that hold `label`, the outermost first (the item itself not included).
    public func ancestors(of label: String) throws(CaseStoreError) -> [ItemRecord] {
        try read { db in
            guard var current = try CaseStore.fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
            var chain = [ItemRecord]()
            var seen: Set<String> = [label]
            while let parent = current.parent, seen.insert(parent).inserted, let above = try CaseStore.fetchItem(db, parent) {
                chain.append(above)
                current = above
            }
            return chain.reversed()
        }
    }

    /// The reads stored for item `label`, records included, in entry order.
    public func acquisitions(item label: String) throws(CaseStoreError) -> [AcquisitionRecord] {
        try read { db in try AcquisitionRecord.fetchAll(db, "WHERE item = ? ORDER BY seq", label) }
    }

    /// The photographs and scans kept with item `label`, in entry order.
    public func photos(item label: String) throws(CaseStoreError) -> [PhotoRecord] {
        try read { db in try PhotoRecord.fetchAll(db, "WHERE item = ? ORDER BY seq", label) }
    }

    /// The photograph of item `label` whose file hashes to `sha256`, nil when the item has none.
    public func photo(item label: String, sha256: String) throws(CaseStoreError) -> PhotoRecord? {
        try read { db in try PhotoRecord.fetchOne(db, "WHERE item = ? AND sha256 = ? ORDER BY seq", label, sha256) }
    }

    /// The custody state of each of `labels` that has left the shelf's default (a
    /// `custody_state` row), by label: search results mark the disposed ones.
    public func shelfStates(of labels: [String]) throws(CaseStoreError) -> [String: ShelfState] {
        guard !labels.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: labels.count).joined(separator: ", ")
        return try read { db in
            var states = [String: ShelfState]()
            for r in try db.rows("SELECT label, state FROM custody_state WHERE label IN (\(marks))", labels.map { .text($0) }) {
                states[try r.string(0)] = ShelfState(rawValue: try r.string(1))
            }
            return states
        }
    }

    /// The last `limit` SIM reads (complete or not), newest first, each with the time of its
    /// entry: what a running batch has done lately.
    public func latestReads(limit: Int) throws(CaseStoreError) -> [(header: AcquisitionHeader, time: LedgerTime)] {
        try read { db in
            try db.rows("""
                SELECT a.seq, a.item, a.complete, a.contentSHA256, a.recordSHA256, l.line
                FROM acquisition a JOIN ledger_entry l ON l.seq = a.seq ORDER BY a.seq DESC LIMIT \(max(limit, 1))
                """).map { r -> (header: AcquisitionHeader, time: LedgerTime) in
                let seq = try r.int64("seq")
                let entry: SignedEntry
                do { entry = try SignedEntry(line: try r.bytes(5)) } catch {
                    throw CaseStoreError.ledger("ledger entry \(seq) is unreadable (\(error)): run `custody ledger verify`")
                }
                return (AcquisitionHeader(seq: seq, item: try r.optionalString("item"), complete: try r.bool("complete"),
                                          contentSHA256: try r.string("contentSHA256"), recordSHA256: try r.string("recordSHA256")),
                        entry.entry.time)
            }
        }
    }
}
