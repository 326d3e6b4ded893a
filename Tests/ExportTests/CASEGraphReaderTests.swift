import Foundation
import Testing
@testable import Export

/// `CASEGraphReader` on small hand-written graphs: the path from a provenance record to its
/// hashes through references in either order and embedded nodes, and each way a graph is refused.
@Suite struct CASEGraphReaderTests {
    static let hex = String(repeating: "ab", count: 32)

    /// A graph with one provenance record for exhibit `SIM-1`: its object is described after the
    /// record (a forward reference), with an embedded facet holding an embedded hash. `replace`
    /// swaps text in the `@graph` array's JSON.
    static func graph(_ replace: [(String, String)] = []) -> Data {
        let context = CASEVocabulary.prefixes.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        var elements = """
            {"@id":"kb:record-1","@type":"case-investigation:ProvenanceRecord","case-investigation:exhibitNumber":"SIM-1","uco-core:object":[{"@id":"kb:card-1"}]},\
            {"@id":"kb:card-1","@type":"uco-observable:ObservableObject","uco-core:hasFacet":[{"@id":"kb:facet-1","@type":"uco-observable:ContentDataFacet",\
            "uco-observable:hash":[{"@id":"kb:hash-1","@type":"uco-types:Hash","uco-types:hashMethod":"SHA256",\
            "uco-types:hashValue":{"@type":"xsd:hexBinary","@value":"\(hex.uppercased())"}}]}]}
            """
        for (old, new) in replace {
            #expect(elements.contains(old), "the test's graph has no \(old) to replace")
            elements = elements.replacingOccurrences(of: old, with: new)
        }
        return Data("{\"@context\":{\(context)},\"@graph\":[\(elements)]}".utf8)
    }

    static func hashes(_ replace: [(String, String)] = []) throws(CASEGraphError) -> [String: Set<String>] {
        try CASEGraphReader(graph(replace)).exhibitHashes()
    }

    @Test func aRecordLeadsToItsObjectsHashesInAnyOrder() throws {
        #expect(try Self.hashes() == ["SIM-1": [Self.hex]])
        // Read in pieces of 7 bytes: the same.
        var reader = CASEGraphReader()
        let data = Self.graph()
        for start in stride(from: 0, to: data.count, by: 7) { try reader.read(data[start..<min(start + 7, data.count)]) }
        try reader.finish()
        #expect(try reader.exhibitHashes() == ["SIM-1": [Self.hex]])
        // Another hash method is not a SHA-256 of the exhibit.
        #expect(try Self.hashes([("\"SHA256\"", "\"MD5\"")]) == ["SIM-1": []])
    }

    @Test func eachMalformedGraphIsRefusedWithItsReason() {
        let cases: [([(String, String)], CASEGraphError)] = [
            ([("{\"@id\":\"kb:card-1\"}]", "{\"@id\":\"kb:card-9\"}]")],
             .malformed("refers from kb:record-1 to kb:card-9, which it does not describe")),
            ([("\"uco-core:object\":[{\"@id\":\"kb:card-1\"}]", "\"uco-core:object\":[\"kb:card-1\"]")],
             .malformed("has a uco-core:object of kb:record-1 that is not a node reference")),
            ([("exhibitNumber\":\"SIM-1\"", "exhibitNumber\":[\"SIM-1\",\"SIM-2\"]")],
             .malformed("has provenance record kb:record-1 without exactly one exhibitNumber")),
            ([("\"xsd:hexBinary\"", "\"xsd:string\"")],
             .malformed("has hash kb:hash-1 whose hashValue is not one SHA-256 typed xsd:hexBinary")),
            ([("{\"@id\":\"kb:facet-1\"", "{\"@id\":\"kb:card-1\"")], .malformed("describes node kb:card-1 twice")),
        ]
        for (replace, error) in cases {
            #expect(throws: error) { try Self.hashes(replace) }
        }
    }

    @Test func iriNumbersStayTheSameAsTheTableGrows() {
        var table = IRITable()
        let iris = (0..<5000).map { "kb:node-\($0)-\(String(repeating: "x", count: $0 % 50))" }
        for (i, iri) in iris.enumerated() { #expect(table.number(iri) == Int32(i)) }
        #expect(table.count == iris.count)
        for (i, iri) in iris.enumerated().reversed() {
            #expect(table.number(iri) == Int32(i))
            #expect(table[Int32(i)] == iri)
        }
        #expect(table.count == iris.count, "looking an IRI up again adds nothing")
    }
}
