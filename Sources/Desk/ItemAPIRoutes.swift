import CaseStore
import Foundation
import Hummingbird
import Workbench

// The JSON API's read routes (docs/DESK.md, "JSON API"): an item, its custody chain and the
// search, each the same document as the CLI's --json (custody.device/1, custody.history/1,
// custody.device.find/1).
extension Desk {
    static func addItemAPIRoutes(_ routes: DeskRoutes) {
        routes.api(.get, "/api/v1/items/{label}", needs: .read) { request, context in
            let label = try await context.heldItem()
            return try context.json(try await context.blocking { [store = context.store] in try DeviceDetail(label, in: store) })
        }
        routes.api(.get, "/api/v1/items/{label}/history", needs: .read) { request, context in
            let label = try await context.heldItem()
            return try context.json(try await context.blocking { [store = context.store] in try HistoryOutput(label, in: store) })
        }
        routes.api(.get, "/api/v1/search", needs: .read) { request, context in
            let query = request.uri.queryParameters["q"].map(String.init) ?? ""
            let limit = try request.uri.queryParameters["limit"].map { text in
                guard let n = Int(text) else { throw DeskFailure(.badRequest, "limit=\(text) is not a number: give the most results wanted, e.g. limit=50") }
                return n
            }
            return try context.json(try await context.blocking { [store = context.store] in try Desk.inStore { () throws(CaseStoreError) in try ItemSearch(store, text: query, limit: limit) } })
        }
    }
}

extension DeskContext {
    /// The route's `{label}` (or another path parameter), an item the case holds; else 404 with
    /// the store's one line.
    func heldItem(_ parameter: String = "label") async throws -> String {
        guard let label = parameters.get(parameter) else { throw DeskFailure(.badRequest, "the path names no item: put its label in the path") }
        let known = try await blocking { [store = self.store] in try inCase { () throws(CaseStoreError) in try store.item(label) != nil } }
        guard known else { throw DeskFailure(.notFound, CaseStoreError.unknownItem(label).description) }
        return label
    }

    /// The request's JSON body as `T`, at most 64 KiB; else 400 with one line naming the fields
    /// the route takes (`shape`, e.g. `{"location": "LABEL"}`).
    func jsonBody<T: Decodable>(_ type: T.Type, of request: Request, shape: String) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw DeskFailure(.badRequest, "the body is not the JSON this route takes: send \(shape)")
        }
    }
}
