import CaseStore

/// An item's custody chain as `custody history --json` and the desk's
/// `GET /api/v1/items/{label}/history` print it (schema custody.history/1).
public struct HistoryOutput: Encodable, Sendable {
    public var schema = "custody.history/1"
    public var caseID: String
    public var item: Item
    public var entries: [EntryOutput]

    public struct Item: Encodable, Sendable {
        public var label: String
        public var type: String
        public var parent: String?
        public var identifiers: JSONPayload
        public var createdBy: Int64
    }

    /// Every ledger entry about `label` in `store`, in order.
    public init(_ label: String, in store: CaseStore) throws(WorkbenchError) {
        let (item, entries) = try inCase { () throws(CaseStoreError) in
            guard let item = try store.item(label) else { throw CaseStoreError.unknownItem(label) }
            return (item, try store.history(label))
        }
        caseID = store.caseID
        self.item = Item(label: item.label, type: item.type.rawValue, parent: item.parent,
                         identifiers: JSONPayload(item.identifiers.canonical), createdBy: item.seq)
        self.entries = entries.map(EntryOutput.init)
    }
}
