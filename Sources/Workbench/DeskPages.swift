import CaseStore
import Export
import Foundation
import Ledger
import SIMCard

// The data of the desk's pages (docs/DESK.md, "Pages"): dashboard, item page, tree, batch
// activity. Language-neutral values with stable English keys, encoded as they are by the JSON
// API (`/api/v1/…`); the desk's templates put the words around them.

/// Where a batch read stands, as the dashboard shows it and its event stream pushes it
/// (schema custody.desk.batch/1). A batch (`custody sim watch`, `modem watch`) runs in a process
/// of its own, on any station of the case: the desk sees it through what it stores, so a batch
/// counts as running while its last read is at most `runningWindow` old.
public struct BatchActivity: Encodable, Sendable, Equatable {
    public static let schema = "custody.desk.batch/1"
    /// Seconds after its last read that a batch still counts as running.
    public static let runningWindow: TimeInterval = 120
    /// Reads looked at for the rate (the newest ones).
    static let recentReads = 200

    public var schema = BatchActivity.schema
    public var running: Bool
    public var progress: BatchProgress
    /// The newest read, nil when the case has none.
    public var lastRead: LastRead?
    /// Reads per minute over the running window, nil when no batch runs.
    public var cardsPerMinute: Double?
    /// The ledger's last entry when this was taken.
    public var head: Int64

    public struct LastRead: Encodable, Sendable, Equatable {
        public var entry: Int64
        /// The SIM item, nil when the read did not get as far as the ICCID.
        public var label: String?
        public var complete: Bool
        /// UTC, RFC 3339 (the entry's time).
        public var time: String
    }

    /// The batch activity of `store` at `now`.
    public init(of store: CaseStore, now: Date = Date()) throws(CaseStoreError) {
        head = try store.ledgerHead()
        progress = try store.batchProgress()
        let reads = try store.latestReads(limit: Self.recentReads)
        lastRead = reads.first.map { LastRead(entry: $0.header.seq, label: $0.header.item, complete: $0.header.complete, time: $0.time.description) }
        let recent = reads.filter { now.timeIntervalSince($0.time.date) <= Self.runningWindow }
        running = !recent.isEmpty
        cardsPerMinute = running ? (Double(recent.count) / (Self.runningWindow / 60) * 10).rounded() / 10 : nil
    }
}

/// An item named on a page: its label and type (a step of an item's place in the tree).
public struct ItemReference: Encodable, Sendable {
    public var label: String
    public var type: String

    public init(_ item: ItemRecord) { label = item.label; type = item.type.rawValue }
}

/// One item of a tree page: the item and how many items it holds.
public struct TreeEntry: Encodable, Sendable {
    public var label: String
    public var type: String
    public var children: Int

    public init(_ node: TreeNode) {
        label = node.item.label; type = node.item.type.rawValue; children = node.childCount
    }
}

/// One page of the seizure tree (schema custody.desk.tree/1): the items directly inside
/// `parent` (nil: the top of the case), `TreePage.size` at a time; `next` is the label to pass
/// as `after` for the following page, nil on the last one. A box of 32 ports or a lot of 5,000
/// SIMs costs one page, never the whole case.
public struct TreePage: Encodable, Sendable {
    public static let schema = "custody.desk.tree/1"
    public static let size = 200

    public var schema = TreePage.schema
    public var parent: DeviceOutput?
    /// The items above `parent`, the outermost first.
    public var path: [ItemReference]
    public var items: [TreeEntry]
    public var next: String?

    /// The page of `parent`'s items after label `after`.
    public init(_ store: CaseStore, parent label: String?, after: String?, size: Int = TreePage.size) throws(CaseStoreError) {
        if let label {
            guard let item = try store.item(label) else { throw .unknownItem(label) }
            parent = DeviceOutput(item)
            path = try store.ancestors(of: label).map(ItemReference.init)
        } else {
            parent = nil
            path = []
        }
        // One more than shown tells whether a next page exists.
        let nodes = try store.treePage(parent: label, after: after, limit: size + 1)
        let shown = nodes.prefix(size)
        items = shown.sorted { labelOrder($0.item, $1.item) }.map(TreeEntry.init)
        next = nodes.count > size ? shown.last?.item.label : nil
    }
}

/// What a SIM read found, for the item page: the decoded values of the stored record (the
/// record's raw bytes and transcript stay in the case and the bundle).
public struct ReadView: Encodable, Sendable {
    public var entry: Int64
    public var scope: String
    public var complete: Bool
    public var incompleteReason: String?
    public var reader: String?
    public var iccid: String?
    public var iccidLuhnValid: Bool?
    public var imsi: String?
    public var operatorName: String?
    public var pins: [PINState]
    public var summary: AcquisitionSummary?
    public var contentSHA256: String
    public var recordSHA256: String

    enum CodingKeys: String, CodingKey {
        case entry, scope, complete, incompleteReason, reader, iccid, iccidLuhnValid, imsi, pins, summary, contentSHA256, recordSHA256
        case operatorName = "operator"
    }

    /// The parts of a stored record the page shows (decoding skips the files and the transcript).
    struct Decoded: Decodable {
        var reader: String?
        var iccid: SIMAcquisition.ICCIDView?
        var imsi: SIMAcquisition.IMSIView?
        var pins: [PINState]?
        var summary: AcquisitionSummary?
        var incompleteReason: String?
    }

    init(_ record: AcquisitionRecord) throws(CaseStoreError) {
        let decoded = try record.decoded(as: Decoded.self)
        entry = record.seq; scope = record.scope.rawValue; complete = record.complete
        incompleteReason = record.complete ? nil : decoded.incompleteReason
        reader = decoded.reader
        iccid = decoded.iccid?.digits; iccidLuhnValid = decoded.iccid?.luhnValid
        imsi = decoded.imsi?.digits
        operatorName = decoded.imsi?.operatorInfo?.displayName ?? decoded.iccid?.issuer?.issuer
        pins = decoded.pins ?? []
        summary = decoded.summary
        contentSHA256 = record.contentSHA256; recordSHA256 = record.recordSHA256
    }
}

/// A photograph or scan kept with an item.
public struct PhotoOutput: Encodable, Sendable {
    public var entry: Int64
    public var sha256: String
    public var bytes: Int64
    /// The file name as it was kept (`photos/<sha256>.<ext>`: content-addressed, never the uploader's name).
    public var file: String

    public init(_ p: PhotoRecord) { entry = p.seq; sha256 = p.sha256; bytes = p.bytes; file = p.path }
}

/// A record (biên bản) that can be printed from one of the item's entries (`custody form KIND --entry SEQ`).
public struct RecordLink: Encodable, Sendable {
    public var kind: String
    public var entry: Int64
}

/// Everything the item page shows (schema custody.desk.item/1).
public struct ItemPage: Encodable, Sendable {
    public static let schema = "custody.desk.item/1"
    public var schema = ItemPage.schema
    public var caseID: String
    public var item: DeviceOutput
    /// Its state, location and check-out.
    public var custody: ShelfCustody.Item
    /// The last finished shelf audit that found it.
    public var lastAudit: ItemAuditDate
    /// The items that hold it, the outermost first (box ▸ port ▸ slot for a SIM in a box).
    public var path: [ItemReference]
    /// The first page of what it holds.
    public var contents: TreePage
    public var reads: [ReadView]
    public var photos: [PhotoOutput]
    /// Every ledger entry about the item, in order.
    public var history: [EntryOutput]
    public var records: [RecordLink]

    /// The page of item `label` on `now`'s day.
    public init(_ store: CaseStore, label: String, now: Date = Date()) throws(WorkbenchError) {
        custody = try ShelfCustody.item(label, in: store, now: now)
        lastAudit = try ShelfAudits.lastAudit(store, label: label)
        let (found, contents, reads, photos, entries) = try inCase { () throws(CaseStoreError) in
            guard let found = try store.item(label) else { throw .unknownItem(label) }
            return (found, try TreePage(store, parent: label, after: nil), try store.acquisitions(item: label).map(ReadView.init),
                    try store.photos(item: label).map(PhotoOutput.init), try store.history(label))
        }
        caseID = store.caseID
        item = DeviceOutput(found)
        self.contents = contents
        path = contents.path
        self.reads = reads
        self.photos = photos
        history = entries.map(EntryOutput.init)
        records = entries.compactMap { e in RecordKind(entry: e.entry).map { RecordLink(kind: $0.rawValue, entry: e.entry.sequence) } }
    }
}

/// The dashboard (schema custody.desk.dashboard/1): custody on the shelf (items by type and
/// state, what is checked out to whom since when, what is overdue) and the batch read's
/// activity.
public struct DeskDashboard: Encodable, Sendable {
    public static let schema = "custody.desk.dashboard/1"
    public var schema = DeskDashboard.schema
    public var custody: ShelfCustody.Status
    public var batch: BatchActivity

    public init(_ store: CaseStore, now: Date = Date()) throws(WorkbenchError) {
        custody = try ShelfCustody.status(store, now: now)
        batch = try inCase { () throws(CaseStoreError) in try BatchActivity(of: store, now: now) }
    }
}
