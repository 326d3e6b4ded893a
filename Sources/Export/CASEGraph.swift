import CaseStore
import Foundation
import Ledger

/// The case as CASE/UCO JSON-LD (CASE 1.5.0), for prosecutors and anyone with a CASE tool.
/// The mapping, node naming and what `exhibitHashes` reads are specified in docs/CASE-UCO.md.
public enum CASEGraph {
    /// The case, or the items `items` (labels; nil for the whole case) with the ledger entries
    /// that name or created them, as one JSON-LD document in canonical JSON (RFC 8785, as
    /// `CanonicalJSON`): the same case and arguments always give the same bytes. `time` is
    /// when the export was made (`objectCreatedTime` of the investigation).
    public static func document(store: CaseStore, items: Set<String>? = nil, tool: ToolIdentity,
                                time: Date) throws(CaseStoreError) -> Data {
        var builder = try CASEGraphBuilder(store: store, selection: items, tool: tool, exportTime: LedgerTime(time))
        return Data(builder.build().canonicalBytes)
    }

    /// For verification: every exhibit number in the document (its provenance records'
    /// `exhibitNumber`) with the SHA-256 values (lowercase hex) of the objects those records
    /// name. Throws `CASEGraphError` when the document is not a graph Custody writes.
    public static func exhibitHashes(jsonLD: Data) throws -> [String: Set<String>] {
        try CASEGraphReader(jsonLD).exhibitHashes()
    }
}
