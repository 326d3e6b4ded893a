import Foundation
import Hummingbird
import Wording
import Workbench

// The scan station (docs/DESK.md, "Scan station"). Single mode: scan or type a label, see the
// item and its custody, pick an action. Bulk mode, in the order clerks work: choose the action
// (check out to an examiner for a purpose, due back on a day; check in; move to a location),
// then scan the items one after another, each recorded or refused on the spot, and print one
// receipt for the batch. The records are Workbench's (CustodyEvent, BulkCustody, ShelfCustody);
// the JSON API beside them answers with the CLI's documents.
extension Desk {
    static func addStationRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/station", needs: .read) { request, context in
            try await Self.stationPage(context, code: Self.given(request.uri.queryParameters["code"].map(String.init)),
                                       recorded: request.uri.queryParameters["entry"].flatMap { Int64($0) })
        }
        for action in Self.itemActions {
            routes.form(.post, "/station/items/{label}/\(action)", needs: .custody) { request, context in
                let label = try await context.heldItem()
                let form = context.form
                return try await context.change({ store, user in
                    let entry = try Self.event(action, form).record(on: label, in: store, by: user.id)
                    return "/station?code=\(Self.queryValue(label))&entry=\(entry.entry.sequence)"
                }, refused: { try await Self.stationPage(context, code: label, refusal: $0) })
            }
            routes.api(.post, "/api/v1/items/{label}/\(action)", needs: .custody) { request, context in
                let label = try await context.heldItem()
                let event = try Self.event(action, try await context.jsonBody([String: String?].self, of: request, shape: Self.shapes[action]!)
                    .compactMapValues { $0 })
                let entry = try await context.blocking { [store = context.store, user = context.user] in
                    try event.record(on: label, in: store, by: user.id)
                }
                return try context.json(EntryOutput(entry))
            }
        }
        routes.api(.get, "/api/v1/items/{label}/custody", needs: .read) { request, context in
            let label = try await context.heldItem()
            return try context.json(try await context.blocking { [store = context.store] in try ShelfCustody.item(label, in: store) })
        }
        routes.api(.get, "/api/v1/dashboard", needs: .read) { request, context in
            try context.json(try await context.blocking { [store = context.store, dashboards = context.desk.dashboards] in
                try Desk.inStore { try dashboards.current(store).custody }
            })
        }

        routes.form(.post, "/station/batches", needs: .custody) { request, context in
            do {
                let batch = try await Self.startBatch(context, fields: context.form)
                return context.redirect(to: "/station/batches/\(batch.id)")
            } catch let refusal as WorkbenchError {
                return try await Self.stationPage(context, code: nil, refusal: refusal)
            }
        }
        routes.page(.get, "/station/batches/{id}", needs: .custody) { request, context in
            Self.batchPage(try context.desk.stationBatches.batch(try Self.batchID(context), of: context.user.id), context)
        }
        routes.form(.post, "/station/batches/{id}/scan", needs: .custody) { request, context in
            let batch = try await Self.scan(Self.scanned(context.form["code"]), into: try Self.batchID(context), context)
            return context.redirect(to: "/station/batches/\(batch.id)")
        }
        routes.form(.post, "/station/batches/{id}/receipt", needs: .custody) { request, context in
            try await Self.receipt(try Self.batchID(context), context)
        }
        routes.api(.post, "/api/v1/batches", needs: .custody) { request, context in
            let fields = try await context.jsonBody([String: String?].self, of: request, shape: Self.shapes["batch"]!).compactMapValues { $0 }
            return try context.json(BatchOutput(try await Self.startBatch(context, fields: fields)), status: .created)
        }
        routes.api(.get, "/api/v1/batches/{id}", needs: .custody) { request, context in
            try context.json(BatchOutput(try context.desk.stationBatches.batch(try Self.batchID(context), of: context.user.id)))
        }
        routes.api(.post, "/api/v1/batches/{id}/scan", needs: .custody) { request, context in
            struct Body: Decodable { var code: String }
            let body = try await context.jsonBody(Body.self, of: request, shape: #"{"code": "LABEL"}"#)
            let batch = try await Self.scan(Self.scanned(body.code), into: try Self.batchID(context), context)
            let line = batch.record.lines.last!
            if let refused = line.refused { throw DeskFailure(.unprocessableContent, refused) }
            return try context.json(line)
        }
        routes.api(.post, "/api/v1/batches/{id}/receipt", needs: .custody) { request, context in
            try await Self.receipt(try Self.batchID(context), context)
        }
    }

    /// A new batch of the action the fields name, by the signed-in examiner.
    static func startBatch(_ context: DeskContext, fields: [String: String]) async throws -> StationBatches.Batch {
        let action = fields["action"] ?? ""
        guard Self.itemActions.contains(action) else {
            throw WorkbenchError("a batch checks out, checks in or moves: choose action checkout, checkin or move (not \"\(action)\")")
        }
        let event = try Self.event(action, fields)
        let empty = try await context.blocking { [store = context.store, user = context.user] in
            try BulkCustody.record(event, labels: [], in: store, by: user.id)
        }
        return context.desk.stationBatches.start(event, by: context.user.id, empty: empty)
    }

    /// Records the batch's action on the item `code` names (a refusal is a line of the batch too).
    static func scan(_ code: String, into id: String, _ context: DeskContext) async throws -> StationBatches.Batch {
        let batch = try context.desk.stationBatches.batch(id, of: context.user.id)
        guard !code.isEmpty else { throw DeskFailure(.badRequest, "the scan was empty: scan the item's label or type it") }
        let scanned = try await context.blocking { [store = context.store, user = context.user, event = batch.event] in
            try BulkCustody.record(event, labels: [code], in: store, by: user.id)
        }
        guard let updated = context.desk.stationBatches.add(scanned, to: id) else { return try context.desk.stationBatches.batch(id, of: context.user.id) }
        return updated
    }

    /// The batch's receipt (PDF, in the examiner's language): every entry it recorded.
    static func receipt(_ id: String, _ context: DeskContext) async throws -> Response {
        let batch = try context.desk.stationBatches.batch(id, of: context.user.id)
        return try await context.printed("receipt-\(id.prefix(8))") { [store = context.store, user = context.user] path in
            _ = try BulkCustody.printReceipt(store, entries: batch.record.entries, language: user.language, to: path, by: user.id)
        }
    }

    /// The actions of the station, as the last part of their routes and the batch's `action`.
    static let itemActions = ["checkout", "checkin", "move"]

    /// The JSON bodies the station's API routes take, for their one-line refusal.
    static let shapes = [
        "checkout": #"{"to": "EXAMINER", "purpose": "TEXT", "due": "YYYY-MM-DD" (optional)}"#,
        "checkin": #"{"location": "LABEL" (optional)}"#,
        "move": #"{"location": "LABEL"}"#,
        "batch": #"{"action": "checkout", "checkin" or "move", and that action's fields: "to", "purpose", "due"; "location"}"#,
    ]

    /// The custody event of `action` from a form's or a JSON body's fields.
    static func event(_ action: String, _ fields: [String: String]) throws(WorkbenchError) -> CustodyEvent {
        switch action {
        case "checkout":
            guard let to = given(fields["to"]), let purpose = given(fields["purpose"]) else {
                throw WorkbenchError("a check-out needs the examiner it goes to (to) and its purpose: fill both")
            }
            return .checkOut(to: to, purpose: purpose, due: given(fields["due"]))
        case "checkin":
            return .checkIn(location: given(fields["location"]), reason: nil)
        default:
            guard let location = given(fields["location"]) else {
                throw WorkbenchError("a move needs the location the item goes to: scan or type the location's label")
            }
            return .move(to: location)
        }
    }

    /// The station: the scan field, the item `code` names with its custody and actions, the bulk
    /// form; `recorded` the entry an action just recorded, `refusal` why one was refused.
    static func stationPage(_ context: DeskContext, code: String?, recorded: Int64? = nil, refusal: WorkbenchError? = nil) async throws -> Response {
        let catalog = Catalog.of(context.user.language)
        var view: [String: Any] = ["canChange": context.user.may(.custody)]
        var failure = refusal
        if let code {
            view["code"] = code
            do {
                let custody = try await context.blocking { [store = context.store] in try ShelfCustody.item(code, in: store) }
                var item: [String: Any] = ["label": custody.label, "type": catalog.itemTypeName(custody.type), "state": stateText(custody, catalog, context)]
                if !custody.locationPath.isEmpty { item["location"] = custody.locationPath.joined(separator: " ▸ ") }
                view["item"] = item
            } catch let error as WorkbenchError {
                failure = failure ?? error
            }
        }
        if let recorded { view["done"] = catalog.text("desk.station.entry", ["entry": String(recorded)]) }
        if let failure { view["refusal"] = failure.message }
        return context.page("station", title: "desk.station.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    /// "on the shelf", "checked out to X since T, due D", "disposed" in the examiner's words.
    static func stateText(_ custody: ShelfCustody.Item, _ catalog: Catalog, _ context: DeskContext) -> String {
        if let out = custody.checkedOut {
            let who = out.holderName.map { "\($0) (\(out.holder ?? ""))" } ?? out.holder ?? ""
            let since = context.localTime(out.since)
            return out.due.map { catalog.text("desk.station.checked-out-due", ["examiner": who, "since": since, "due": $0]) }
                ?? catalog.text("desk.station.checked-out", ["examiner": who, "since": since])
        }
        return catalog.text(custody.state == "disposed" ? "desk.station.disposed" : "desk.station.on-shelf")
    }

    /// A batch's page: its action, the scan field and the scans, newest first.
    static func batchPage(_ batch: StationBatches.Batch, _ context: DeskContext) -> Response {
        let catalog = Catalog.of(context.user.language)
        let scans: [[String: Any]] = batch.record.lines.reversed().map { line in
            if let refused = line.refused { return ["code": line.label, "outcome": "scan-refused", "text": refused] }
            return ["code": line.label, "outcome": "scan-accepted", "text": catalog.text("desk.scan.accepted")]
        }
        var view: [String: Any] = [
            "id": batch.id, "action": actionText(batch.event, catalog), "scans": scans,
            "scan": ["action": "/station/batches/\(batch.id)/scan", "api": "/api/v1/batches/\(batch.id)/scan", "list": "batch-scans"],
            "print": ["action": "/station/batches/\(batch.id)/receipt", "word": catalog.text("desk.station.receipt")],
        ]
        if let last = scans.first { view["last"] = last }
        return context.page("station-batch", title: "desk.station.batch", view)
    }

    /// The batch's action in the examiner's words.
    static func actionText(_ event: CustodyEvent, _ catalog: Catalog) -> String {
        switch event {
        case .checkOut(let to, let purpose, let due?): catalog.text("desk.action.checkout-due-line", ["examiner": to, "purpose": purpose, "due": due])
        case .checkOut(let to, let purpose, nil): catalog.text("desk.action.checkout-line", ["examiner": to, "purpose": purpose])
        case .move(let to): catalog.text("desk.action.move-line", ["location": to])
        default: catalog.text("desk.action.checkin-line")
        }
    }

    static func batchID(_ context: DeskContext) throws -> String {
        guard let id = context.parameters.get("id") else { throw DeskFailure(.notFound, "the path names no batch: start one at /station") }
        return id
    }

    /// `text` as a query parameter's value.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// A scan-station batch as the API shows it (schema custody.desk.batch/1): its id (the part of
/// its routes after /api/v1/batches/) and its scans so far as `custody event … --labels-from`
/// prints a batch (custody.bulk/1).
struct BatchOutput: Encodable, Sendable {
    var schema = "custody.desk.batch/1"
    var id: String
    var batch: BulkCustody.Output

    init(_ batch: StationBatches.Batch) {
        id = batch.id
        self.batch = batch.record
    }
}
