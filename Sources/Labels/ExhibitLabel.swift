import Wording

/// What one printed label shows (docs/LABELS.md): the item's label as a QR code and in large
/// text, its type (with make and model), up to two key identifiers, where it is kept, and the
/// case id, the words in the catalog's language.
public struct ExhibitLabel: Sendable, Hashable {
    /// The item label exactly as registered; the QR code carries its UTF-8 bytes and nothing else.
    public var label: String
    /// Type, then make and model when known: "SIM box, Hybertone GoIP-8".
    public var kind: String
    /// At most two (name, value) pairs: the first two of `keyIdentifierOrder` the item has.
    public var keyIdentifiers: [KeyIdentifier]
    /// Where the item is kept (its `location` attribute): "Kept at <location>"; nil when unknown.
    public var location: String?
    /// The line along the bottom: "Case <case id>".
    public var caseLine: String

    public struct KeyIdentifier: Sendable, Hashable {
        /// As printed: "ICCID", "IMEI", "S/N", "Seal", … (`Catalog.identifierName`).
        public var name: String
        public var value: String
    }

    /// Identifiers and attributes a label prints, most telling first (keys in the item's
    /// identifiers or attributes).
    static let keyIdentifierOrder = ["ICCID", "IMEI", "IMEI2", "moduleIMEI", "serial", "seal", "MAC", "hostname", "IMSI"]

    /// A label for a registry item: `identifiers` and the string `attributes` as the case store
    /// holds them (make, model, seal, location, …), its words from `catalog`.
    public init(label: String, type: String, identifiers: [String: String], attributes: [String: String], caseID: String,
                catalog: Catalog) {
        self.label = label
        caseLine = catalog.text("labels.case-line", ["case": caseID])
        kind = catalog.itemKind(type: type, make: attributes["make"], model: attributes["model"])
        location = attributes["location"].map { catalog.text("labels.location", ["location": $0]) }
        keyIdentifiers = Array(Self.keyIdentifierOrder.compactMap { key in
            (identifiers[key] ?? attributes[key]).map { KeyIdentifier(name: catalog.identifierName(key), value: $0) }
        }.prefix(2))
    }
}
