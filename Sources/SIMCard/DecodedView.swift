/// A decoder's output in an acquisition record. It stays the typed value the decoder made and is
/// encoded straight into the record's JSON when written out: turning hundreds of records into
/// JSON trees up front cost more than reading the card. Read back from JSON, it is a `JSONValue`.
public struct DecodedView: Codable, Sendable, Hashable {
    private enum Storage: @unchecked Sendable {
        // Unchecked: the decoders' values are all Sendable value types; `any Encodable & Sendable`
        // cannot be spelled as a stored existential that also satisfies Hashable here.
        case typed(any Encodable & Sendable)
        case json(JSONValue)
    }

    private let storage: Storage

    init(_ value: any Encodable & Sendable) { storage = .typed(value) }

    /// One view per record of a record file: `{record, value}`, `{record, empty: true}` or
    /// `{record, decodeError}`.
    init(records: [RecordView]) { storage = .typed(records) }

    public init(from decoder: any Decoder) throws { storage = .json(try JSONValue(from: decoder)) }

    public func encode(to encoder: any Encoder) throws {
        switch storage {
        case .typed(let value): try value.encode(to: encoder)
        case .json(let json): try json.encode(to: encoder)
        }
    }

    /// The view as plain JSON (converts a typed value: meant for readers and tests, not hot paths).
    public var json: JSONValue {
        switch storage {
        case .typed(let value): (try? JSONValue(encoding: value)) ?? .null
        case .json(let json): json
        }
    }

    public static func == (lhs: DecodedView, rhs: DecodedView) -> Bool { lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    struct RecordView: Encodable, Sendable {
        var record: Int
        var value: (any Encodable & Sendable)?
        var decodeError: String?

        enum CodingKeys: String, CodingKey { case record, value, empty, decodeError }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record, forKey: .record)
            if let decodeError {
                try container.encode(decodeError, forKey: .decodeError)
            } else if let value {
                try container.encode(value, forKey: .value)
            } else {
                try container.encode(true, forKey: .empty)
            }
        }
    }
}
