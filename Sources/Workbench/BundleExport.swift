import CaseStore
import Export

/// `custody export`: writes an evidence bundle (docs/VERIFYING.md) and says what it holds.
public enum BundleExport {
    /// What was written (schema custody.export/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.export/1"
        public var bundle: String
        public var zip: String?
        public var exportEntry: Int64
        public var manifestSHA256: String
        public var checkpointSize: Int
        public var checkpointRoot: String
        public var files: Int
        public var items: Int
        public var entries: Int
        public var acquisitions: Int
        public var proofs: Int
        public var redacted: [String]
        /// Temporary folders and ZIP files of killed exports to the same --out, removed first.
        public var removedPartials: [String]
    }

    /// Exports the case in `store` as `options` say; `redacted` names what `options` takes out.
    public static func export(_ store: CaseStore, options: Exporter.Options, redacted: [String]) throws(WorkbenchError) -> Output {
        let r: Exporter.Result
        do { r = try Exporter.export(store: store, options: options, producers: Exporter.sealedProducers + [SIMRanges.bundleFile]) } catch {
            throw WorkbenchError("export failed: \(error)")
        }
        return Output(bundle: r.out, zip: r.zip, exportEntry: r.exportEntry.entry.sequence,
                      manifestSHA256: r.exportEntry.entry.payload["manifestSHA256"]?.stringValue ?? "",
                      checkpointSize: r.checkpoint.size, checkpointRoot: r.checkpoint.root.base64, files: r.manifest.lines.count + 1,
                      items: r.items, entries: r.entries, acquisitions: r.acquisitions, proofs: r.proofs,
                      redacted: redacted, removedPartials: r.removedPartials)
    }
}
