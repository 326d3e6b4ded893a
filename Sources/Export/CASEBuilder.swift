import CaseStore
import Foundation
import Ledger

/// Writes the graph of one export: reads the case's small tables, then streams the items and
/// the ledger, writing each item's and each entry's nodes as soon as they are made
/// (docs/CASE-UCO.md, "Encoding"). What it keeps is per item or per read, never a record, an
/// entry or a written node.
struct CASEGraphBuilder {
    let names: NodeNames
    let caseRecord: CaseRecord
    let tool: ToolIdentity
    let exportTime: LedgerTime
    let store: CaseStore
    /// The ledger's size the graph describes: entries 0 ..< size.
    let size: Int
    let selection: Set<String>?
    let roster: [String: ExaminerRecord]
    /// The exported items, in label order.
    let items: [ItemRecord]
    let itemTypes: [String: ItemType]
    let sims: [String: SIMStatus]
    /// Bytes of each stored read's record, by its entry's sequence number.
    let recordSizes: [Int64: Int64]
    /// What each stored read says about the card and when it was read, by entry.
    let readFacts: [Int64: ReadFacts]
    /// Each SIM item's last complete read, else its last read (sequence numbers).
    let latestRead: [String: Int64]
    /// Exported items created by each entry.
    let created: [Int64: [String]]
    /// The exported entries written so far (a correction names an earlier entry).
    var exportedEntries = Set<Int64>()
    /// The nodes one item or entry made, not yet written.
    var pending: [CASENode] = []
    /// The nodes every item and entry may name (people, organisations, locations, the tool,
    /// the authorization), by IRI: written once, at the end.
    var shared: [String: CASENode] = [:]
    /// The IRIs of the nodes written so far: the investigation names them all.
    var written: [String] = []

    init(store: CaseStore, size: Int, selection: Set<String>?, catalog: [ItemRecord]?, tool: ToolIdentity,
         exportTime: LedgerTime) throws(CaseStoreError) {
        names = NodeNames(caseID: store.caseID)
        caseRecord = store.caseRecord
        self.tool = tool
        self.exportTime = exportTime
        self.store = store
        self.size = size
        self.selection = selection
        roster = Dictionary(try store.examiners().map { ($0.id, $0) }) { first, _ in first }
        let every: [ItemRecord]
        if let catalog { every = catalog } else { every = try store.items() }
        let allItems = every.filter { $0.seq < Int64(size) }.sorted { $0.label < $1.label }
        let known = Set(allItems.map(\.label))
        if let selection, let missing = selection.subtracting(known).sorted().first { throw .unknownItem(missing) }
        let exported = selection ?? known
        items = allItems.filter { exported.contains($0.label) }
        itemTypes = Dictionary(uniqueKeysWithValues: items.map { ($0.label, $0.type) })
        sims = Dictionary(try store.simStatuses().map { ($0.label, $0) }) { first, _ in first }
        var sizes = [Int64: Int64](), facts = [Int64: ReadFacts]()
        var latest = [String: (complete: Bool, seq: Int64)]()
        // The records decoded on every core, a batch at a time (most of the graph's time at ten
        // times the seizure was decoding 1.2 GB of records one after another).
        var batch = [AcquisitionRecord]()
        func takeBatch() throws(CaseStoreError) {
            for (read, decoded) in zip(batch, batch.concurrentMap { read in Result { () throws(CaseStoreError) in try read.decoded(as: ReadFacts.self) } }) {
                guard sizes[read.seq] == nil else { continue }
                sizes[read.seq] = Int64(read.record.count)
                facts[read.seq] = try decoded.get()
                guard let label = read.item else { continue }
                if let other = latest[label], (other.complete ? 1 : 0, other.seq) > (read.complete ? 1 : 0, read.seq) { continue }
                latest[label] = (read.complete, read.seq)
            }
            batch.removeAll(keepingCapacity: true)
        }
        do {
            try store.forEachAcquisition(below: size) { read in
                batch.append(read)
                if batch.count == CaseStore.recordsDecodedAtOnce { try takeBatch() }
            }
            try takeBatch()
        } catch let e as CaseStoreError { throw e } catch { throw .ledger("cannot read the acquisitions: \(error)") }
        recordSizes = sizes
        readFacts = facts
        latestRead = latest.mapValues(\.seq)
        var created = [Int64: [String]]()
        for item in items { created[item.seq, default: []].append(item.label) }
        self.created = created
    }

    /// Writes the whole document to `out`, in pieces: `@context`, then the `@graph` of each
    /// exported item (label order) with its relationship, each exported entry (ledger order)
    /// with its results, the shared nodes sorted by IRI, and last the investigation.
    mutating func write(to out: (ArraySlice<UInt8>) throws -> Void) throws {
        try out(ArraySlice(Array("{\"@context\":".utf8) + CASEVocabulary.context.canonicalBytes + Array(",\"@graph\":[".utf8)))
        for examiner in roster.values { addPerson(examiner.id) }
        addTool()
        for item in items {
            addItem(item)
            try flush(to: out)
        }
        // The entries that may bring in messages, by sequence number and action (not the
        // entry: 71,000 reads at ten times the seizure).
        var messageEntries = [(seq: Int64, action: LedgerAction)]()
        try store.forEachLine(below: size) { r in
            let signed = try SignedEntry(line: Array(r.line))
            if let selection {
                guard signed.entry.subjects.contains(where: selection.contains) || created[signed.entry.sequence] != nil else { return }
            }
            addEntry(signed)
            exportedEntries.insert(signed.entry.sequence)
            try flush(to: out)
            if [.messagesImport, .simAcquire, .simReread].contains(signed.entry.action) { messageEntries.append((signed.entry.sequence, signed.entry.action)) }
        }
        // After the ledger's read: the store reads one thing at a time.
        for (seq, action) in messageEntries {
            try addMessages(of: seq, action: action) { builder in try builder.flush(to: out) }
            try flush(to: out)
        }
        try writeInvestigation(to: out)
        try out(ArraySlice(Array("]}".utf8)))
    }

    /// Writes the pending nodes, comma-separated after the ones before.
    mutating func flush(to out: (ArraySlice<UInt8>) throws -> Void) throws {
        for node in pending {
            try out(ArraySlice(written.isEmpty ? node.json.canonicalBytes : [0x2C] + node.json.canonicalBytes))
            written.append(node.id)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// A node of the item or entry being written.
    mutating func add(_ node: CASENode) { pending.append(node) }

    /// A node any item or entry may name, written once at the end.
    mutating func addShared(_ node: CASENode) { shared[node.id] = node }

    // MARK: The case, its people and its tool

    var investigationIRI: String { names.iri("investigation", "investigation:\(caseRecord.id)") }

    /// The shared nodes, then the investigation, which names every other top-level node as its
    /// object. Its `uco-core:object` list (every node's IRI, sorted) is written a reference at a
    /// time into the node's canonical bytes: built as one JSON value it took a dictionary per
    /// node and was the graph's peak memory (≈ 230 MiB at ten times the seizure).
    mutating func writeInvestigation(to out: (ArraySlice<UInt8>) throws -> Void) throws {
        let authorization = names.iri("authorization", "authorization:\(caseRecord.authority)")
        var auth = CASENode(authorization, "case-investigation:Authorization")
        auth["uco-core:name"] = .string(caseRecord.authority)
        auth["case-investigation:authorizationIdentifier"] = .string(caseRecord.authority)
        addShared(auth)
        organization(caseRecord.agency)
        pending = shared.values.sorted { $0.id < $1.id } + pending
        try flush(to: out)

        var node = CASENode(investigationIRI, "case-investigation:Investigation")
        node["uco-core:name"] = .string(caseRecord.name)
        node["uco-core:description"] = .string("Case \(caseRecord.id) of \(caseRecord.agency); lab time zone \(caseRecord.timeZone); exported by \(tool.name) \(tool.version)")
        node["case-investigation:relevantAuthorization"] = .refs([authorization])
        if let opened = LedgerTime(caseRecord.createdAt) { node["uco-core:startTime"] = .dateTime(opened) }
        node["uco-core:objectCreatedTime"] = .dateTime(exportTime)
        // Sorted and without repeats, as `CanonicalJSON.refs` gives them (the IRIs are ASCII, so
        // String order is the byte order canonical JSON sorts by).
        written.sort()
        // The members that sort before "uco-core:object", the list, the members after (all
        // keys are ASCII: canonical JSON's UTF-16 order is byte order).
        let key = "uco-core:object"
        let before = node.properties.filter { Array($0.key.utf8).lexicographicallyPrecedes(Array(key.utf8)) }
        let after = node.properties.filter { Array(key.utf8).lexicographicallyPrecedes(Array($0.key.utf8)) }
        try out(ArraySlice([0x2C] + CanonicalJSON.object(before).canonicalBytes.dropLast() + (before.isEmpty ? [] : [0x2C])
            + CanonicalJSON.string(key).canonicalBytes + Array(":[".utf8)))
        var previous: String? = nil
        for iri in written where iri != previous {
            try out(ArraySlice((previous == nil ? [] : [0x2C]) + CanonicalJSON.ref(iri).canonicalBytes))
            previous = iri
        }
        try out(ArraySlice(Array("]".utf8) + (after.isEmpty ? [] : [0x2C]) + CanonicalJSON.object(after).canonicalBytes.dropFirst()))
    }

    var toolIRI: String { names.iri("tool", "tool:\(tool.name)/\(tool.version)/\(tool.build)") }

    mutating func addTool() {
        var node = CASENode(toolIRI, "uco-tool:Tool")
        node["uco-core:name"] = .string(tool.name)
        node["uco-tool:version"] = .string(tool.version)
        node["uco-tool:toolType"] = .string("SIM acquisition and chain of custody")
        node["uco-core:description"] = tool.build.isEmpty ? nil : .string("build \(tool.build)")
        addShared(node)
    }

    /// The examiner's `identity:Person` (also for an id missing from the roster, named by its id).
    @discardableResult
    mutating func addPerson(_ id: String) -> String {
        let iri = names.iri("person", "examiner:\(id)")
        guard shared[iri] == nil else { return iri }
        var node = CASENode(iri, "uco-identity:Person")
        let record = roster[id]
        node["uco-core:name"] = .string(record?.name ?? id)
        node["uco-core:description"] = .string(record.map { "examiner \($0.id), \($0.role)" } ?? "examiner \(id), not in the roster")
        addShared(node)
        return iri
    }

    /// An `identity:Organization` (operator, manufacturer, agency), one node per name.
    @discardableResult
    mutating func organization(_ name: String) -> String {
        namedNode("organization", "uco-identity:Organization", name)
    }

    /// A `location:Location` named by the place text of an event, one node per text.
    mutating func location(_ place: String) -> String {
        namedNode("location", "uco-location:Location", place)
    }

    /// A node known by its name alone; `kind` is also the first part of its IRI name.
    mutating func namedNode(_ kind: String, _ type: String, _ name: String) -> String {
        let iri = names.iri(kind, "\(kind):\(name)")
        if shared[iri] == nil {
            var node = CASENode(iri, type)
            node["uco-core:name"] = .string(name)
            addShared(node)
        }
        return iri
    }

    // MARK: Facets and hashes

    /// A facet embedded in the node named `owner`; `index` tells repeated facets of one class apart.
    func facet(_ owner: String, _ type: String, index: Int? = nil) -> (node: CASENode, name: String) {
        let local = String(type.split(separator: ":").last ?? "")
        let name = "\(owner)/\(local)" + (index.map { "/\($0)" } ?? "")
        return (CASENode(names.iri("facet", name), type), name)
    }

    /// A `ContentDataFacet` holding the SHA-256 of the data, and its size when known.
    func contentData(_ owner: String, sha256: String, size: Int64? = nil, mimeType: String? = nil) -> CASENode {
        var (facet, name) = facet(owner, "uco-observable:ContentDataFacet")
        var hash = CASENode(names.iri("hash", "\(name)/SHA256"), "uco-types:Hash")
        hash["uco-types:hashMethod"] = .string(CASEVocabulary.sha256Method)
        hash["uco-types:hashValue"] = .hexBinary(sha256)
        facet["uco-observable:hash"] = .nodes([hash])
        facet["uco-observable:sizeInBytes"] = size.map { .integer($0) }
        facet["uco-observable:mimeType"] = mimeType.map { .string($0) }
        return facet
    }
}

/// The parts of a stored acquisition record the graph shows: the SIM type and the transcript's
/// first and last times. Only these are kept: a full read's transcript has hundreds of
/// exchanges, and keeping their times for every read was most of the export's memory.
struct ReadFacts: Decodable {
    /// `USIM` when the card has a USIM application, else the card type (`SIM` or `UICC`).
    let simType: String?
    let started: LedgerTime?
    let ended: LedgerTime?

    private enum Keys: String, CodingKey { case cardType, applications, transcript }
    private struct Application: Decodable { var kind: String }

    /// The first and last exchange times of a transcript, read one exchange at a time.
    private struct Span: Decodable {
        private enum Keys: String, CodingKey { case entries }
        private struct Exchange: Decodable { var time: String }
        var first: LedgerTime?
        var last: LedgerTime?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            guard container.contains(.entries) else { return }
            var entries = try container.nestedUnkeyedContainer(forKey: .entries)
            var firstTime: String?, lastTime: String?
            while !entries.isAtEnd {
                let time = try entries.decode(Exchange.self).time
                if firstTime == nil { firstTime = time }
                lastTime = time
            }
            first = firstTime.flatMap { LedgerTime($0) }
            last = lastTime.flatMap { LedgerTime($0) }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let cardType = try container.decodeIfPresent(String.self, forKey: .cardType)
        let applications = try container.decodeIfPresent([Application].self, forKey: .applications)
        simType = applications?.contains { $0.kind == "usim" } == true ? "USIM" : cardType
        let span = try container.decodeIfPresent(Span.self, forKey: .transcript)
        started = span?.first
        ended = span?.last
    }
}
