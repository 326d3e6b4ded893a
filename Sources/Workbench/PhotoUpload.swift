import CaseStore
import Foundation
import Ledger

/// A photograph uploaded from the desk (docs/DESK.md, "Photos"): at most `maximumBytes`, an
/// image by its magic bytes (whatever the browser's content type or the file's name say), kept
/// through `CaseStore.photograph` like `custody photograph` (its SHA-256 in a
/// `custody.photograph` entry, the file content-addressed as `photos/<sha256>.<ext>`). The
/// uploader's file name is never used, as a path or otherwise.
public enum PhotoUpload {
    /// 20 MiB: a phone camera's full-size JPEG or HEIC is well under it.
    public static let maximumBytes = 20 * 1024 * 1024

    /// The kinds of file the desk tells apart by their first bytes.
    public enum FileKind: String, Sendable, CaseIterable {
        case jpeg, png, webp, heic, pdf

        /// The extension the kept file gets.
        public var fileExtension: String {
            switch self {
            case .jpeg: "jpg"
            case .png: "png"
            case .webp: "webp"
            case .heic: "heic"
            case .pdf: "pdf"
            }
        }

        public var contentType: String {
            switch self {
            case .jpeg: "image/jpeg"
            case .png: "image/png"
            case .webp: "image/webp"
            case .heic: "image/heic"
            case .pdf: "application/pdf"
            }
        }

        /// Whether an upload of this kind is a photograph the desk accepts.
        public var isImage: Bool { self != .pdf }

        /// The kind `bytes` start like, nil for anything else. JPEG: FF D8 FF; PNG: its 8-byte
        /// signature; WebP: a RIFF file of form WEBP; HEIC: an ISO-BMFF `ftyp` box with a HEIF
        /// brand; PDF (scans kept with `custody attach`): `%PDF-`.
        public init?(sniffing bytes: some Collection<UInt8>) {
            let head = Array(bytes.prefix(16))
            func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
                head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
            }
            if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
            else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
            else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { self = .webp }
            else if starts(Array("ftyp".utf8), at: 4), Self.heifBrands.contains(where: { starts(Array($0.utf8), at: 8) }) { self = .heic }
            else if starts(Array("%PDF-".utf8)) { self = .pdf }
            else { return nil }
        }

        /// Major brands of HEIF still images (ISO/IEC 23008-12).
        static let heifBrands = ["heic", "heix", "heim", "heis", "mif1", "msf1"]
    }

    /// Why an upload was refused: one line each.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case tooLarge(bytes: Int)
        case empty
        case notAnImage

        public var description: String {
            switch self {
            case .tooLarge(let bytes):
                "the photo is \(bytes) bytes, more than the desk's limit of \(PhotoUpload.maximumBytes) (20 MiB): send a smaller picture; nothing was kept"
            case .empty:
                "no photo was sent: choose a picture or take one, then upload it"
            case .notAnImage:
                "the file is not a JPEG, PNG, WebP or HEIC picture (its first bytes say so, whatever its name): choose a photo; nothing was kept"
            }
        }
    }

    /// The image `data` holds, or the reason it is refused.
    public static func check(_ data: Data) -> Result<FileKind, Refusal> {
        guard !data.isEmpty else { return .failure(.empty) }
        guard data.count <= maximumBytes else { return .failure(.tooLarge(bytes: data.count)) }
        guard let kind = FileKind(sniffing: data), kind.isImage else { return .failure(.notAnImage) }
        return .success(kind)
    }

    /// Keeps `data` as a photograph of item `label` by `examiner`: checked, written to a
    /// private temporary folder under a name of the desk's own, photographed, the folder removed.
    public static func keep(_ data: Data, on label: String, in store: CaseStore, by examiner: String) throws -> (SignedEntry, PhotoRecord) {
        let kind = try check(data).get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("custody-desk-upload-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WorkbenchError("cannot make a temporary folder for the upload (\(error.localizedDescription)): check free space in \(FileManager.default.temporaryDirectory.path); nothing was kept")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("desk-upload.\(kind.fileExtension)")
        do { try data.write(to: file) } catch {
            throw WorkbenchError("cannot write the upload to \(file.path) (\(error.localizedDescription)): check free space; nothing was kept")
        }
        return try inCase { () throws(CaseStoreError) in try store.photograph(label: label, file: file.path, by: examiner) }
    }
}
