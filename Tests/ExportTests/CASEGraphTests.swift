import CaseStore
import Foundation
import Ledger
import Testing
@testable import Export

/// The JSON-LD as plain JSON (read without Export's own reader), with every node by IRI.
struct ParsedGraph {
    let context: [String: String]
    let graph: [[String: Any]]
    var nodes: [String: [String: Any]] = [:]
    var blankNodes = 0

    init(_ data: Data) throws {
        let json = try JSONSerialization.jsonObject(with: data)
        let root = try #require(json as? [String: Any])
        context = try #require(root["@context"] as? [String: String])
        graph = try #require(root["@graph"] as? [[String: Any]])
        for node in graph { collect(node) }
    }

    mutating func collect(_ value: Any) {
        if let object = value as? [String: Any] {
            if object["@value"] == nil {
                if let id = object["@id"] as? String {
                    if id.hasPrefix("_:") { blankNodes += 1 }
                    if object.count > 1 { nodes[id] = object }
                } else {
                    blankNodes += 1
                }
            }
            for (_, member) in object { collect(member) }
        } else if let array = value as? [Any] {
            for element in array { collect(element) }
        }
    }

    static func values(_ node: [String: Any], _ property: String) -> [Any] {
        switch node[property] {
        case nil: []
        case let array as [Any]: array
        case let value?: [value]
        }
    }

    func refs(_ node: [String: Any], _ property: String) -> [[String: Any]] {
        Self.values(node, property).compactMap { ($0 as? [String: Any])?["@id"] as? String }.compactMap { nodes[$0] }
    }

    static func types(_ node: [String: Any]) -> [String] { values(node, "@type").compactMap { $0 as? String } }

    func all(_ type: String) -> [[String: Any]] { nodes.values.filter { Self.types($0).contains(type) } }

    func named(_ name: String) -> [String: Any]? { nodes.values.first { $0["uco-core:name"] as? String == name } }

    func facet(_ node: [String: Any], _ type: String) -> [String: Any]? {
        refs(node, "uco-core:hasFacet").first { Self.types($0).contains(type) }
    }
}

@Suite struct CASEGraphTests {
    static let tool = ToolIdentity(name: "Custody", version: "0.1.0", build: "test")
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    func export(_ c: CASETestCase, items: Set<String>? = nil) throws -> Data {
        try CASEGraph.document(store: c.store, items: items, tool: Self.tool, time: Self.time)
    }

    @Test func graphHoldsTheCaseItsItemsAndEveryCustodyEntry() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let g = try ParsedGraph(try export(c))

        let uuidIRI = /^kb:[a-z-]+-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(g.blankNodes == 0, "every node has an IRI")
        #expect(g.nodes.keys.allSatisfy { $0.wholeMatch(of: uuidIRI) != nil }, "IRIs: \(g.nodes.keys.sorted().prefix(5))")
        #expect(g.graph.count == Set(g.graph.compactMap { $0["@id"] as? String }).count, "no node twice")
        for prefix in ["case-investigation", "uco-core", "uco-observable", "uco-action", "uco-tool", "uco-types",
                       "uco-vocabulary", "uco-identity", "uco-location", "xsd", "kb"] {
            #expect(g.context[prefix] != nil, "prefix \(prefix)")
        }

        let investigation = try #require(g.all("case-investigation:Investigation").first)
        #expect(investigation["uco-core:name"] as? String == "Op Lotus")
        let authorization = try #require(g.refs(investigation, "case-investigation:relevantAuthorization").first)
        #expect(authorization["case-investigation:authorizationIdentifier"] as? String == "W-2026-17")
        // The investigation names every other top-level node, sorted, once each (written a
        // reference at a time into its canonical bytes), and is the last node.
        let objects = ParsedGraph.values(investigation, "uco-core:object").compactMap { ($0 as? [String: Any])?["@id"] as? String }
        let others = g.graph.compactMap { $0["@id"] as? String }.filter { $0 != investigation["@id"] as? String }
        #expect(objects == others.sorted())
        #expect(g.graph.last?["@id"] as? String == investigation["@id"] as? String)
        #expect(Set(g.all("uco-identity:Person").compactMap { $0["uco-core:name"] as? String }) == ["Nguyễn Văn A", "Trần Thị B"])

        // The SIM: ICCID, IMSI, type and carrier from its read; its own number on a mobile account facet.
        let sim = try #require(g.named("SIM-A"))
        #expect(ParsedGraph.types(sim) == ["uco-observable:SIMCard"])
        let card = try #require(g.facet(sim, "uco-observable:SIMCardFacet"))
        #expect(card["uco-observable:ICCID"] as? String == CASETestCase.iccid)
        #expect(card["uco-observable:IMSI"] as? String == CASETestCase.imsi)
        #expect(card["uco-observable:SIMType"] as? String == "USIM")
        let carrier = try #require(g.refs(card, "uco-observable:carrier").first)
        #expect(ParsedGraph.types(carrier) == ["uco-identity:Organization"])
        #expect(carrier["uco-core:name"] as? String == (try c.store.simStatuses().first?.operatorName))
        #expect(g.facet(sim, "uco-observable:MobileAccountFacet")?["uco-observable:MSISDN"] as? String == CASETestCase.msisdn)

        // The phone and the box: device facets, IMEIs, manufacturer.
        let phone = try #require(g.named("PH-1"))
        #expect(ParsedGraph.types(phone) == ["uco-observable:MobilePhone"])
        let mobile = try #require(g.facet(phone, "uco-observable:MobileDeviceFacet"))
        let imeis = ParsedGraph.values(mobile, "uco-observable:IMEI")
        #expect(Set(imeis.compactMap { $0 as? String }) == ["490154203237518", "356938035643809"])
        let box = try #require(g.named("SB-1"))
        let boxDevice = try #require(g.facet(box, "uco-observable:DeviceFacet"))
        #expect(boxDevice["uco-observable:serialNumber"] as? String == "GB4-0001")
        #expect(g.refs(boxDevice, "uco-observable:manufacturer").first?["uco-core:name"] as? String == "GoIP")

        // Containment: SIM ▸ slot ▸ port ▸ box ▸ system, each a directional Contained_Within.
        var chain = ["SIM-A"]
        var current = sim
        while let relation = g.all("uco-observable:ObservableRelationship").first(where: {
            g.refs($0, "uco-core:source").contains { $0["@id"] as? String == current["@id"] as? String }
        }) {
            #expect(relation["uco-core:kindOfRelationship"] as? String == "Contained_Within")
            #expect(relation["uco-core:isDirectional"] as? Bool == true)
            current = try #require(g.refs(relation, "uco-core:target").first)
            chain.append(try #require(current["uco-core:name"] as? String))
        }
        #expect(chain == ["SIM-A", "SB-1/P1/S2", "SB-1/P1", "SB-1", "SYS-1"])

        // One investigative action per ledger entry, each performed by an examiner with the tool.
        let entries = try c.store.entries()
        let actions = g.all("case-investigation:InvestigativeAction")
        #expect(actions.count == entries.count)
        #expect(actions.compactMap { $0["uco-core:name"] as? String }.sorted() == entries.map(\.entry.action.rawValue).sorted())
        for action in actions {
            #expect(g.refs(action, "uco-action:performer").map(ParsedGraph.types) == [["uco-identity:Person"]])
            let tool = try #require(g.refs(action, "uco-action:instrument").first)
            #expect(tool["uco-tool:version"] as? String == "0.1.0")
            for time in ["uco-action:startTime", "uco-action:endTime"] {
                #expect((action[time] as? [String: Any])?["@type"] as? String == "xsd:dateTime")
            }
        }
        let acquisition = try #require(actions.first { $0["uco-core:name"] as? String == "sim.acquire" })
        #expect((acquisition["uco-action:startTime"] as? [String: Any])?["@value"] as? String == "2026-11-29T01:14:32.120Z")
        #expect(g.refs(acquisition, "uco-action:object").map { $0["uco-core:name"] as? String } == ["SIM-A"])
        let receive = try #require(actions.first { $0["uco-core:name"] as? String == "custody.receive" })
        #expect(g.refs(receive, "uco-action:location").first?["uco-core:name"] as? String == "Lab 2, Hà Nội")
        let records = g.refs(acquisition, "uco-action:result").filter { ParsedGraph.types($0) == ["case-investigation:ProvenanceRecord"] }
        #expect(records.map { $0["case-investigation:exhibitNumber"] as? String } == ["SIM-A"])
        let correction = try #require(actions.first { $0["uco-core:name"] as? String == "custody.correction" })
        #expect(g.refs(correction, "case-investigation:wasInformedBy").first?["uco-core:name"] as? String == "custody.seal")

        // Hashes: SHA256, typed xsd:hexBinary; the stored read record's hash among them.
        let hashes = g.all("uco-types:Hash")
        #expect(hashes.count == 4, "a read's record, content and transcript; a photo; and no other")
        for hash in hashes {
            #expect(hash["uco-types:hashMethod"] as? String == "SHA256")
            #expect((hash["uco-types:hashValue"] as? [String: Any])?["@type"] as? String == "xsd:hexBinary")
        }
        let read = try #require(c.store.acquisitions().first)
        #expect(hashes.contains { (($0["uco-types:hashValue"] as? [String: Any])?["@value"] as? String) == read.recordSHA256 })
        // The stored record's content facet gives its size in bytes.
        let recordFacet = try #require(g.all("uco-observable:ContentDataFacet").first { facet in
            g.refs(facet, "uco-observable:hash").contains { (($0["uco-types:hashValue"] as? [String: Any])?["@value"] as? String) == read.recordSHA256 }
        })
        #expect(recordFacet["uco-observable:sizeInBytes"] as? Int == read.record.count)
    }

    @Test func theSameCaseGivesTheSameBytes() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let first = try export(c)
        let reopened = try CaseStore.open(directory: c.directory)
        #expect(try CASEGraph.document(store: reopened, items: nil, tool: Self.tool, time: Self.time) == first)
        #expect(try export(c) == first)
        #expect(try CanonicalJSON(parsingCanonical: Array(first)).canonicalBytes == Array(first), "canonical JSON")
        // An export hands the graph its snapshot's items (`catalog`) instead of a second read: the same bytes.
        var fromCatalog = Data()
        try CASEGraph.write(store: c.store, catalog: try c.store.snapshot().items, tool: Self.tool, time: Self.time) { fromCatalog.append(contentsOf: $0) }
        #expect(fromCatalog == first)
    }

    /// What a verifier derives from the ledger alone: each subject of an entry with the hashes in
    /// its payload.
    func ledgerHashes(_ c: CASETestCase, items: Set<String>? = nil) throws -> [String: Set<String>] {
        var expected = [String: Set<String>]()
        for signed in try c.store.entries() {
            for label in signed.entry.subjects where items?.contains(label) ?? true {
                let values = ["recordSHA256", "contentSHA256", "transcriptSHA256", "sha256"].compactMap { signed.entry.payload[$0]?.stringValue }
                expected[label, default: []].formUnion(values)
            }
        }
        return expected
    }

    @Test func exhibitHashesAgreeWithTheLedger() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let found = try CASEGraph.exhibitHashes(jsonLD: try export(c))
        #expect(found == (try ledgerHashes(c)))
        #expect(found["SIM-A"]?.count == 3)
        #expect(found["PH-1"]?.count == 1)
    }

    @Test func aSubsetHoldsOnlyItsItemsAndTheirEntries() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let data = try export(c, items: ["PH-1"])
        let g = try ParsedGraph(data)
        #expect(g.all("uco-observable:MobilePhone").count == 1)
        #expect(g.all("uco-observable:SIMCard").isEmpty)
        #expect(g.all("uco-observable:ObservableRelationship").isEmpty, "its parent is not exported")
        let names = g.all("case-investigation:InvestigativeAction").compactMap { $0["uco-core:name"] as? String }.sorted()
        #expect(names == ["custody.photograph", "custody.receive", "custody.transfer", "device.add"])
        #expect(try CASEGraph.exhibitHashes(jsonLD: data) == (try ledgerHashes(c, items: ["PH-1"])))
        #expect(throws: CaseStoreError.unknownItem("PH-9")) { try export(c, items: ["PH-1", "PH-9"]) }
    }

    @Test func exhibitHashesSeeAlteredHashesAndRefuseAlteredContexts() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let text = String(decoding: try export(c), as: UTF8.self)
        let recordSHA = try #require(c.store.acquisitions().first?.recordSHA256)
        let altered = text.replacingOccurrences(of: recordSHA, with: String(repeating: "0", count: 64))
        #expect(try CASEGraph.exhibitHashes(jsonLD: Data(altered.utf8))["SIM-A"]?.contains(recordSHA) == false)
        let moved = text.replacingOccurrences(of: "\"https://ontology.unifiedcyberontology.org/uco/types/\"", with: "\"urn:elsewhere:\"")
        #expect(throws: CASEGraphError.self) { try CASEGraph.exhibitHashes(jsonLD: Data(moved.utf8)) }
        let untyped = text.replacingOccurrences(of: "\"xsd:hexBinary\"", with: "\"xsd:string\"")
        #expect(throws: CASEGraphError.self) { try CASEGraph.exhibitHashes(jsonLD: Data(untyped.utf8)) }
        #expect(throws: CASEGraphError.self) { try CASEGraph.exhibitHashes(jsonLD: Data("{\"@graph\":".utf8)) }
    }

    @Test func nodeIdentifiersAreRFC9562NameBasedUUIDs() {
        // uuid5(NAMESPACE_DNS, "python.org"), as Python's uuid module computes it.
        let dns = NodeNames(caseID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        #expect(dns.uuid("python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    }
}

/// `case_validate` (Scripts/case-validate) on the small case: when Scripts/test asks for it
/// (CUSTODY_CASE_VALIDATE=1) or its venv is already installed. It must pass then.
enum CASEValidation {
    static let environment = ProcessInfo.processInfo.environment
    static let venv = environment["CUSTODY_VENV"] ?? NSHomeDirectory() + "/.cache/custody/case-venv"
    static var wanted: Bool {
        environment["CUSTODY_CASE_VALIDATE"] == "1" || FileManager.default.isExecutableFile(atPath: venv + "/bin/case_validate")
    }
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/case-validate").path
}

@Suite struct CASEValidateTests {
    @Test(.enabled(if: CASEValidation.wanted)) func caseValidateAcceptsTheGraph() throws {
        let c = try CASETestCase()
        defer { c.remove() }
        let file = c.directory + "/case.jsonld"
        try CASEGraph.document(store: c.store, items: nil, tool: CASEGraphTests.tool, time: CASEGraphTests.time)
            .write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CASEValidation.script)
        process.arguments = [file]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "case_validate: \(report)")
    }
}
