import CaseStore
import Foundation
import Ledger
import SIMCard
import Testing

/// The streaming queries an export reads the large tables with (issue 19): in sequence order,
/// only below the size asked for, across many pages, and an error from the caller's body comes
/// out as it was thrown.
@Suite struct StreamTests {
    struct Stop: Error, Equatable {}

    @Test(arguments: Backend.all) func linesAndReadsStreamBelowASizeInPages(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        // 260 reads: more than one page of ledger lines (200) and of reads (50).
        for i in 0..<260 {
            var a = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: "card removed during the read")
            a.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"89840122040\#(String(format: "%08d", i))","luhnValid":false}"#.utf8))
            try c.store.recordAcquisition(a, record: try JSONEncoder().encode(a), by: "tech1")
        }
        let lines = try c.store.lineRecords()
        let reads = try c.store.acquisitions()
        let snapshot = try c.store.snapshot()
        #expect(snapshot.size == lines.count)
        #expect(snapshot.acquisitions.map(\.seq) == reads.map(\.seq))
        #expect(snapshot.acquisitions.map(\.recordSHA256) == reads.map(\.recordSHA256))

        // A later entry is not part of a stream below the snapshot's size.
        try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after the snapshot"], by: "tech1")
        var streamed = [LedgerEntryRecord]()
        try c.store.forEachLine(below: snapshot.size) { streamed.append($0) }
        #expect(streamed == lines)
        var below = [AcquisitionRecord]()
        try c.store.forEachAcquisition(below: Int(reads[100].seq)) { below.append($0) }
        #expect(below == Array(reads.prefix(100)))
        #expect(try c.store.acquisitionHeaders(below: Int(reads[100].seq)).map(\.seq) == reads.prefix(100).map(\.seq))

        var seen = 0
        #expect(throws: Stop()) {
            try c.store.forEachLine(below: snapshot.size) { _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        #expect(seen == 3)
    }

    /// The look-ups the court report fetches a few sections' entries and reads with: by
    /// sequence number, in pages of 500 numbers, in sequence order, unknown numbers left out;
    /// and the headers of one scope.
    @Test(arguments: Backend.all) func linesAndReadsByTheirSequenceNumbers(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        for i in 0..<3 {
            var a = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: i == 1 ? .full : .identity, reason: "card removed during the read")
            a.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"89840122040\#(String(format: "%08d", i))","luhnValid":false}"#.utf8))
            try c.store.recordAcquisition(a, record: try JSONEncoder().encode(a), by: "tech1")
        }
        for i in 0..<520 { try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "note \(i)"], by: "tech1") }
        let lines = try c.store.lineRecords()
        let wanted = Array(stride(from: Int64(lines.count - 1), through: 0, by: -1)) + [Int64(lines.count + 7), 2, 2]
        #expect(try c.store.lines(wanted) == lines)
        #expect(try c.store.lines([3, 1]) == [lines[1], lines[3]])
        let reads = try c.store.acquisitions()
        #expect(try c.store.acquisitions(reads.map(\.seq).reversed() + [0]) == reads)
        #expect(try c.store.acquisitionHeaders(below: Int.max, scope: .full).map(\.seq) == [reads[1].seq])
        #expect(try c.store.acquisitionHeaders(below: Int.max, scope: .identity).map(\.seq) == [reads[0].seq, reads[2].seq])
    }
}
