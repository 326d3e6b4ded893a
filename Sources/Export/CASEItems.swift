import CaseStore
import Ledger

/// How an item type appears in the graph: its class, the word in its IRI and, for hardware,
/// the `deviceType` of its `DeviceFacet`.
struct ItemClass {
    var type: String
    var kind: String
    var deviceType: String?

    init(_ itemType: ItemType?) {
        switch itemType?.deviceType {
        case .sim: (type, kind, deviceType) = ("uco-observable:SIMCard", "simcard", nil)
        case .phone: (type, kind, deviceType) = ("uco-observable:MobilePhone", "mobilephone", "phone")
        case .computer: (type, kind, deviceType) = ("uco-observable:Computer", "computer", "computer")
        case .simbox: (type, kind, deviceType) = ("uco-observable:Device", "device", "SIM box")
        case .simbank: (type, kind, deviceType) = ("uco-observable:Device", "device", "SIM bank")
        case .port: (type, kind, deviceType) = ("uco-observable:Device", "device", "SIM-box port")
        case .slot: (type, kind, deviceType) = ("uco-observable:Device", "device", "SIM slot")
        case .seizure, .system, .simlot, .location, nil: (type, kind, deviceType) = ("uco-observable:ObservableObject", "object", nil)
        }
    }
}

extension CASEGraphBuilder {
    static func itemName(_ label: String) -> String { "item:\(label)" }

    func itemIRI(_ label: String) -> String {
        names.iri(ItemClass(itemTypes[label]).kind, Self.itemName(label))
    }

    static func text(_ value: CanonicalJSON?) -> String? {
        switch value {
        case .string(let s)?: s.isEmpty ? nil : s
        case .integer(let i)?: String(i)
        case .bool(let b)?: String(b)
        default: nil
        }
    }

    /// One item with its facets, and its `Contained_Within` relationship to its parent when
    /// the parent is exported too.
    mutating func addItem(_ item: ItemRecord) {
        let itemClass = ItemClass(item.type)
        let name = Self.itemName(item.label)
        let ids = item.identifiers.values.mapValues(CanonicalJSON.string)
        let attributes = item.attributes.values
        var node = CASENode(itemIRI(item.label), itemClass.type)
        node["uco-core:name"] = .string(item.label)
        var description = ["type: \(item.type)"]
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { if let v = Self.text(value) { description.append("\(key): \(v)") } }
        for (key, value) in ids.sorted(by: { $0.key < $1.key }) { if let v = Self.text(value) { description.append("\(key): \(v)") } }

        var facets = [CASENode]()
        let make = Self.text(attributes["make"]), model = Self.text(attributes["model"]), serial = Self.text(ids["serial"])
        if itemClass.deviceType != nil || make != nil || model != nil || serial != nil {
            var device = facet(name, "uco-observable:DeviceFacet").node
            device["uco-observable:deviceType"] = itemClass.deviceType.map { .string($0) }
            device["uco-observable:manufacturer"] = make.map { .ref(organization($0)) }
            device["uco-observable:model"] = model.map { .string($0) }
            device["uco-observable:serialNumber"] = serial.map { .string($0) }
            facets.append(device)
        }
        let imeis = ["IMEI", "IMEI2", "moduleIMEI"].compactMap { Self.text(ids[$0]) }
        if !imeis.isEmpty {
            var mobile = facet(name, "uco-observable:MobileDeviceFacet").node
            mobile["uco-observable:IMEI"] = .array(imeis.sorted().map { .string($0) })
            facets.append(mobile)
        }
        if let hostname = Self.text(ids["hostname"]) {
            var spec = facet(name, "uco-observable:ComputerSpecificationFacet").node
            spec["uco-observable:hostname"] = .string(hostname)
            facets.append(spec)
        }
        if item.type == .device(.sim) {
            facets += simFacets(item, name: name, ids: ids, description: &description)
        }
        node["uco-core:description"] = .string(description.joined(separator: "; "))
        node["uco-core:hasFacet"] = .nodes(facets)
        add(node)

        if let parent = item.parent, itemTypes[parent] != nil {
            var relation = CASENode(names.iri("relationship", "contained:\(item.label)"), "uco-observable:ObservableRelationship")
            relation["uco-core:source"] = .refs([itemIRI(item.label)])
            relation["uco-core:target"] = .ref(itemIRI(parent))
            relation["uco-core:kindOfRelationship"] = .string("Contained_Within")
            relation["uco-core:isDirectional"] = .bool(true)
            add(relation)
        }
    }

    /// The SIM card facet (ICCID, IMSI, SIM type, carrier) and one mobile account facet per
    /// own number (MSISDN) a full read found.
    mutating func simFacets(_ item: ItemRecord, name: String, ids: [String: CanonicalJSON],
                            description: inout [String]) -> [CASENode] {
        let status = sims[item.label]
        let imsi = status?.imsi ?? Self.text(ids["IMSI"])
        var card = facet(name, "uco-observable:SIMCardFacet").node
        card["uco-observable:ICCID"] = (status?.iccid ?? Self.text(ids["ICCID"])).map { .string($0) }
        card["uco-observable:IMSI"] = imsi.map { .string($0) }
        card["uco-observable:SIMType"] = latestRead[item.label].flatMap { readFacts[$0]?.simType }.map { .string($0) }
        if let status {
            description.append("state: \(status.state.rawValue)")
            description.append("reads: \(status.reads)")
            description.append("operator: \(status.operatorName) (\(status.operatorSource))")
            if status.operatorName != "unknown" { card["uco-observable:carrier"] = .ref(organization(status.operatorName)) }
        }
        var facets = [card]
        for (index, msisdn) in (status?.msisdn ?? []).enumerated() {
            var account = facet(name, "uco-observable:MobileAccountFacet", index: index + 1).node
            account["uco-observable:MSISDN"] = .string(msisdn)
            account["uco-observable:IMSI"] = imsi.map { .string($0) }
            facets.append(account)
        }
        return facets
    }
}
