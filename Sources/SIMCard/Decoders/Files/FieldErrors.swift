/// A field of a decoded value that did not decode. The value keeps every other field: one bad
/// field (a PLMN of FFFF00, a name byte outside the alphabet) does not cost the P-TMSI, the
/// LAC or the number beside it. The field itself is nil (or absent) in the value.
public struct FieldError: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field's path in the decoded value's JSON, e.g. `routingArea.locationArea.plmn`.
    public let field: String
    /// Why it did not decode (`DecodeError`'s text).
    public let error: String

    public init(field: String, error: DecodeError) {
        self.field = field
        self.error = error.description
    }

    /// `field: error`, as `decodeErrors` lists it.
    public var description: String { "\(field): \(error)" }
}

/// A decoded value that decodes field by field and lists the fields that did not decode
/// (`fieldErrors`, nil when every field decoded). `FileDecoding` copies them into the file's
/// `decodeErrors`.
protocol FieldByFieldDecoded {
    var fieldErrors: [FieldError]? { get }
}

/// Collects the field errors of one value while it decodes.
struct FieldErrors {
    private(set) var errors: [FieldError] = []

    /// The field's value, or nil with its error recorded.
    mutating func field<T>(_ name: String, _ decode: () throws(DecodeError) -> T?) -> T? {
        do { return try decode() } catch {
            errors.append(FieldError(field: name, error: error))
            return nil
        }
    }

    mutating func record(_ name: String, _ error: DecodeError) { errors.append(FieldError(field: name, error: error)) }

    /// What the value stores: nil when every field decoded.
    var list: [FieldError]? { errors.isEmpty ? nil : errors }
}
