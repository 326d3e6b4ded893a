/// EF.SPN, service provider name (TS 31.102 §4.2.12, TS 51.011 §10.3.11): 17 bytes, a display
/// condition byte and a 16-byte alpha identifier (`AlphaIdentifier`).
///
/// Display condition: bit 1 = 1, display of the registered PLMN name required (when registered
/// in the HPLMN or a PLMN of EF.SPDI); bit 2 (USIM only) = 1, display of the service
/// provider name *not* required when registered elsewhere (roaming). Other bits are RFU.
///
/// Decoded field by field: a name that does not decode is nil and named `name` in
/// `fieldErrors`; the display condition is kept.
public struct ServiceProviderName: Hashable, Sendable, Codable, FieldByFieldDecoded {
    public static let encodedLength = 17

    public let displayCondition: UInt8
    /// Nil when the name does not decode (see `fieldErrors`); empty when erased.
    public let name: String?
    /// The fields that did not decode; nil when all did.
    public let fieldErrors: [FieldError]?

    public init(displayCondition: UInt8, name: String) {
        self.displayCondition = displayCondition
        self.name = name
        fieldErrors = nil
    }

    /// Throws only when the file is not 17 bytes long.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.SPN")
        var fields = FieldErrors()
        displayCondition = raw[0]
        name = fields.field("name") { () throws(DecodeError) in try AlphaIdentifier.decode(raw[1...]) }
        fieldErrors = fields.list
    }

    public var encoded: [UInt8] { [displayCondition] + AlphaIdentifier.encode(name ?? "", length: 16) }

    public var showRegisteredPLMN: Bool { displayCondition & 0x01 != 0 }
    public var hideSPNWhenRoaming: Bool { displayCondition & 0x02 != 0 }
    /// An erased file: an empty name (a name that does not decode is not empty).
    public var isEmpty: Bool { name?.isEmpty == true }
}
