import CaseStore
import Foundation
import Ledger

/// The case as CASE/UCO JSON-LD (CASE 1.5.0), for prosecutors and anyone with a CASE tool.
/// The mapping, node naming and what `exhibitHashes` reads are specified in docs/CASE-UCO.md.
public enum CASEGraph {
    /// The case, or the items `items` (labels; nil for the whole case) with the ledger entries
    /// that name or created them, as one JSON-LD document in canonical JSON (RFC 8785, as
    /// `CanonicalJSON`), written to `out` in pieces as the case is read (docs/CASE-UCO.md,
    /// "Encoding"): the same case and arguments always give the same bytes. `size` is the
    /// ledger's size to describe (a snapshot's; nil: the whole ledger); `time` is when the
    /// export was made (`objectCreatedTime` of the investigation). `catalog`: every item of the
    /// case at `size`, when the caller holds them (an export's snapshot), else read from the store.
    public static func write(store: CaseStore, size: Int? = nil, items: Set<String>? = nil, catalog: [ItemRecord]? = nil, tool: ToolIdentity,
                             time: Date, to out: (ArraySlice<UInt8>) throws -> Void) throws {
        var builder = try CASEGraphBuilder(store: store, size: size ?? Int.max, selection: items, catalog: catalog, tool: tool,
                                           exportTime: LedgerTime(time))
        try builder.write(to: out)
    }

    /// `write`, into memory (for tests and small cases).
    public static func document(store: CaseStore, items: Set<String>? = nil, tool: ToolIdentity, time: Date) throws -> Data {
        var data = Data()
        try write(store: store, items: items, tool: tool, time: time) { data.append(contentsOf: $0) }
        return data
    }

    /// For verification: every exhibit number in the document (its provenance records'
    /// `exhibitNumber`) with the SHA-256 values (lowercase hex) of the objects those records
    /// name. Throws `CASEGraphError` when the document is not a graph Custody writes.
    public static func exhibitHashes(jsonLD: Data) throws -> [String: Set<String>] {
        try CASEGraphReader(jsonLD).exhibitHashes()
    }
}
