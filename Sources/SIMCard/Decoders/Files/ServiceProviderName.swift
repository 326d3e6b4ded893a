/// EF.SPN, service provider name (TS 31.102 §4.2.12, TS 51.011 §10.3.11): 17 bytes, a display
/// condition byte and a 16-byte alpha identifier (`AlphaIdentifier`).
///
/// Display condition: bit 1 = 1, display of the registered PLMN name required (when registered
/// in the HPLMN or a PLMN of EF.SPDI); bit 2 (USIM only) = 1, display of the service
/// provider name *not* required when registered elsewhere (roaming). Other bits are RFU.
public struct ServiceProviderName: Hashable, Sendable, Codable {
    public static let encodedLength = 17

    public let displayCondition: UInt8
    public let name: String

    public init(displayCondition: UInt8, name: String) {
        self.displayCondition = displayCondition
        self.name = name
    }

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.SPN")
        displayCondition = raw[0]
        name = try AlphaIdentifier.decode(raw[1...])
    }

    public var encoded: [UInt8] { [displayCondition] + AlphaIdentifier.encode(name, length: 16) }

    public var showRegisteredPLMN: Bool { displayCondition & 0x01 != 0 }
    public var hideSPNWhenRoaming: Bool { displayCondition & 0x02 != 0 }
    /// An erased file: no name.
    public var isEmpty: Bool { name.isEmpty }
}
