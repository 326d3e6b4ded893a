import Foundation
import Hummingbird
import Wording
import Workbench

// Reading cards from the station's readers (docs/DESK.md, "Readers"): a technician or supervisor
// at the desk's own machine sees its PC/SC readers and reads the card in one into the case, as
// `custody sim read --case` does (the same Workbench use case: read-only commands, no PIN ever
// presented, the scope's limits). The page shows what the read came to; the item page has the rest.
extension Desk {
    static func addReaderRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/readers", needs: .readCards) { request, context in
            try await Self.readersPage(context)
        }
        routes.form(.post, "/readers/read", needs: .readCards) { request, context in
            let reader = Self.given(context.form["reader"]) ?? "", full = context.form["scope"] == "full"
            do {
                let read = try await context.blocking { [store = context.store, user = context.user] in
                    try AcquisitionRecording.readIntoCase(reader: reader, full: full, store: store, by: user.id)
                }
                return try await Self.readersPage(context, read: read)
            } catch let refusal as WorkbenchError {
                return try await Self.readersPage(context, refusal: refusal)
            }
        }
        routes.api(.get, "/api/v1/readers", needs: .readCards) { request, context in
            try context.json(try await context.blocking { try ReaderListing.current() })
        }
        routes.api(.post, "/api/v1/readers/read", needs: .readCards) { request, context in
            struct Body: Decodable { var reader: String; var scope: String? }
            let body = try await context.jsonBody(Body.self, of: request, shape: #"{"reader": "READER NAME", "scope": "identity" or "full"}"#)
            guard [nil, "identity", "full"].contains(body.scope) else {
                throw DeskFailure(.badRequest, "scope \(body.scope ?? "") is neither identity nor full: send one of them (identity when left out)")
            }
            let read = try await context.blocking { [store = context.store, user = context.user] in
                try AcquisitionRecording.readIntoCase(reader: body.reader, full: body.scope == "full", store: store, by: user.id)
            }
            return try context.json(read, status: .created)
        }
    }

    /// The station's readers with a read form for each holding a card; `read` is a read just
    /// recorded, `refusal` one that failed (or pcscd not answering).
    static func readersPage(_ context: DeskContext, read: StationReadOutput? = nil, refusal: WorkbenchError? = nil) async throws -> Response {
        var view: [String: Any] = [:]
        do {
            let listing = try await context.blocking { try ReaderListing.current() }
            view["readers"] = listing.readers.map { reader -> [String: Any] in
                ["name": reader.name, "cardPresent": reader.cardPresent && !reader.mute, "atr": reader.atr ?? ""]
            }
        } catch let failure as WorkbenchError {
            view["unavailable"] = failure.message
        }
        if let read {
            view["read"] = ["label": read.label ?? "", "hasLabel": read.label != nil, "line": read.line, "complete": read.complete,
                            "incompleteReason": read.incompleteReason ?? ""]
        }
        if let refusal { view["refusal"] = refusal.message }
        return context.page("readers", title: "desk.readers.title", view, status: refusal == nil ? .ok : .badRequest)
    }
}
