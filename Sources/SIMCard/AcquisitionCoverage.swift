/// How much of the card a full read covered: the files the card showed against the files read,
/// and every file that was not read with the reason (docs/ACQUISITION.md "Coverage").
public struct AcquisitionCoverage: Codable, Sendable, Hashable {
    public struct NotRead: Codable, Sendable, Hashable {
        public var path: String
        public var name: String
        /// `protected`, `withheld`, `failed` or `interrupted`.
        public var status: FileReading.Status
        /// The status word the card ended with (empty when it never answered).
        public var sw: String
        public var reason: String
    }

    /// Elementary files the card showed: every EF entry but those it reported absent.
    public var filesFound = 0
    /// Of those, read in full.
    public var filesRead = 0
    /// Of those found, the ones the model does not name (found by the probe), read raw.
    public var filesNotInModel = 0
    /// Directories (MF, DFs, ADFs) the card showed.
    public var directoriesFound = 0
    public var notRead: [NotRead] = []

    public init(files: [FileReading]) {
        for file in files where file.status != .notFound {
            if file.structure == .dedicatedFile, file.status == .read {
                directoriesFound += 1
                continue
            }
            filesFound += 1
            if file.name.hasSuffix(SIMFileTree.unmodelled) { filesNotInModel += 1 }
            if file.status == .read {
                filesRead += 1
            } else {
                notRead.append(NotRead(path: file.path, name: file.name, status: file.status, sw: file.sw, reason: Self.reason(file)))
            }
        }
    }

    static func reason(_ file: FileReading) -> String {
        switch file.status {
        case .protected: "the card requires a PIN (or ADM) to read it (\(file.sw)); Custody never presents one on its own"
        case .withheld: "holds secrets (keys or a security context): selected to record it exists, never read"
        case .failed: "the card answered \(file.sw.isEmpty ? "a header that does not decode" : file.sw)"
        case .interrupted: "the read broke off in this file"
        case .read, .notFound: ""
        }
    }
}
