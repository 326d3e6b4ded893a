import Foundation
import SIMCard

/// A stored read without its record: what an export plans with and lists in inventory.csv.
/// The records themselves (1 GiB at ten times the seizure) are streamed when written.
public struct AcquisitionHeader: Sendable, Hashable {
    public var seq: Int64
    /// The SIM item, nil when the ICCID could not be read.
    public var item: String?
    public var complete: Bool
    public var contentSHA256: String
    public var recordSHA256: String
}

extension CaseStore {
    /// Calls `body` with every stored line below sequence number `size` (a snapshot's size), in
    /// sequence order, reading the ledger in pages: the lines are never all in memory.
    public func forEachLine(below size: Int, _ body: (LedgerEntryRecord) throws -> Void) throws {
        try stream(LedgerEntryRecord.select(""), below: size) { try body(try LedgerEntryRecord(row: $0)) }
    }

    /// Calls `body` with every stored read, record included, whose entry is below sequence
    /// number `size`, in sequence order, reading the table in pages of 50 (a full read's
    /// record is about 150 KB).
    public func forEachAcquisition(below size: Int, _ body: (AcquisitionRecord) throws -> Void) throws {
        try stream(AcquisitionRecord.select(""), below: size, pageSize: 50) { try body(try AcquisitionRecord(row: $0)) }
    }

    /// Every stored read below sequence number `size` (of `scope` when given), without its
    /// record, in sequence order.
    public func acquisitionHeaders(below size: Int, scope: AcquisitionScope? = nil) throws(CaseStoreError) -> [AcquisitionHeader] {
        try read { db in try Self.acquisitionHeaders(db, below: size, scope: scope) }
    }

    static func acquisitionHeaders(_ db: any SQLExecutor, below size: Int, scope: AcquisitionScope? = nil) throws -> [AcquisitionHeader] {
        var out = [AcquisitionHeader]()
        let select = "SELECT seq, item, complete, contentSHA256, recordSHA256 FROM (SELECT * FROM acquisition"
            + (scope.map { " WHERE scope = '\($0.rawValue)'" } ?? "") + ") AS chosen"
        try db.forEachRowBySeq(select, below: Int64(size)) { r in
            out.append(AcquisitionHeader(seq: try r.int64("seq"), item: try r.optionalString("item"), complete: try r.bool("complete"),
                                          contentSHA256: try r.string("contentSHA256"), recordSHA256: try r.string("recordSHA256")))
        }
        return out
    }

    /// The stored lines with sequence numbers `seqs`, in sequence order (a number with no line
    /// is left out), read in pages: the report fetches the entries of a few sections at a time.
    public func lines(_ seqs: some Collection<Int64>) throws(CaseStoreError) -> [LedgerEntryRecord] {
        try read { db in try Self.fetch(LedgerEntryRecord.self, db, seqs) }
    }

    /// The stored reads, records included, of the entries `seqs`, in sequence order.
    public func acquisitions(_ seqs: some Collection<Int64>) throws(CaseStoreError) -> [AcquisitionRecord] {
        try read { db in try Self.fetch(AcquisitionRecord.self, db, seqs) }
    }

    /// The rows of `R` whose `seq` is one of `seqs`, in sequence order, asked for in pages of
    /// 500 numbers (`WHERE seq IN (…)`).
    private static func fetch<R: SQLRecord>(_: R.Type, _ db: any SQLExecutor, _ seqs: some Collection<Int64>) throws -> [R] {
        let sorted = Array(Set(seqs)).sorted()
        var out = [R]()
        out.reserveCapacity(sorted.count)
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let page = sorted[start..<min(start + 500, sorted.count)]
            let marks = page.map { _ in "?" }.joined(separator: ",")
            out += try db.rows(R.select("WHERE seq IN (\(marks)) ORDER BY seq"), page.map(\.sqlValue)).map(R.init(row:))
        }
        return out
    }

    /// Runs `select` page by page below `size` (`SQLExecutor.forEachRowBySeq`) in one read
    /// transaction. An error `body` throws comes out as it was; a store error as `CaseStoreError`.
    private func stream(_ select: String, below size: Int, pageSize: Int = 200, _ body: (SQLRow) throws -> Void) throws {
        var failure: (any Error)? = nil
        do {
            try database.read { db in
                try db.forEachRowBySeq(select, pageSize: pageSize, below: Int64(size)) { row in
                    do { try body(row) } catch { failure = error; throw error }
                }
            }
        } catch {
            if let failure { throw failure }
            throw map(error)
        }
    }
}
