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
/// (`GraphDocumentScanner`), keeping of each node (wherever it is embedded) only what leads from
/// a provenance record to its hashes: the graph is never held whole (at ten times the seizure it
/// is 519 MB, two million nodes). Each node's IRI is kept once, as bytes (`IRITable`); the
/// references a record's `uco-core:object`, an object's `uco-core:hasFacet` and a facet's
/// `uco-observable:hash` make are kept as numbers; a hash node keeps its checked SHA-256 value.
/// (Nodes kept as dictionaries of their members took 1.2 GB at that scale.)
struct CASEGraphReader {
    /// The references followed from a provenance record to its hashes, in that order.
    enum Link: UInt8 { case object, facet, hash }
    /// A hash node's `uco-types:hashValue`, when its `uco-types:hashMethod` is SHA-256.
    enum HashValue { case sha256(String), malformed }

    var iris = IRITable()
    /// Per IRI number: whether a node with that IRI and at least one other member was read.
    var described = [Bool]()
    /// Each provenance record's IRI number and exhibit number (nil: not exactly one string).
    var records = [(node: Int32, exhibit: String?)]()
    /// Every followed reference: from, which link, to (−1: a value that is not a node reference).
    var links = [(from: Int32, link: Link, to: Int32)]()
    var hashValues = [Int32: HashValue]()
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
        // As an array: scanning a `Data` byte by byte through its iterator took a tenth of the graph's time.
        try scanner.scan([UInt8](piece)) { key, bytes in found.append((key, bytes)) }
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

    mutating func number(_ iri: String) -> Int32 {
        let n = iris.number(iri)
        if Int(n) == described.count { described.append(false) }
        return n
    }

    mutating func collect(_ value: CanonicalJSON) throws(CASEGraphError) {
        switch value {
        case .object(let members):
            if let id = members["@id"]?.stringValue, members.count > 1 {
                let node = number(id)
                guard !described[Int(node)] else { throw .malformed("describes node \(id) twice") }
                described[Int(node)] = true
                if Self.values(members, "@type").contains(.string("case-investigation:ProvenanceRecord")) {
                    let numbers = Self.values(members, "case-investigation:exhibitNumber")
                    records.append((node, numbers.count == 1 ? numbers[0].stringValue : nil))
                    link(node, .object, members["uco-core:object"])
                }
                link(node, .facet, members["uco-core:hasFacet"])
                link(node, .hash, members["uco-observable:hash"])
                if Self.values(members, "uco-types:hashMethod").first?.stringValue == CASEVocabulary.sha256Method {
                    hashValues[node] = Self.sha256(members).map(HashValue.sha256) ?? .malformed
                }
            }
            for (key, member) in members where key != "@context" { try collect(member) }
        case .array(let elements):
            for element in elements { try collect(element) }
        default:
            break
        }
    }

    /// Keeps the references of one property (one value or an array), embedded nodes by their IRI.
    mutating func link(_ node: Int32, _ link: Link, _ property: CanonicalJSON?) {
        for value in Self.values(property) {
            links.append((node, link, value["@id"]?.stringValue.map { number($0) } ?? -1))
        }
    }

    /// One value or the elements of an array.
    static func values(_ property: CanonicalJSON?) -> [CanonicalJSON] {
        switch property {
        case nil: []
        case .array(let elements)?: elements
        case let value?: [value]
        }
    }

    static func values(_ node: [String: CanonicalJSON], _ property: String) -> [CanonicalJSON] { values(node[property]) }

    /// The hash value, if it is one SHA-256 typed `xsd:hexBinary` (64 hex digits); lowercase.
    static func sha256(_ hash: [String: CanonicalJSON]) -> String? {
        let values = values(hash, "uco-types:hashValue")
        guard values.count == 1, values[0]["@type"]?.stringValue == "xsd:hexBinary", let hex = values[0]["@value"]?.stringValue,
              hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        return hex.lowercased()
    }

    func exhibitHashes() throws(CASEGraphError) -> [String: Set<String>] {
        // The links by the node they leave from: `first[n] ..< first[n + 1]` indexes `sorted`.
        let sorted = links.sorted { $0.from < $1.from }
        var first = [Int](repeating: 0, count: described.count + 1)
        for l in sorted { first[Int(l.from) + 1] += 1 }
        for n in 0..<described.count { first[n + 1] += first[n] }
        func referenced(_ node: Int32, _ link: Link) throws(CASEGraphError) -> [Int32] {
            var out = [Int32]()
            for l in sorted[first[Int(node)]..<first[Int(node) + 1]] where l.link == link {
                let property = switch link { case .object: "uco-core:object"; case .facet: "uco-core:hasFacet"; case .hash: "uco-observable:hash" }
                guard l.to >= 0 else { throw .malformed("has a \(property) of \(iris[node]) that is not a node reference") }
                guard described[Int(l.to)] else { throw .malformed("refers from \(iris[node]) to \(iris[l.to]), which it does not describe") }
                out.append(l.to)
            }
            return out
        }
        var hashes = [String: Set<String>]()
        for (record, exhibit) in records {
            guard let exhibit else { throw .malformed("has provenance record \(iris[record]) without exactly one exhibitNumber") }
            var found = hashes[exhibit] ?? []
            for object in try referenced(record, .object) {
                for facet in try referenced(object, .facet) {
                    for hash in try referenced(facet, .hash) {
                        switch hashValues[hash] {
                        case .sha256(let hex)?: found.insert(hex)
                        case .malformed?: throw .malformed("has hash \(iris[hash]) whose hashValue is not one SHA-256 typed xsd:hexBinary")
                        case nil: break
                        }
                    }
                }
            }
            hashes[exhibit] = found
        }
        return hashes
    }
}

/// IRIs numbered in the order first seen, their bytes kept once in one buffer and found again
/// through an open-addressing table of numbers: about 60 bytes an IRI where a `[String: Int32]`
/// took about 130 (a 45-byte IRI is a heap string).
struct IRITable {
    private var bytes = [UInt8]()
    /// Where each IRI's bytes start in `bytes`, and (last) where the next one will.
    private var starts = [Int](arrayLiteral: 0)
    /// Open addressing, linear probing: IRI number + 1, or 0 for an empty slot; kept at most half full.
    private var slots = [Int32](repeating: 0, count: 1 << 10)

    var count: Int { starts.count - 1 }

    subscript(number: Int32) -> String { String(decoding: bytes[starts[Int(number)]..<starts[Int(number) + 1]], as: UTF8.self) }

    /// The IRI's number, a new one if it was not seen before.
    mutating func number(_ iri: String) -> Int32 {
        var iri = iri
        return iri.withUTF8 { text in
            let mask = slots.count - 1
            var slot = Self.hash(text) & mask
            while slots[slot] != 0 {
                let n = Int(slots[slot] - 1)
                if bytes[starts[n]..<starts[n + 1]].elementsEqual(text) { return Int32(n) }
                slot = (slot + 1) & mask
            }
            let n = Int32(count)
            bytes.append(contentsOf: text)
            starts.append(bytes.count)
            slots[slot] = n + 1
            if count * 2 > slots.count { grow() }
            return n
        }
    }

    /// Doubles the table and places every number again.
    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for n in 0..<count {
            var slot = bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[starts[n]..<starts[n + 1]])) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(n + 1)
        }
    }

    /// Swift's seeded hash of the bytes (a document cannot be written to collide in it).
    private static func hash(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(text))
        return hasher.finalize()
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
