import Foundation
import Ledger

extension BundleLayout {
    /// The scans of signed records (`custody event attach`): `scans/<seq>.<ext>`, one per
    /// `custody.attach` entry, the file exactly as attached.
    public static let scans = "scans"

    /// Where the scan an attach entry recorded goes in a bundle: its sequence number and the
    /// extension of the file the case keeps (`photos/<sha256>.<ext>`).
    public static func scanPath(sequence: Int64, payload: [String: CanonicalJSON]) -> String {
        let kept = payload["file"]?.stringValue ?? ""
        let ext = (kept as NSString).pathExtension
        return "\(scans)/\(sequence)\(ext.isEmpty ? "" : "." + ext)"
    }
}

extension FileProducer {
    /// `scans/`: the scan of every signed record attached to the exported entries.
    public static let scans = FileProducer(name: "scans of signed records") { ctx, bundle in
        for attach in ctx.plan.attachments {
            let kept = attach.payload["file"]?.stringValue ?? ""
            guard let data = try ctx.store.photoData(kept) else {
                throw RecordError("the scan \(kept) of entry \(attach.sequence) is missing from the case (run `custody ledger verify`)")
            }
            try bundle.write(BundleLayout.scanPath(sequence: attach.sequence, payload: attach.payload), data)
        }
    }
}

extension FileChecker {
    /// scans/: exactly one file per custody.attach entry, hashing to the SHA-256 it recorded.
    public static let scans = FileChecker(name: "scans", owns: { $0.hasPrefix(BundleLayout.scans + "/") }) { ctx throws(BundleProblem) in
        let attaches = ctx.exported.filter { $0.action == .custodyAttach }
        let expected = Set(attaches.map { BundleLayout.scanPath(sequence: $0.sequence, payload: $0.payload) })
        for path in ctx.files.keys.sorted() where path.hasPrefix(BundleLayout.scans + "/") && !expected.contains(path) {
            throw BundleProblem(path, "is not the scan of a custody.attach entry in ledger.jsonl")
        }
        for attach in attaches {
            let path = BundleLayout.scanPath(sequence: attach.sequence, payload: attach.payload)
            guard let sha = ctx.files[path] else { throw BundleProblem(path, "is missing: entry \(attach.sequence) attached a scan") }
            let recorded = attach.payload["sha256"]?.stringValue
            guard sha == recorded else { throw BundleProblem(path, "SHA-256 is \(sha) but entry \(attach.sequence) recorded \(recorded ?? "none")") }
        }
        return attaches.count
    }
}
