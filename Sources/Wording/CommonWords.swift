extension Catalog {
    /// The printed name of an item type word as the store holds it ("simbox" → "SIM box",
    /// "thiết bị SIM box"). A word Custody does not know prints as it is.
    public func itemTypeName(_ word: String) -> String {
        switch word {
        case "seizure": text("common.type.seizure")
        case "system": text("common.type.system")
        case "simbox": text("common.type.simbox")
        case "simbank": text("common.type.simbank")
        case "phone": text("common.type.phone")
        case "computer": text("common.type.computer")
        case "simlot": text("common.type.simlot")
        case "port": text("common.type.port")
        case "slot": text("common.type.slot")
        case "sim": text("common.type.sim")
        case "exhibit": text("common.type.exhibit")
        case "bag": text("common.type.bag")
        case "location": text("common.type.location")
        default: word
        }
    }

    /// The printed name of an identifier or attribute key as the store holds it ("serial" →
    /// "S/N", "Số sê-ri"). A key Custody does not know prints as it is.
    public func identifierName(_ key: String) -> String {
        switch key {
        case "ICCID": text("common.identifier.iccid")
        case "IMSI": text("common.identifier.imsi")
        case "IMEI": text("common.identifier.imei")
        case "IMEI2": text("common.identifier.imei2")
        case "moduleIMEI": text("common.identifier.module-imei")
        case "serial": text("common.identifier.serial")
        case "seal": text("common.identifier.seal")
        case "MAC": text("common.identifier.mac")
        case "hostname": text("common.identifier.hostname")
        default: key
        }
    }

    /// An item's type, named in this language, with its make and model when known:
    /// "SIM box, Hybertone GoIP-8".
    public func itemKind(type: String, make: String?, model: String?) -> String {
        let makeAndModel = [make, model].compactMap { $0 }.joined(separator: " ")
        return makeAndModel.isEmpty ? itemTypeName(type) : "\(itemTypeName(type)), \(makeAndModel)"
    }
}
