import Foundation
import Hummingbird
import Workbench

// Exported bundles for download (docs/DESK.md, "Bundles"): the desk serves the BUNDLE.zip files
// of the folder `custody desk --bundles FOLDER` names, as `custody export --out FOLDER/BUNDLE
// --zip` wrote them; it never exports during a request (a whole case takes minutes). A name is
// served only when it is one of the folder's listed files, so no path reaches outside it.
extension Desk {
    /// One bundle file as the page and `GET /api/v1/bundles` list it (schema custody.desk.bundles/1).
    struct BundleFile: Encodable, Sendable {
        var name: String
        var bytes: Int64
        /// The file's modification time, UTC, ISO 8601.
        var modified: String
    }

    static func addBundleRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/bundles", needs: .download) { request, context in
            let bundles = try context.desk.bundleFiles()
            return context.page("bundles", title: "desk.bundles.title", [
                "offered": context.desk.bundles != nil,
                "bundles": bundles.map { ["name": $0.name, "size": ByteCountFormatter.string(fromByteCount: $0.bytes, countStyle: .file), "modified": $0.modified] },
            ])
        }
        routes.page(.get, "/bundles/{name}", needs: .download) { request, context in
            try await context.desk.bundleDownload(context)
        }
        routes.api(.get, "/api/v1/bundles", needs: .download) { request, context in
            struct Output: Encodable { var schema = "custody.desk.bundles/1"; var bundles: [BundleFile] }
            return try context.json(Output(bundles: try context.desk.bundleFiles()))
        }
        routes.api(.get, "/api/v1/bundles/{name}", needs: .download) { request, context in
            try await context.desk.bundleDownload(context)
        }
    }

    /// The `.zip` files of the bundles folder, by name; none when the desk offers no folder.
    func bundleFiles() throws -> [BundleFile] {
        guard let bundles else { return [] }
        let manager = FileManager.default
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: bundles) } catch {
            throw DeskFailure(.internalServerError, "the bundles folder \(bundles) cannot be read (\(error.localizedDescription)): check it exists and the desk's user may read it")
        }
        let stamp = ISO8601DateFormatter()
        return names.filter { $0.hasSuffix(".zip") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            guard let attributes = try? manager.attributesOfItem(atPath: (bundles as NSString).appendingPathComponent(name)),
                  attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
            return BundleFile(name: name, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                              modified: (attributes[.modificationDate] as? Date).map(stamp.string(from:)) ?? "")
        }
    }

    /// The bundle file the path names, streamed as an attachment; 404 unless it is one of
    /// `bundleFiles()`.
    func bundleDownload(_ context: DeskContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let bundles, let file = try bundleFiles().first(where: { $0.name == name }) else {
            throw DeskFailure(.notFound, "no bundle \(name) is offered here: choose one from /bundles (or GET /api/v1/bundles)")
        }
        let body = try await FileIO().loadFile(path: (bundles as NSString).appendingPathComponent(file.name), context: context)
        Desk.logger.notice("bundle \(file.name) (\(file.bytes) bytes) downloaded by examiner \(context.user.id)")
        return Response(status: .ok, headers: [.contentType: "application/zip", .contentLength: String(file.bytes),
                                               .contentDisposition: "attachment; filename=\"\(file.name)\""], body: body)
    }
}
