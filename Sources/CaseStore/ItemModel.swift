import Foundation
import Ledger
import SIMCard

// The item model (docs/CASE-STORE.md, "Device registry"): an item's type, identifiers and
// attributes as typed values. The `item` row stores identifiers and attributes as canonical
// JSON; they are decoded once, when the row is read (`ItemRecord.init(row:)`), and a row that
// does not decode names its item.

/// An item's type as stored: a registry `DeviceType`, or another word. Items seized before the
/// registry carry `exhibit`, `bag` or whatever `event seize --type` was given; a catalog row or
/// `device add --type` holds the word as typed until the registry checks it.
public enum ItemType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    case device(DeviceType)
    case other(String)

    /// The containers of items from before the registry; any item but a port or slot may be in one.
    public static let legacyContainers: Set<ItemType> = [.other("exhibit"), .other("bag")]

    public init(rawValue: String) {
        self = DeviceType(rawValue: rawValue).map(ItemType.device) ?? .other(rawValue)
    }

    /// The word stored in `item.type`.
    public var rawValue: String {
        switch self {
        case .device(let type): type.rawValue
        case .other(let word): word
        }
    }

    /// The registry type, nil for another word.
    public var deviceType: DeviceType? {
        if case .device(let type) = self { return type }
        return nil
    }

    public var description: String { rawValue }
}

/// The kinds of identifier the registry and the reads write. `event seize --identifier KIND=…`
/// may store other kinds: `ItemIdentifiers.values` holds every kind.
public enum IdentifierKind: String, CaseIterable, Sendable {
    case iccid = "ICCID", imsi = "IMSI", imei = "IMEI", imei2 = "IMEI2", moduleIMEI, serial, mac = "MAC", hostname
}

/// An item's identifiers (column `item.identifiers`): kind → value.
public struct ItemIdentifiers: Hashable, Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }
    public init(dictionaryLiteral pairs: (String, String)...) { self.init(Dictionary(uniqueKeysWithValues: pairs)) }

    public subscript(_ kind: IdentifierKind) -> String? {
        get { values[kind.rawValue] }
        set { values[kind.rawValue] = newValue }
    }

    /// The canonical JSON object, as stored.
    public var canonical: CanonicalJSON { .object(values.mapValues { .string($0) }) }

    /// The stored text: the canonical JSON object.
    public var description: String { String(decoding: canonical.canonicalBytes, as: UTF8.self) }

    /// Decodes the stored column of item `label`.
    init(stored json: String, item label: String) throws(SQLTypeMismatch) {
        let object = try? CanonicalJSON(parsing: Array(json.utf8)).objectValue
        guard let strings = object?.compactMapValues(\.stringValue), strings.count == object?.count else {
            throw SQLTypeMismatch(description: "item \(label): its identifiers \(json) are not a JSON object of strings")
        }
        values = strings
    }
}

/// An item's descriptive fields (column `item.attributes`): text fields from the catalog, and the
/// numbers the registry keeps (a lot's count, a box's ports and slots per port, a port's or
/// slot's index).
public struct ItemAttributes: Hashable, Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public var values: [String: CanonicalJSON]

    public init(_ values: [String: CanonicalJSON]) { self.values = values }
    public init(dictionaryLiteral pairs: (String, CanonicalJSON)...) { self.init(Dictionary(uniqueKeysWithValues: pairs)) }

    /// A simlot's SIM count.
    public var count: Int? { integer("count") }
    /// A simbox's or simbank's port count and slots per port.
    public var ports: Int? { integer("ports") }
    public var slotsPerPort: Int? { integer("slotsPerPort") }
    /// A port's index in its box (`<box>/P<n>`).
    public var port: Int? { integer("port") }
    /// A slot's index in its port (`<port>/S<m>`).
    public var slot: Int? { integer("slot") }

    /// The position of a port or slot in its container (its `port` or `slot` attribute).
    public func position(of type: ItemType) -> Int? {
        switch type {
        case .device(.port): port
        case .device(.slot): slot
        default: nil
        }
    }

    func integer(_ key: String) -> Int? { values[key]?.integerValue.map(Int.init) }

    /// The canonical JSON object, as stored.
    public var canonical: CanonicalJSON { .object(values) }

    /// The stored text: the canonical JSON object.
    public var description: String { String(decoding: canonical.canonicalBytes, as: UTF8.self) }

    /// Decodes the stored column of item `label`.
    init(stored json: String, item label: String) throws(SQLTypeMismatch) {
        guard let object = try? CanonicalJSON(parsing: Array(json.utf8)).objectValue else {
            throw SQLTypeMismatch(description: "item \(label): its attributes \(json) are not a JSON object")
        }
        values = object
    }
}

/// The international mobile equipment identity (3GPP TS 23.003 §6.2.1): the type allocation
/// code (8 digits), the serial number (6) and the Luhn check digit.
///
/// Validating value type: it always holds 15 decimal digits. The check digit is reported by
/// `luhnValid`; the registry enforces it for a phone's IMEIs, not for a SIM-box module's
/// (software-rewritable: a claim, recorded as given).
public struct IMEI: Hashable, Sendable, CustomStringConvertible {
    public static let length = 15

    public let digits: String

    public init(digits: String) throws(DecodeError) {
        guard digits.utf8.count == Self.length, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalid(what: "IMEI", why: "expected \(Self.length) decimal digits, got \"\(digits)\"")
        }
        self.digits = digits
    }

    /// Whether the last digit is the Luhn check digit of the first 14.
    public var luhnValid: Bool { Luhn.isValid(digits) }

    /// nil when `text` is a valid phone IMEI (15 digits, Luhn check digit); otherwise the reason, one line.
    public static func problem(_ text: String) -> String? {
        guard let imei = try? IMEI(digits: text) else {
            return "IMEI \(text) must be 15 digits (as printed on the label or shown by *#06#)"
        }
        guard imei.luhnValid else {
            return "IMEI \(text) fails the Luhn check (its check digit should be \(Luhn.checkDigit(of: text.prefix(14)))): re-read it from the device"
        }
        return nil
    }

    /// Type Allocation Code: make and model of the device the IMEI was allocated to (its first 8
    /// digits; any stored IMEI text, valid or not).
    public static func tac(_ imei: String) -> String { String(imei.prefix(8)) }

    public var description: String { digits }
}

/// Labels in the order people read them: numbers within labels compared as numbers (SB-2
/// before SB-10).
public func labelOrder(_ a: String, _ b: String) -> Bool {
    a.compare(b, options: [.numeric]) == .orderedAscending
}
