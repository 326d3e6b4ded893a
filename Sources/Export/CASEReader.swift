import Foundation
import Ledger

/// Why a JSON-LD document is not a CASE graph Custody can check. Each description is one line.
public enum CASEGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case context(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .notJSON(let why): "the CASE/UCO JSON-LD is not valid JSON (\(why)): the file is damaged or not from Custody"
        case .context(let why): "the CASE/UCO JSON-LD's @context \(why): the file was altered or not written by Custody"
        case .malformed(let why): "the CASE/UCO JSON-LD \(why): the file was altered or not written by Custody"
        }
    }
}

/// Reads a graph written by `CASEGraph.document` back: the nodes by IRI, wherever they are
/// embedded, and what its provenance records tie to each exhibit.
struct CASEGraphReader {
    /// Every node with an `@id` and at least one property, by IRI.
    var nodes: [String: [String: CanonicalJSON]] = [:]

    init(_ data: Data) throws(CASEGraphError) {
        let document: CanonicalJSON
        do { document = try CanonicalJSON(parsing: Array(data)) } catch { throw .notJSON("\(error)") }
        guard let context = document["@context"]?.objectValue else { throw .context("is missing") }
        for (prefix, iri) in CASEVocabulary.prefixes where context[prefix] != nil && context[prefix]?.stringValue != iri {
            throw .context("maps \(prefix) to \(context[prefix]?.stringValue ?? "a non-string"), not \(iri)")
        }
        for prefix in ["case-investigation", "uco-core", "uco-observable", "uco-types", "xsd"] where context[prefix] == nil {
            throw .context("does not define the prefix \(prefix)")
        }
        guard let graph = document["@graph"]?.arrayValue else { throw .malformed("has no @graph array") }
        for node in graph { try collect(node) }
    }

    mutating func collect(_ value: CanonicalJSON) throws(CASEGraphError) {
        switch value {
        case .object(let members):
            if let id = members["@id"]?.stringValue, members.count > 1 {
                guard nodes[id] == nil else { throw .malformed("describes node \(id) twice") }
                nodes[id] = members
            }
            for (key, member) in members where key != "@context" { try collect(member) }
        case .array(let elements):
            for element in elements { try collect(element) }
        default:
            break
        }
    }

    /// The values of `property` of `node`: one value or an array of them.
    static func values(_ node: [String: CanonicalJSON], _ property: String) -> [CanonicalJSON] {
        switch node[property] {
        case nil: []
        case .array(let elements)?: elements
        case let value?: [value]
        }
    }

    static func types(_ node: [String: CanonicalJSON]) -> [String] {
        values(node, "@type").compactMap(\.stringValue)
    }

    /// The nodes `property` of `node` refers to (by `@id`, or embedded).
    func referenced(_ node: [String: CanonicalJSON], _ property: String, from id: String) throws(CASEGraphError) -> [(String, [String: CanonicalJSON])] {
        var out = [(String, [String: CanonicalJSON])]()
        for value in Self.values(node, property) {
            guard let target = value["@id"]?.stringValue else { throw .malformed("has a \(property) of \(id) that is not a node reference") }
            guard let referenced = nodes[target] else { throw .malformed("refers from \(id) to \(target), which it does not describe") }
            out.append((target, referenced))
        }
        return out
    }

    func exhibitHashes() throws(CASEGraphError) -> [String: Set<String>] {
        var hashes = [String: Set<String>]()
        for (id, record) in nodes where Self.types(record).contains("case-investigation:ProvenanceRecord") {
            let numbers = Self.values(record, "case-investigation:exhibitNumber")
            guard numbers.count == 1, let exhibit = numbers[0].stringValue else {
                throw .malformed("has provenance record \(id) without exactly one exhibitNumber")
            }
            var found = hashes[exhibit] ?? []
            for (objectID, object) in try referenced(record, "uco-core:object", from: id) {
                for (facetID, facet) in try referenced(object, "uco-core:hasFacet", from: objectID) {
                    for (hashID, hash) in try referenced(facet, "uco-observable:hash", from: facetID)
                    where Self.values(hash, "uco-types:hashMethod").first?.stringValue == CASEVocabulary.sha256Method {
                        found.insert(try Self.sha256(hash, hashID))
                    }
                }
            }
            hashes[exhibit] = found
        }
        return hashes
    }

    /// The hash value, which must be 64 hex digits typed `xsd:hexBinary`; lowercase.
    static func sha256(_ hash: [String: CanonicalJSON], _ id: String) throws(CASEGraphError) -> String {
        let values = values(hash, "uco-types:hashValue")
        guard values.count == 1, values[0]["@type"]?.stringValue == "xsd:hexBinary", let hex = values[0]["@value"]?.stringValue,
              hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .malformed("has hash \(id) whose hashValue is not one SHA-256 typed xsd:hexBinary")
        }
        return hex.lowercased()
    }
}
