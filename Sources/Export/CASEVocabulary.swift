import ByteText
import Crypto
import Foundation
import Ledger
import SIMCard
/// The JSON-LD spelling of the CASE/UCO graph (docs/CASE-UCO.md): the context, node IRIs and
/// typed literals. The graph follows CASE 1.5.0, which `Scripts/case-validate` checks.
enum CASEVocabulary {
    /// Namespace of the graph's own nodes. Every node IRI is `kb:<kind>-<uuid>`.
    static let knowledgeBase = "urn:custody:kb:"

    /// The prefixes of the `@context`, and the only ones `exhibitHashes` accepts.
    static let prefixes: [String: String] = [
        "case-investigation": "https://ontology.caseontology.org/case/investigation/",
        "kb": knowledgeBase,
        "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
        "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
        "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
        "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
        "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
        "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
        "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
        "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    ]

    static var context: CanonicalJSON { .object(prefixes.mapValues { .string($0) }) }

    /// `hashMethod` of every hash: the HashNameVocab member for SHA-256.
    static let sha256Method = "SHA256"
}

/// Mints the node IRIs of one case: `kb:<kind>-<uuid>`, the UUID a name-based version 5 UUID
/// (RFC 9562 §5.5: SHA-1 over the namespace's 16 bytes then the name's UTF-8) in the case id's
/// namespace, so the same case always gets the same IRIs.
struct NodeNames {
    let namespace: [UInt8]

    init(caseID: String) {
        // A case id that is not a UUID (never written by Custody) still gets a stable namespace.
        if let uuid = UUID(uuidString: caseID) {
            namespace = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        } else {
            namespace = Array(Insecure.SHA1.hash(data: Array(caseID.utf8)).prefix(16))
        }
    }

    /// The IRI of the node named `name` (docs/CASE-UCO.md lists the names), shown as `kind`.
    func iri(_ kind: String, _ name: String) -> String {
        "kb:\(kind)-\(uuid(name))"
    }

    func uuid(_ name: String) -> String {
        var sha1 = Insecure.SHA1()
        sha1.update(data: namespace)
        sha1.update(data: Array(name.utf8))
        var b = Array(sha1.finalize().prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50
        b[8] = (b[8] & 0x3F) | 0x80
        // The digits as bytes, dashes between the groups: appending them as characters was
        // most of the graph's naming time (millions of IRIs at ten times the seizure).
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, digit) in Hex.lowercase(b).utf8.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One node of the graph: its IRI, its class and its properties (JSON-LD compact form).
struct CASENode {
    let id: String
    var properties: [String: CanonicalJSON]

    init(_ id: String, _ type: String) {
        self.id = id
        properties = ["@id": .string(id), "@type": .string(type)]
    }

    /// Sets a property; nil or an empty string leaves it out.
    subscript(property: String) -> CanonicalJSON? {
        get { properties[property] }
        set {
            if case .string(let s)? = newValue, s.isEmpty { properties[property] = nil } else { properties[property] = newValue }
        }
    }

    var json: CanonicalJSON { .object(properties) }
}

extension CanonicalJSON {
    /// A reference to the node `iri`.
    static func ref(_ iri: String) -> CanonicalJSON { .object(["@id": .string(iri)]) }

    /// References to `iris`, sorted and without repeats; nil when there are none.
    static func refs(_ iris: some Sequence<String>) -> CanonicalJSON? {
        let sorted = Set(iris).sorted()
        return sorted.isEmpty ? nil : .array(sorted.map(ref))
    }

    /// Nodes embedded in their owner (facets, hashes), sorted by IRI.
    static func nodes(_ nodes: [CASENode]) -> CanonicalJSON? {
        nodes.isEmpty ? nil : .array(nodes.sorted { $0.id < $1.id }.map(\.json))
    }

    static func dateTime(_ time: LedgerTime) -> CanonicalJSON {
        .object(["@type": .string("xsd:dateTime"), "@value": .string(time.description)])
    }

    static func hexBinary(_ hex: String) -> CanonicalJSON {
        .object(["@type": .string("xsd:hexBinary"), "@value": .string(hex.lowercased())])
    }
}
