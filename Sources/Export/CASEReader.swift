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

/// Reads a graph written by `CASEGraph.write` back, one `@graph` element at a time
/// (`GraphDocumentScanner`): the nodes by IRI, wherever they are embedded, each kept with only
/// the members `exhibitHashes` follows (embedded nodes replaced by references), and what its
/// provenance records tie to each exhibit. The graph is never held whole: at ten times the
/// seizure it is 519 MB.
struct CASEGraphReader {
    /// The members kept of a node: what leads from a provenance record to its hashes.
    static let followed: Set<String> = ["@type", "case-investigation:exhibitNumber", "uco-core:hasFacet", "uco-observable:hash",
                                        "uco-types:hashMethod", "uco-types:hashValue"]
    /// Every node with an `@id` and at least one property, by IRI, with the `followed`
    /// members (and a provenance record's `uco-core:object`).
    var nodes: [String: [String: CanonicalJSON]] = [:]
    var scanner = GraphDocumentScanner()
    var context: [String: CanonicalJSON]? = nil

    init() {}

    init(_ data: Data) throws(CASEGraphError) {
        try read(data)
        try finish()
    }

    /// Reads the next piece of the document.
    mutating func read(_ piece: some Collection<UInt8>) throws(CASEGraphError) {
        var found = [(key: String, bytes: [UInt8])]()
        try scanner.scan(piece) { key, bytes in found.append((key, bytes)) }
        for (key, bytes) in found {
            let value: CanonicalJSON
            do { value = try CanonicalJSON(parsing: bytes) } catch { throw .notJSON("\(error)") }
            if key == "@context" {
                guard case .object(let members) = value else { throw .context("is missing") }
                context = members
            } else {
                try collect(value)
            }
        }
    }

    /// Checks the end of the document and its `@context`.
    mutating func finish() throws(CASEGraphError) {
        try scanner.finish()
        guard let context else { throw .context("is missing") }
        for (prefix, iri) in CASEVocabulary.prefixes where context[prefix] != nil && context[prefix]?.stringValue != iri {
            throw .context("maps \(prefix) to \(context[prefix]?.stringValue ?? "a non-string"), not \(iri)")
        }
        for prefix in ["case-investigation", "uco-core", "uco-observable", "uco-types", "xsd"] where context[prefix] == nil {
            throw .context("does not define the prefix \(prefix)")
        }
        guard scanner.sawGraph else { throw .malformed("has no @graph array") }
    }

    mutating func collect(_ value: CanonicalJSON) throws(CASEGraphError) {
        switch value {
        case .object(let members):
            if let id = members["@id"]?.stringValue, members.count > 1 {
                guard nodes[id] == nil else { throw .malformed("describes node \(id) twice") }
                var kept = [String: CanonicalJSON]()
                let isRecord = Self.types(members).contains("case-investigation:ProvenanceRecord")
                for (key, member) in members where Self.followed.contains(key) || (isRecord && key == "uco-core:object") {
                    kept[key] = Self.referencing(member)
                }
                nodes[id] = kept
            }
            for (key, member) in members where key != "@context" { try collect(member) }
        case .array(let elements):
            for element in elements { try collect(element) }
        default:
            break
        }
    }

    /// `value` with every embedded node (an object with an `@id` and other members) replaced
    /// by a reference to it: `collect` keeps the node itself.
    static func referencing(_ value: CanonicalJSON) -> CanonicalJSON {
        switch value {
        case .object(let members) where members.count > 1 && members["@id"]?.stringValue != nil:
            .object(["@id": members["@id"]!])
        case .array(let elements):
            .array(elements.map(referencing))
        default:
            value
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

/// Splits a JSON document `{"@context": …, "@graph": [element, …]}` given in pieces into the
/// `@context` value and each `@graph` element that is an object or an array, as bytes, without
/// holding the document: only the element being read. Members of the root other than these
/// two, and scalar elements, are skipped (as a whole-document reader ignores them). Keys are
/// compared as written, so an escaped spelling of `@graph` is not recognised.
struct GraphDocumentScanner {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false
    private var ended = false
    /// At depth 1 (in the root object): whether the next string is a key.
    private var expectKey = false
    private var key = [UInt8]()
    private var readingKey = false
    /// The root member whose value is being read, and the depth its captured value opened at.
    private var member = ""
    private var captureDepth: Int? = nil
    private var captured = [UInt8]()
    private(set) var sawGraph = false

    /// Scans `piece`, calling `found` with each `@context` value and `@graph` element completed in it.
    mutating func scan(_ piece: some Collection<UInt8>, _ found: (String, [UInt8]) throws(CASEGraphError) -> Void) throws(CASEGraphError) {
        for byte in piece {
            if captureDepth != nil { captured.append(byte) }
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 {
                    inString = false
                    if readingKey { readingKey = false; member = String(decoding: key, as: UTF8.self); expectKey = false }
                } else if readingKey { key.append(byte) }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                continue
            case _ where ended:
                throw .notJSON("bytes follow the end of the document")
            case 0x22:
                inString = true
                if depth == 1 && expectKey { readingKey = true; key.removeAll(keepingCapacity: true) }
            case 0x7B, 0x5B: // { [
                if depth == 0 {
                    guard byte == 0x7B else { throw .notJSON("the document is not a JSON object") }
                    started = true
                    expectKey = true
                } else if captureDepth == nil && ((depth == 1 && member == "@context") || (depth == 2 && member == "@graph")) {
                    captureDepth = depth
                    captured = [byte]
                } else if depth == 1 && member == "@graph" {
                    guard byte == 0x5B else { throw .malformed("has no @graph array") }
                    sawGraph = true
                }
                depth += 1
            case 0x7D, 0x5D: // } ]
                depth -= 1
                guard depth >= 0 else { throw .notJSON("a bracket closes more than was opened") }
                if let at = captureDepth, depth == at {
                    try found(member, captured)
                    captureDepth = nil
                    captured.removeAll(keepingCapacity: true)
                }
                if depth == 0 { ended = true }
            case 0x2C: // ,
                if depth == 1 { expectKey = true; member = "" }
            default:
                guard started else { throw .notJSON("the document is not a JSON object") }
            }
        }
    }

    /// Fails unless the document ended.
    func finish() throws(CASEGraphError) {
        guard ended, !inString else { throw .notJSON("the document ends before its last bracket closes") }
    }
}
