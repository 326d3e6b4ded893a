import Foundation

/// JSON as Custody writes it: sorted keys so identical data gives identical bytes. These are
/// the bytes of stored acquisition records, whose SHA-256 the ledger signs: never change them.
public func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}
