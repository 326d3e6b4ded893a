import Wording

/// What one printed label shows (docs/LABELS.md): the item's label as a QR code and in large
/// text, its type (with make and model), up to two key identifiers, where it is kept, and the case id.
public struct ExhibitLabel: Sendable, Hashable {
    /// The item label exactly as registered; the QR code carries its UTF-8 bytes and nothing else.
    public var label: String
    /// Type, then make and model when known: "simbox, Hybertone GoIP-8".
    public var kind: String
    /// At most two (name, value) pairs: the first two of `Wording.keyIdentifiers` the item has.
    public var keyIdentifiers: [KeyIdentifier]
    /// Where the item is kept (its `location` attribute), as "Kept at <location>"; nil when unknown.
    public var location: String?
    public var caseID: String
    /// The line along the bottom: "Case <case id>".
    public var caseLine: String

    public struct KeyIdentifier: Sendable, Hashable {
        /// As printed: "ICCID", "IMEI", "S/N", "Seal", …
        public var name: String
        public var value: String
    }

    /// A label for a registry item: `identifiers` and the string `attributes` as the case store
    /// holds them (make, model, seal, …).
    public init(label: String, type: String, identifiers: [String: String], attributes: [String: String], caseID: String) {
        self.label = label
        self.caseID = caseID
        caseLine = "Case \(caseID)"
        kind = Wording.itemKind(type: type, make: attributes["make"], model: attributes["model"])
        location = attributes["location"].map { "Kept at \($0)" }
        keyIdentifiers = Array(Wording.keyIdentifiers.compactMap { key, name in
            (identifiers[key] ?? attributes[key]).map { KeyIdentifier(name: name, value: $0) }
        }.prefix(2))
    }
}
