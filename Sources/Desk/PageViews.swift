import CaseStore
import Export
import Foundation
import Ledger
import SIMCard
import Wording
import Workbench

// What the page templates (dashboard, search, item, tree) see: the Workbench page data with
// numbers, times and names written in the user's language. Labels and text from the case go
// into the templates as they are; Mustache's `{{ }}` escapes them for HTML.

/// Writes values for one user's pages: numbers, times (in the case's time zone), item types,
/// identifier names.
struct PageWriter: Sendable {
    let catalog: Catalog
    let timeZone: TimeZone

    /// `timeZone`: the case's (an unknown zone writes UTC).
    init(language: Language, timeZone: String) {
        catalog = Catalog.of(language)
        self.timeZone = TimeZone(identifier: timeZone) ?? .gmt
    }

    /// The report's names (SMS states), shared with the court report.
    var report: ReportWording { ReportWording(catalog.language, timeZone: timeZone.identifier) }

    func number(_ value: Int) -> String { catalog.number(value) }

    /// A ledger time (UTC, RFC 3339) as a table shows it in the case's time zone; text that is
    /// not a ledger time is shown as it is.
    func time(_ utc: String) -> String {
        guard let time = LedgerTime(utc) else { return utc }
        return catalog.dateTime(time.date, timeZone: timeZone)
    }

    func type(_ word: String) -> String { catalog.itemTypeName(word) }

    /// A custody state's name (`on-shelf`, `checked-out`, `disposed`); a word this version does not know as it is.
    func state(_ word: String) -> String {
        switch ShelfState(rawValue: word) {
        case .onShelf: catalog.text("desk.state.on-shelf")
        case .checkedOut: catalog.text("desk.state.checked-out")
        case .disposed: catalog.text("desk.state.disposed")
        case nil: word
        }
    }

    /// Who holds a checked-out item: their roster name and id, or the id alone.
    func holder(_ out: ShelfCustody.CheckedOut) -> String {
        switch (out.holderName, out.holder) {
        case let (name?, id?): "\(name) (\(id))"
        case let (nil, id?): id
        default: catalog.text("desk.custody.holder-not-recorded")
        }
    }

    /// The title of a record kind, as the record prints it.
    func recordTitle(_ kind: String) -> String {
        switch RecordKind(rawValue: kind) {
        case .seizure: catalog.text("forms.seizure.title")
        case .seal: catalog.text("forms.seal.title")
        case .unseal: catalog.text("forms.unseal.title")
        case .handover: catalog.text("forms.handover.title")
        case .checkout: catalog.text("forms.checkout.title")
        case .checkin: catalog.text("forms.checkin.title")
        case .disposal: catalog.text("forms.disposal.title")
        case .giveBack: catalog.text("forms.return.title")
        case .examination: catalog.text("forms.examination.title")
        case .audit: catalog.text("forms.audit.title")
        case nil: kind
        }
    }
}

/// Links to the desk's pages; labels are percent-encoded as one path segment.
enum PageLinks {
    static func item(_ label: String) -> String { "/items/" + segment(label) }
    static func tree(_ label: String) -> String { "/tree/" + segment(label) }
    static func location(_ label: String) -> String { "/locations/" + segment(label) }
    static func photo(_ label: String, sha256: String) -> String { item(label) + "/photos/" + sha256 }

    /// `text` percent-encoded to stand alone as one path segment (a `/` in a label included).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? text
    }

    /// `text` percent-encoded as a query value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? text
    }

    /// RFC 3986's unreserved characters: everything else is percent-encoded.
    static let segmentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// The batch panel of the dashboard, and each event of its stream (`/events/batch`).
struct BatchPanel: Encodable, Sendable, Equatable {
    var running: Bool
    var read: String
    var expected: String
    var pending: String
    var cardsPerMinute: String
    var lastLabel: String
    var lastLink: String
    var lastTime: String
    var barMaximum: Int
    var barValue: Int
    /// The ledger head the panel was taken at.
    var head: Int64

    init(_ batch: BatchActivity, _ writer: PageWriter) {
        running = batch.running
        read = writer.number(batch.progress.read)
        expected = writer.number(batch.progress.expected)
        pending = writer.number(batch.progress.pending)
        cardsPerMinute = batch.cardsPerMinute.map { String($0) } ?? "–"
        lastLabel = batch.lastRead?.label ?? ""
        lastLink = batch.lastRead?.label.map(PageLinks.item) ?? "#"
        lastTime = batch.lastRead.map { writer.time($0.time) } ?? ""
        barMaximum = max(batch.progress.expected, 1)
        barValue = min(batch.progress.read, barMaximum)
        head = batch.head
    }
}

struct DashboardView {
    struct TypeCounts { var name: String; var onShelf: String; var checkedOut: String; var disposed: String }
    struct CheckedOut { var label: String; var link: String; var holder: String; var since: String; var due: String?; var purpose: String?; var overdue: Bool }

    var types: [TypeCounts]
    var totals: TypeCounts
    var batch: BatchPanel
    var checkedOut: [CheckedOut]
    var hasCheckedOut: Bool
    var overdue: [CheckedOut]

    init(_ dashboard: DeskDashboard, _ writer: PageWriter) {
        let custody = dashboard.custody
        func counts(_ name: String, _ byState: [String: Int]) -> TypeCounts {
            TypeCounts(name: name, onShelf: writer.number(byState[ShelfState.onShelf.rawValue] ?? 0),
                       checkedOut: writer.number(byState[ShelfState.checkedOut.rawValue] ?? 0),
                       disposed: writer.number(byState[ShelfState.disposed.rawValue] ?? 0))
        }
        types = custody.counts.sorted { $0.key < $1.key }.map { counts(writer.type($0.key), $0.value) }
        totals = counts(writer.catalog.text("desk.dashboard.total"), custody.totals)
        batch = BatchPanel(dashboard.batch, writer)
        checkedOut = custody.checkedOut.map { Self.checkedOut($0, writer) }
        hasCheckedOut = !checkedOut.isEmpty
        overdue = custody.overdue.map { Self.checkedOut($0, writer) }
    }

    static func checkedOut(_ out: ShelfCustody.CheckedOut, _ writer: PageWriter) -> CheckedOut {
        CheckedOut(label: out.label, link: PageLinks.item(out.label), holder: writer.holder(out), since: writer.time(out.since),
                   due: out.due, purpose: out.purpose, overdue: out.overdue)
    }
}

struct SearchView {
    struct Match { var field: String; var value: String }
    struct Place { var label: String; var link: String }
    struct Hit { var label: String; var link: String; var type: String; var matched: [Match]; var parent: Place?; var disposed: Bool }

    var query: String
    var searched: Bool
    var hits: [Hit]
    var hasHits: Bool
    var count: String

    init(query: String, results: ItemSearch?, _ writer: PageWriter) {
        self.query = query
        searched = results != nil
        hits = (results?.matches ?? []).map { m in
            Hit(label: m.item.label, link: PageLinks.item(m.item.label), type: writer.type(m.item.type),
                matched: m.found.map { Match(field: $0.field == "label" || $0.field == "text" ? "" : writer.catalog.identifierName($0.field), value: $0.value) },
                parent: m.item.parent.map { Place(label: $0, link: PageLinks.item($0)) }, disposed: m.disposed ?? false)
        }
        hasHits = !hits.isEmpty
        count = writer.catalog.count("desk.search.found", hits.count)
    }
}

struct TreeView {
    struct Node { var label: String; var link: String; var treeLink: String; var type: String; var children: String; var hasChildren: Bool }
    struct Step { var label: String; var treeLink: String }
    struct Parent { var label: String; var link: String; var type: String }

    var parent: Parent?
    var path: [Step]
    var items: [Node]
    var nextLink: String?

    init(_ page: TreePage, _ writer: PageWriter) {
        parent = page.parent.map { Parent(label: $0.label, link: PageLinks.item($0.label), type: writer.type($0.type)) }
        path = page.path.map { Step(label: $0.label, treeLink: PageLinks.tree($0.label)) }
        items = page.items.map { Self.node($0, writer) }
        let base = page.parent.map { PageLinks.tree($0.label) } ?? "/tree"
        nextLink = page.next.map { base + "?after=" + PageLinks.query($0) }
    }

    static func node(_ entry: TreeEntry, _ writer: PageWriter) -> Node {
        Node(label: entry.label, link: PageLinks.item(entry.label), treeLink: PageLinks.tree(entry.label), type: writer.type(entry.type),
             children: writer.catalog.count("desk.tree.holds", entry.children), hasChildren: entry.children > 0)
    }
}

struct ItemView {
    struct Field { var name: String; var value: String }
    struct Step { var label: String; var link: String }
    struct Photo { var entry: Int64; var link: String; var bytes: String; var sha256: String }
    struct Record { var kind: String; var entry: Int64; var name: String }
    struct Entry { var seq: Int64; var time: String; var utc: String; var examiner: String; var action: String; var details: String }
    struct PIN { var name: String; var state: String }
    struct Message { var record: Int; var status: String; var deleted: Bool; var party: String; var time: String; var text: String }
    struct Contact { var file: String; var record: Int; var name: String; var number: String }
    struct Read {
        var entry: Int64
        var scope: String
        var complete: Bool
        var incompleteReason: String?
        var iccid: String?
        var imsi: String?
        var operatorName: String?
        var reader: String?
        var pins: [PIN]
        var provider: String?
        var ownNumbers: String?
        var contentSHA256: String
        var recordSHA256: String
        var messages: [Message]
        var hasMessages: Bool
        var contacts: [Contact]
        var hasContacts: Bool
        var locations: [String]
        var hasLocations: Bool
    }

    struct Custody { var location: Step?; var locationPath: [Step]; var checkedOut: DashboardView.CheckedOut?; var state: String; var lastAudit: String? }

    var item: TypeNamed
    var custody: Custody
    var path: [Step]
    var identifiers: [Field]
    var attributes: [Field]
    var contents: [TreeView.Node]
    var hasContents: Bool
    var moreContents: String?
    var photos: [Photo]
    var reads: [Read]
    var records: [Record]
    var history: [Entry]
    var disposed: Bool
    var mayUpload: Bool
    var uploadLink: String
    var recordLink: String
    var labelLink: String

    /// An item's label, link and type name.
    struct TypeNamed { var label: String; var link: String; var type: String }

    init(_ page: ItemPage, mayUpload: Bool, _ writer: PageWriter) {
        let label = page.item.label
        let link = PageLinks.item(label)
        item = .init(label: label, link: link, type: writer.type(page.item.type))
        let locations = page.custody.locationPath.map { Step(label: $0, link: PageLinks.location($0)) }
        custody = Custody(location: locations.last, locationPath: locations, checkedOut: page.custody.checkedOut.map { DashboardView.checkedOut($0, writer) },
                          state: writer.state(page.custody.state), lastAudit: page.lastAudit.finishedAt.map(writer.time))
        path = page.path.map { Step(label: $0.label, link: PageLinks.item($0.label)) }
        identifiers = Self.fields(page.item.identifiers.value, writer)
        attributes = Self.fields(page.item.attributes.value, writer)
        contents = page.contents.items.map { TreeView.node($0, writer) }
        hasContents = !contents.isEmpty
        moreContents = page.contents.next.map { PageLinks.tree(label) + "?after=" + PageLinks.query($0) }
        photos = page.photos.map { Photo(entry: $0.entry, link: PageLinks.photo(label, sha256: $0.sha256), bytes: writer.number(Int($0.bytes)), sha256: $0.sha256) }
        reads = page.reads.map { Self.read($0, writer) }
        records = page.records.map { Record(kind: $0.kind, entry: $0.entry, name: writer.recordTitle($0.kind)) }
        history = page.history.map { e in
            Entry(seq: e.seq, time: writer.time(e.time), utc: e.time, examiner: e.examiner, action: e.action, details: e.payload.value.objectValue.map { JSONPayload.text($0) } ?? JSONPayload.text(e.payload.value))
        }
        disposed = page.custody.state == ShelfState.disposed.rawValue
        self.mayUpload = mayUpload
        uploadLink = link + "/photos"
        recordLink = link + "/records"
        labelLink = link + "/label.pdf"
    }

    static func fields(_ value: CanonicalJSON, _ writer: PageWriter) -> [Field] {
        (value.objectValue ?? [:]).sorted { $0.key < $1.key }.map { key, value in
            Field(name: writer.catalog.identifierName(key), value: value.stringValue ?? JSONPayload.text(value))
        }
    }

    static func read(_ r: ReadView, _ writer: PageWriter) -> Read {
        let summary = r.summary
        let messages = (summary?.messages ?? []).map { m in
            Message(record: m.record, status: writer.report.smsStatus(m.status), deleted: m.deletedResidue, party: m.party ?? "", time: m.time ?? "",
                    text: (m.part.map { "[\($0)] " } ?? "") + (m.text ?? m.decodeError ?? ""))
        }
        let contacts = (summary?.contacts ?? []).map { Contact(file: $0.file, record: $0.record, name: $0.name ?? "", number: $0.number) }
        let locations = (summary?.locations ?? []).map { "\($0.kind) \($0.plmn ?? "–") \($0.area) (\($0.updateStatus))" }
        return Read(entry: r.entry, scope: r.scope == "full" ? writer.catalog.text("report.acquisition.scope-full") : writer.catalog.text("report.acquisition.scope-identity"),
                    complete: r.complete, incompleteReason: r.incompleteReason, iccid: r.iccid, imsi: r.imsi, operatorName: r.operatorName, reader: r.reader,
                    pins: r.pins.map { PIN(name: $0.name, state: $0.summary) },
                    provider: summary?.serviceProviderName, ownNumbers: summary.flatMap { $0.ownNumbers.isEmpty ? nil : $0.ownNumbers.joined(separator: ", ") },
                    contentSHA256: r.contentSHA256, recordSHA256: r.recordSHA256,
                    messages: messages, hasMessages: !messages.isEmpty, contacts: contacts, hasContacts: !contacts.isEmpty,
                    locations: locations, hasLocations: !locations.isEmpty)
    }
}

struct LocationsView {
    struct Node { var label: String; var link: String; var items: String; var children: [Node]; var hasChildren: Bool }

    var locations: [Node]
    /// Every location, for the new location's "inside" choice.
    var choices: [String]
    var mayCreate: Bool

    init(_ tree: ShelfCustody.Locations, mayCreate: Bool, _ writer: PageWriter) {
        func node(_ location: ShelfCustody.Location) -> Node {
            let children = location.children.map(node)
            return Node(label: location.label, link: PageLinks.location(location.label),
                        items: writer.catalog.count("desk.locations.holds", location.items), children: children, hasChildren: !children.isEmpty)
        }
        locations = tree.locations.map(node)
        func labels(_ location: ShelfCustody.Location) -> [String] { [location.label] + location.children.flatMap(labels) }
        choices = tree.locations.flatMap(labels)
        self.mayCreate = mayCreate
    }
}

struct LocationView {
    struct Step { var label: String; var link: String }
    struct Item { var label: String; var link: String; var type: String }

    var label: String
    var path: [Step]
    var children: [Step]
    var hasChildren: Bool
    var items: [Item]
    var count: String
    /// The location's own item page (its history: moves of the location itself).
    var itemLink: String

    init(_ contents: ShelfCustody.LocationContents, _ writer: PageWriter) {
        label = contents.label
        path = contents.path.map { Step(label: $0, link: PageLinks.location($0)) }
        children = contents.children.map { Step(label: $0, link: PageLinks.location($0)) }
        hasChildren = !children.isEmpty
        items = contents.items.map { Item(label: $0.label, link: PageLinks.item($0.label), type: writer.type($0.type)) }
        count = writer.catalog.count("desk.locations.holds", items.count)
        itemLink = PageLinks.item(contents.label)
    }
}
