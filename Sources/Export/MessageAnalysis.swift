import Analysis
import CaseStore
import Foundation
import SIMCard

// `custody campaigns` and `custody indicators` (docs/ANALYSIS.md): the case's messages, read
// in one streaming pass, through the Analysis target; every campaign member and indicator
// occurrence given as the pointer a prosecutor cites (docs/ANALYSIS.md, "How to cite a message").

/// Where a message came from, as the outputs cite it: the item, the source, the ledger entry
/// that brought it in and the row in the source (Android `_id`, iOS `ROWID` with its `guid`, the
/// CSV data-row number, or `<EF path>#<record>` of the SIM acquisition).
public struct MessagePointer: Codable, Sendable, Hashable, Comparable {
    public var item: String
    public var source: String
    public var entry: Int64
    public var row: String
    public var guid: String?

    public init(_ m: MessageRecord) {
        item = m.item; source = m.source.rawValue; entry = m.entry; row = m.sourceRow; guid = m.sourceGUID
    }

    /// `item/source/entry/row`, the form one CSV cell holds (guid left out: the ROWID names the row).
    public var text: String { "\(item)/\(source)/\(entry)/\(row)" }

    public static func < (a: MessagePointer, b: MessagePointer) -> Bool {
        (a.entry, a.item, a.row.count, a.row) < (b.entry, b.item, b.row.count, b.row)
    }
}

/// Which messages an output covers: those of `items` (nil: every item) brought in by entries
/// before `below` (an export's snapshot).
public struct MessageSelection: Sendable {
    public var items: Set<String>?
    public var below: Int64
    public init(items: Set<String>? = nil, below: Int64 = .max) { self.items = items; self.below = below }

    func includes(_ m: MessageRecord) -> Bool { m.entry < below && (items?.contains(m.item) ?? true) }
}

/// The case's messages as the analysis needs them, with what each went through.
public struct MessageAnalysis: Sendable {
    /// What is kept of one message besides its text: its pointer and the parties and places.
    struct Member: Sendable {
        var pointer: MessagePointer
        var sender: String?
        var port: Int64?
        var item: String
        var time: Date?
    }

    public let caseID: String
    public let messageCount: Int
    public let parameters: CampaignParameters
    public let campaigns: [Campaign]
    let members: [Int: Member]
    let texts: [Int: String]
    let items: [String: ItemRecord]
    /// The SIMs in each port's slots, by port label: the SIMs a sender log's port number sent through.
    let simsInPort: [String: [String]]

    /// Reads the messages of `store` and clusters them with the documented parameters, or
    /// with clusters of at least `minimumSize` messages listed as campaigns. An export passes
    /// `selection`: only the messages of its items (nil: all) that entries before `below` brought in.
    public init(store: CaseStore, minimumSize: Int? = nil, selection: MessageSelection = MessageSelection()) throws(CaseStoreError) {
        var parameters = CampaignParameters()
        if let minimumSize { parameters.minimumSize = minimumSize }
        var analysed = [AnalysedMessage]()
        var members = [Int: Member]()
        var texts = [Int: String]()
        try store.forEachMessage { m in
            guard selection.includes(m) else { return }
            let id = Int(m.id)
            let time = m.time.flatMap(MessageTime.date(iso8601:))
            analysed.append(AnalysedMessage(id: id, text: m.text, time: time))
            texts[id] = m.text
            members[id] = Member(pointer: MessagePointer(m), sender: m.direction == .incoming ? m.counterpart : m.ownAddress,
                                 port: m.port, item: m.item, time: time)
        }
        caseID = store.caseID
        messageCount = analysed.count
        self.parameters = parameters
        campaigns = findCampaigns(analysed, parameters: parameters)
        self.members = members
        self.texts = texts
        let items = Dictionary(try store.items().map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        var simsInPort = [String: [String]]()
        for sim in items.values where sim.type == .device(.sim) {
            guard let slot = sim.parent.flatMap({ items[$0] }), slot.type == .device(.slot), let port = slot.parent else { continue }
            simsInPort[port, default: []].append(sim.label)
        }
        self.items = items
        self.simsInPort = simsInPort
    }

    // MARK: Campaigns

    /// A campaign as `custody campaigns --json` prints it (schema custody.campaigns/1).
    public struct CampaignOutput: Encodable, Sendable {
        public var number: Int
        public var size: Int
        /// gambling, loan, fake_documents, phishing or other.
        public var category: String
        public var categoryWords: [String]
        public var firstTime: String?
        public var lastTime: String?
        public var representative: MessagePointer
        public var representativeText: String
        public var template: String
        public var variableParts: [VariablePart]
        /// Sending numbers: the sender of a received message, the own number of a sent one.
        public var senders: [String]
        public var sims: [String]
        public var ports: [String]
        public var boxes: [String]
        public var phones: [String]
        /// The items the messages were read from.
        public var items: [String]
        public var members: [MessagePointer]
    }

    public struct CampaignsOutput: Encodable, Sendable {
        public var schema = "custody.campaigns/1"
        public var caseID: String
        public var messages: Int
        public var parameters: CampaignParameters
        public var campaigns: [CampaignOutput]
    }

    public var campaignsOutput: CampaignsOutput {
        CampaignsOutput(caseID: caseID, messages: messageCount, parameters: parameters, campaigns: campaigns.map(output))
    }

    func output(_ c: Campaign) -> CampaignOutput {
        var senders = Set<String>(), sims = Set<String>(), ports = Set<String>(), boxes = Set<String>(), phones = Set<String>()
        var sources = Set<String>()
        for id in c.memberIDs {
            guard let m = members[id] else { continue }
            sources.insert(m.item)
            if let s = m.sender { senders.insert(s) }
            let chain = [items[m.item]].compactMap { $0 } + ancestors(of: m.item)
            for i in chain {
                switch i.type {
                case .device(.sim): sims.insert(i.label)
                case .device(.port): ports.insert(i.label)
                case .device(.simbox), .device(.simbank): boxes.insert(i.label)
                case .device(.phone): phones.insert(i.label)
                default: break
                }
            }
            // A sender log's port number: the port item when the log's item is (or is in) a box.
            if let port = m.port {
                if let box = chain.first(where: { $0.type == .device(.simbox) || $0.type == .device(.simbank) }) {
                    let label = "\(box.label)/P\(port)"
                    ports.insert(label)
                    sims.formUnion(simsInPort[label] ?? [])
                } else {
                    ports.insert("\(m.item) port \(port)")
                }
            }
        }
        let pointers = c.memberIDs.compactMap { members[$0]?.pointer }
        return CampaignOutput(number: c.number, size: c.size, category: c.category.rawValue, categoryWords: c.categoryWords,
                              firstTime: c.firstTime.map(MessageTime.utc), lastTime: c.lastTime.map(MessageTime.utc),
                              representative: members[c.representativeID]?.pointer ?? pointers[0], representativeText: c.representativeText,
                              template: c.template, variableParts: c.variableParts, senders: senders.sorted(), sims: sims.sorted(),
                              ports: ports.sorted(by: Self.labelOrder), boxes: boxes.sorted(), phones: phones.sorted(),
                              items: sources.sorted(), members: pointers)
    }

    /// The boxes and phones a member went through: its item and ancestors of those types, and
    /// the box of a sender log's port.
    func boxesAndPhones(_ id: Int) -> Set<String> {
        guard let m = members[id] else { return [] }
        let chain = [items[m.item]].compactMap { $0 } + ancestors(of: m.item)
        return Set(chain.filter { [.device(.simbox), .device(.simbank), .device(.phone)].contains($0.type) }.map(\.label))
    }

    /// Per campaign number, its members per UTC day (`2026-03-01`); members without a time are not counted.
    public var membersPerDay: [Int: [String: Int]] {
        var out = [Int: [String: Int]]()
        for c in campaigns {
            for id in c.memberIDs {
                guard let time = members[id]?.time else { continue }
                out[c.number, default: [:]][String(MessageTime.utc(time).prefix(10)), default: 0] += 1
            }
        }
        return out
    }

    /// Per campaign number, its members per box or phone they went through.
    public var membersPerBoxOrPhone: [Int: [String: Int]] {
        var out = [Int: [String: Int]]()
        for c in campaigns {
            for id in c.memberIDs { for label in boxesAndPhones(id) { out[c.number, default: [:]][label, default: 0] += 1 } }
        }
        return out
    }

    /// Labels with their numbers compared as numbers (`SB-01/P2` before `SB-01/P10`).
    static func labelOrder(_ a: String, _ b: String) -> Bool { a.compare(b, options: .numeric) == .orderedAscending }

    func ancestors(of label: String) -> [ItemRecord] {
        var out = [ItemRecord]()
        var seen: Set<String> = [label]
        var next = items[label]?.parent
        while let l = next, let parent = items[l], seen.insert(l).inserted {
            out.append(parent)
            next = parent.parent
        }
        return out
    }

    // MARK: Indicators

    /// One indicator with every message that carries it (schema custody.indicators/1).
    public struct IndicatorOutput: Encodable, Sendable {
        /// url, domain, phone, bank_account, zalo or telegram.
        public var kind: String
        public var value: String
        public var bank: String?
        public var shortener: Bool
        /// Occurrences (a message that repeats it counts each time).
        public var count: Int
        /// The numbers of the campaigns whose members carry it.
        public var campaigns: [Int]
        public var messages: [MessagePointer]
    }

    public struct IndicatorsOutput: Encodable, Sendable {
        public var schema = "custody.indicators/1"
        public var caseID: String
        public var messages: Int
        public var indicators: [IndicatorOutput]
    }

    /// Every indicator of every message, most frequent first (then by kind and value).
    public var indicatorsOutput: IndicatorsOutput {
        var campaignOf = [Int: Int]()
        for c in campaigns { for id in c.memberIDs { campaignOf[id] = c.number } }
        struct Key: Hashable { var kind: IndicatorKind; var value: String }
        typealias Found = (bank: String?, shortener: Bool, count: Int, campaigns: Set<Int>, messages: [MessagePointer])
        var found = [Key: Found]()
        for id in texts.keys.sorted() {
            guard let text = texts[id], let pointer = members[id]?.pointer else { continue }
            var seenHere = Set<Key>()
            for indicator in extractIndicators(text) {
                let key = Key(kind: indicator.kind, value: indicator.value)
                // Changed where it is stored: a copy taken out and put back copied the whole
                // message list at every occurrence (a spam URL in 100,000 messages: quadratic).
                func count(_ entry: inout Found) {
                    entry.count += 1
                    if entry.bank == nil { entry.bank = indicator.bank }
                    if let n = campaignOf[id] { entry.campaigns.insert(n) }
                    if seenHere.insert(key).inserted { entry.messages.append(pointer) }
                }
                count(&found[key, default: (indicator.bank, indicator.shortener, 0, [], [])])
            }
        }
        let list = found.map { key, e in
            IndicatorOutput(kind: key.kind.rawValue, value: key.value, bank: e.bank, shortener: e.shortener, count: e.count,
                            campaigns: e.campaigns.sorted(), messages: e.messages)
        }.sorted { ($1.count, $0.kind, $0.value) < ($0.count, $1.kind, $1.value) }
        return IndicatorsOutput(caseID: caseID, messages: messageCount, indicators: list)
    }

}
