import Synchronization
import Workbench

/// The scan station's bulk batches while the desk runs (docs/DESK.md, "Scan station"): each one's
/// action and what became of every code scanned into it. The entries themselves are in the
/// ledger the moment they are scanned; a batch only remembers which ones its one receipt lists,
/// so a desk restart loses the receipt's list, never an entry. A batch belongs to the examiner
/// who started it; the desk keeps the latest `kept` batches.
public final class StationBatches: Sendable {
    public struct Batch: Sendable {
        /// 128 random bits, hex: the batch's part of its URL.
        public let id: String
        public let examiner: String
        public let event: CustodyEvent
        /// The scans so far (custody.bulk/1), in scan order.
        public var record: BulkCustody.Output
    }

    /// How many batches the desk keeps; the oldest goes first.
    public static let kept = 1_000

    private let state = Mutex<(batches: [String: Batch], order: [String])>(([:], []))

    public init() {}

    /// A new batch of `event` by `examiner`, whose scans are `empty` (the record of no label yet).
    func start(_ event: CustodyEvent, by examiner: String, empty: BulkCustody.Output) -> Batch {
        let id = ExaminerAccess.randomHex(bytes: 16)
        let batch = Batch(id: id, examiner: examiner, event: event, record: empty)
        state.withLock { state in
            state.batches[id] = batch
            state.order.append(id)
            if state.order.count > Self.kept { state.batches[state.order.removeFirst()] = nil }
        }
        return batch
    }

    /// Batch `id` of `examiner`; else 404 (another examiner's batch is not theirs to scan into).
    func batch(_ id: String, of examiner: String) throws -> Batch {
        guard let batch = state.withLock({ $0.batches[id] }), batch.examiner == examiner else {
            throw DeskFailure(.notFound, "no scan batch \(id) of \(examiner) on this desk (a desk keeps its batches while it runs): start a new batch at /station")
        }
        return batch
    }

    /// Adds what scanning one code recorded (`scanned`, the record of that one label) to batch `id`.
    func add(_ scanned: BulkCustody.Output, to id: String) -> Batch? {
        state.withLock { state in
            guard var batch = state.batches[id] else { return nil }
            batch.record.lines += scanned.lines
            batch.record.recorded += scanned.recorded
            batch.record.refused += scanned.refused
            state.batches[id] = batch
            return batch
        }
    }
}
