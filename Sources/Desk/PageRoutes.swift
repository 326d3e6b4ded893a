import CaseStore
import Export
import Foundation
import Hummingbird
import HTTPTypes
import Labels
import Wording
import Workbench

// The desk's reading pages (docs/DESK.md, "Pages"; the dashboard is the home page,
// HomeRoutes.swift): search, item page, seizure tree, locations, photos, an item's printable
// records and label, and the batch panel's event stream. Every page reads the case through
// Workbench; every route names its permission.
extension Desk {
    static func addReadingPages(_ routes: DeskRoutes) {
        routes.page(.get, "/events/batch", needs: .read) { _, context in
            Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                     body: BatchStream(store: context.store, writer: context.writer).body())
        }

        routes.page(.get, "/search", needs: .read) { request, context in
            let query = request.queryValue("q")?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !query.isEmpty else {
                return context.page("search", title: "desk.search.title", ["page": SearchView(query: "", results: nil, context.writer)])
            }
            let results = try await context.blocking { [store = context.store] () throws -> ItemSearch in
                try Desk.inStore { () throws(CaseStoreError) in try ItemSearch(store, text: query, limit: Desk.searchLimit) }
            }
            if let label = results.exactItem { return context.redirect(to: PageLinks.item(label)) }
            return context.page("search", title: "desk.search.title", ["page": SearchView(query: query, results: results, context.writer)])
        }

        routes.page(.get, "/items/{label}", needs: .read) { _, context in
            let label = try context.label()
            let page = try await context.blocking { [store = context.store] () throws -> ItemPage in
                try Desk.inStore { try ItemPage(store, label: label) }
            }
            return context.page("item", title: "desk.item.title", ["page": ItemView(page, mayUpload: context.user.may(.catalog), context.writer)])
        }

        routes.page(.get, "/tree", needs: .read) { request, context in
            try await Desk.treePage(parent: nil, request, context)
        }

        routes.page(.get, "/tree/{label}", needs: .read) { request, context in
            try await Desk.treePage(parent: try context.label(), request, context)
        }

        routes.page(.get, "/locations", needs: .read) { _, context in
            let tree = try await context.blocking { [store = context.store] () throws -> ShelfCustody.Locations in
                try Desk.inStore { try ShelfCustody.locations(store) }
            }
            return context.page("locations", title: "desk.locations.title",
                                ["page": LocationsView(tree, mayCreate: context.user.may(.catalog), context.writer)])
        }

        routes.page(.get, "/locations/{label}", needs: .read) { _, context in
            let label = try context.label()
            let contents = try await context.blocking { [store = context.store] () throws -> ShelfCustody.LocationContents in
                try Desk.inStore { try ShelfCustody.location(label, in: store) }
            }
            return context.page("location", title: "desk.locations.title", ["page": LocationView(contents, context.writer)])
        }

        routes.form(.post, "/locations", needs: .catalog) { _, context in
            let label = (context.form["label"] ?? "").trimmingCharacters(in: .whitespaces)
            let parent = context.form["parent"].flatMap { $0.isEmpty ? nil : $0 }
            guard !label.isEmpty else { throw DeskFailure(.badRequest, "a new location needs a label (room, shelf or box): type one and send the form again") }
            let examiner = context.user.id
            try await context.blocking { [store = context.store] () throws -> Void in
                _ = try Desk.inStore { () throws(CaseStoreError) in
                    try store.addDevice(DeviceSpec(label: label, type: .device(.location), parent: parent), by: examiner)
                }
            }
            return context.redirect(to: PageLinks.location(label))
        }

        routes.page(.get, "/items/{label}/photos/{sha256}", needs: .read) { _, context in
            let label = try context.label(), sha256 = try context.parameters.require("sha256")
            // The URL names a photo by its hash, checked here and looked up in the case: no part
            // of a URL ever becomes a path.
            guard Desk.isSHA256(sha256) else {
                throw DeskFailure(.notFound, "\(sha256) is not a photo's SHA-256 (64 lower-case hex digits): open the photo from the item's page")
            }
            let data = try await context.blocking { [store = context.store] () throws -> Data in
                try Desk.inStore {
                    guard let photo = try store.photo(item: label, sha256: sha256), let data = try store.photoData(photo.path) else {
                        throw DeskFailure(.notFound, "item \(label) has no photo \(sha256): open its photos from the item's page")
                    }
                    return data
                }
            }
            let kind = PhotoUpload.FileKind(sniffing: data)
            var headers: HTTPFields = [.contentType: kind?.contentType ?? "application/octet-stream", .xContentTypeOptions: "nosniff",
                                       .cacheControl: "private, max-age=86400, immutable"]
            if kind == nil { headers[.contentDisposition] = "attachment; filename=\"\(sha256)\"" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }

        routes.form(.post, "/items/{label}/photos", needs: .catalog) { request, context in
            let label = try context.label()
            let body: ByteBuffer
            do {
                var request = request
                body = try await request.collectBody(upTo: Desk.uploadBodyLimit)
            } catch {
                throw DeskFailure(.contentTooLarge, PhotoUpload.Refusal.tooLarge(bytes: request.headers[.contentLength].flatMap(Int.init) ?? Desk.uploadBodyLimit).description)
            }
            guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary) else {
                throw DeskFailure(.unsupportedMediaType, "the photo must come from the item page's upload form (multipart/form-data): reload the page and send it again")
            }
            let form: MultipartForm
            do { form = try MultipartForm(body: Array(buffer: body), boundary: boundary) } catch {
                throw DeskFailure(.badRequest, "the upload form's body is malformed (\(error)): reload the page and send the photo again")
            }
            let data = Data(form.fields["photo"] ?? [])
            switch PhotoUpload.check(data) {
            case .failure(let refusal):
                throw DeskFailure(refusal == .tooLarge(bytes: data.count) ? .contentTooLarge : .unprocessableContent, refusal.description)
            case .success:
                break
            }
            let examiner = context.user.id
            try await context.blocking { [store = context.store] () throws -> Void in
                _ = try Desk.inStore { try PhotoUpload.keep(data, on: label, in: store, by: examiner) }
            }
            return context.redirect(to: PageLinks.item(label))
        }

        routes.form(.post, "/items/{label}/records", needs: .download) { _, context in
            let label = try context.label()
            guard let kind = context.form["kind"].flatMap(RecordKind.init(rawValue:)), let entry = context.form["entry"].flatMap(Int64.init) else {
                throw DeskFailure(.badRequest, "the record form names no record kind and entry: print it from the item's page")
            }
            let examiner = context.user.id, language = context.user.language
            let pdf = try await context.blocking { [store = context.store] () throws -> Data in
                try Desk.inTemporaryFile("record.pdf") { path in
                    _ = try Desk.inStore {
                        try RecordForms.print(store, kind: kind, label: label, seq: entry, language: language, to: path,
                                              tool: .custody, by: examiner)
                    }
                }
            }
            return Desk.download(pdf, name: "\(kind.rawValue)-\(entry).pdf")
        }

        routes.page(.get, "/items/{label}/label.pdf", needs: .catalog) { _, context in
            let label = try context.label()
            let language = context.user.language
            let pdf = try await context.blocking { [store = context.store] () throws -> Data in
                try Desk.inTemporaryFile("label.pdf") { path in
                    _ = try Desk.inStore {
                        try LabelSheets.write(store, choice: .init(labels: [label], all: false, type: nil, children: nil), format: .pdf,
                                              language: language, to: path)
                    }
                }
            }
            return Desk.download(pdf, name: "label.pdf")
        }
    }

    /// Whether `text` is a SHA-256 as the case writes it: 64 lower-case hex digits.
    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// Items a search page lists at most (the best ranked).
    public static let searchLimit = 200

    /// The largest upload body: the photo limit plus room for the form's other parts.
    static let uploadBodyLimit = PhotoUpload.maximumBytes + 64 * 1024

    static func treePage(parent: String?, _ request: Request, _ context: DeskContext) async throws -> Response {
        let after = request.queryValue("after")
        let page = try await context.blocking { [store = context.store] () throws -> TreePage in
            try Desk.inStore { () throws(CaseStoreError) in try TreePage(store, parent: parent, after: after) }
        }
        return context.page("tree", title: "desk.tree.title", ["page": TreeView(page, context.writer)])
    }

    /// Runs a store call, turning what it refuses into the desk's failures: an unknown item is
    /// 404, bad input 400, anything else 500 (each with its one line).
    static func inStore<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CaseStoreError {
            switch error {
            case .unknownItem, .unknownEntry: throw DeskFailure(.notFound, error.description)
            case .invalidInput, .notPermitted: throw DeskFailure(.badRequest, error.description)
            default: throw DeskFailure(.internalServerError, error.description)
            }
        } catch let error as WorkbenchError {
            throw DeskFailure(error.message.hasPrefix("no item") ? .notFound : .badRequest, error.message)
        } catch let refusal as PhotoUpload.Refusal {
            throw DeskFailure(.unprocessableContent, refusal.description)
        }
    }

    /// Writes a document into a private temporary folder through `write`, returns its bytes and
    /// removes the folder.
    static func inTemporaryFile(_ name: String, _ write: (String) throws -> Void) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("custody-desk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        try write(path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A PDF the browser saves as `name`.
    static func download(_ pdf: Data, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(name)\"",
                                        .xContentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }
}

extension Request {
    /// The query parameter `name` as a browser's GET form sends it (`+` for a space,
    /// percent-encoded UTF-8), nil when absent.
    func queryValue(_ name: String) -> String? {
        for pair in (uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name else { continue }
            let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            return raw.removingPercentEncoding ?? raw
        }
        return nil
    }
}

extension DeskContext {
    /// The route's `{label}`: one path segment, percent-decoded (a label may hold any character).
    func label() throws -> String {
        let segment = try parameters.require("label")
        guard let label = segment.removingPercentEncoding else {
            throw DeskFailure(.badRequest, "the item label in the address is not valid percent-encoded UTF-8: open the item from a page of the desk")
        }
        return label
    }

    /// Numbers, times and names for this user's pages.
    var writer: PageWriter {
        PageWriter(language: signedIn?.language ?? desk.caseLanguage, timeZone: store.caseRecord.timeZone)
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
