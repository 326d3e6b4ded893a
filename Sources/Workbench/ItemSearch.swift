import CaseStore

/// Items found by label, ICCID, IMSI, IMEI, serial, seal number or words (`CaseStore.search`),
/// as `custody device find --json` prints them and the desk's search page and API show them
/// (schema custody.device.find/1).
public struct ItemSearch: Encodable, Sendable {
    public static let schema = "custody.device.find/1"
    public var schema = ItemSearch.schema
    public var caseID: String
    public var query: String
    public var matches: [Match]

    public struct Match: Encodable, Sendable {
        public var item: DeviceOutput
        /// `label`, `ICCID 8984…`, `text …` (the folded words), best first.
        public var matched: [String]
        /// The best match: exact, prefix, fragment or text.
        public var rank: SearchMatch.Kind
        /// True when the item was disposed of or returned (it stays findable, marked); absent otherwise.
        public var disposed: Bool?
        /// The matches as found (field and value), for a page to lay out.
        public var found: [SearchMatch]

        enum CodingKeys: String, CodingKey { case item, matched, rank, disposed }
    }

    /// The items of `store` matching `text`, at most `limit` (the best ranked).
    public init(_ store: CaseStore, text: String, limit: Int?) throws(CaseStoreError) {
        caseID = store.caseID
        query = text
        let hits = try store.search(text, limit: limit)
        let states = try store.shelfStates(of: hits.map(\.item.label))
        matches = hits.map { hit in
            Match(item: DeviceOutput(hit.item), matched: hit.matches.map(\.description), rank: hit.rank,
                  disposed: states[hit.item.label] == .disposed ? true : nil, found: hit.matches)
        }
    }

    /// The one item a search names exactly (its label or an identifier equal to the text), nil
    /// when the search found anything else as well or nothing: the desk opens that item's page
    /// at once.
    public var exactItem: String? {
        guard matches.count == 1, matches[0].rank == .exact else { return nil }
        return matches[0].item.label
    }
}
