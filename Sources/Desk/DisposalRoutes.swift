import CaseStore
import Foundation
import Hummingbird
import Wording
import Workbench

// Disposal and return on the desk (docs/DESK.md, "Disposal and return"): a clerk requests, a
// supervisor who is not the requester approves (the store enforces the two-person rule and the
// page shows its refusal), the execution names the witnesses, and the record (biên bản) prints
// from the item's custody.dispose entry. Pages and their JSON API (custody.disposal/1,
// custody.disposals/1, as `custody dispose … --json` prints them); the rules live in Workbench's
// Disposals.
extension Desk {
    static func addDisposalRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/disposals", needs: .read) { request, context in
            try await Self.disposalsPage(context)
        }
        routes.form(.post, "/disposals", needs: .custody) { request, context in
            let form = context.form
            return try await context.change({ store, user in
                let (_, request) = try Disposals.request(store, label: Self.scanned(form["label"]), method: try Disposals.method(form["method"] ?? ""),
                                                         to: Self.given(form["to"]), reason: form["reason"] ?? "", by: user.id)
                return "/disposals/\(request.id)"
            }, refused: { try await Self.disposalsPage(context, refusal: $0) })
        }
        routes.page(.get, "/disposals/{id}", needs: .read) { request, context in
            try await Self.disposalPage(try Self.number(context), context)
        }
        routes.form(.post, "/disposals/{id}/approve", needs: .approve) { request, context in
            let id = try Self.number(context)
            return try await context.change({ store, user in
                _ = try Disposals.approve(store, request: id, by: user.id)
                return "/disposals/\(id)"
            }, refused: { try await Self.disposalPage(id, context, refusal: $0) })
        }
        routes.form(.post, "/disposals/{id}/execute", needs: .custody) { request, context in
            let id = try Self.number(context)
            let witnesses = (context.form["witnesses"] ?? "").split(whereSeparator: \.isNewline).map(String.init).compactMap(Self.given)
            return try await context.change({ store, user in
                _ = try Disposals.execute(store, request: id, participants: try CustodyEvent.participants([], witnesses: witnesses), by: user.id)
                return "/disposals/\(id)"
            }, refused: { try await Self.disposalPage(id, context, refusal: $0) })
        }
        routes.form(.post, "/disposals/{id}/record", needs: .download) { request, context in
            let id = try Self.number(context)
            return try await context.printed("disposal-\(id)") { [store = context.store, user = context.user, tool = context.desk.tool] path in
                _ = try Disposals.printRecord(store, request: id, language: user.language, to: path, tool: tool, by: user.id)
            }
        }

        routes.api(.get, "/api/v1/disposals", needs: .read) { request, context in
            let state = try request.uri.queryParameters["state"].map { try Disposals.state(String($0)) }
            return try context.json(try await context.blocking { [store = context.store] in try Disposals.list(store, state: state) })
        }
        routes.api(.post, "/api/v1/disposals", needs: .custody) { request, context in
            struct Body: Decodable { var label: String; var method: String; var to: String?; var reason: String }
            let body = try await context.jsonBody(Body.self, of: request,
                                                  shape: #"{"label": "LABEL", "method": "destroy" or "return", "to": "PERSON" (a return), "reason": "TEXT"}"#)
            let (_, disposal) = try await context.blocking { [store = context.store, user = context.user] in
                try Disposals.request(store, label: body.label, method: try Disposals.method(body.method), to: Self.given(body.to),
                                      reason: body.reason, by: user.id)
            }
            return try context.json(disposal, status: .created)
        }
        routes.api(.get, "/api/v1/disposals/{id}", needs: .read) { request, context in
            let id = try Self.number(context)
            return try context.json(try await context.blocking { [store = context.store] in try Disposals.show(store, request: id) })
        }
        routes.api(.post, "/api/v1/disposals/{id}/approve", needs: .approve) { request, context in
            let id = try Self.number(context)
            let (_, disposal) = try await context.blocking { [store = context.store, user = context.user] in
                try Disposals.approve(store, request: id, by: user.id)
            }
            return try context.json(disposal)
        }
        routes.api(.post, "/api/v1/disposals/{id}/execute", needs: .custody) { request, context in
            struct Body: Decodable { var witnesses: [String] }
            let id = try Self.number(context)
            let body = try await context.jsonBody(Body.self, of: request, shape: #"{"witnesses": ["Full Name, unit", …]}"#)
            let (_, disposal) = try await context.blocking { [store = context.store, user = context.user] in
                try Disposals.execute(store, request: id, participants: try CustodyEvent.participants([], witnesses: body.witnesses), by: user.id)
            }
            return try context.json(disposal)
        }
    }

    /// The requests and the request form; `refusal` when a request failed.
    static func disposalsPage(_ context: DeskContext, refusal: WorkbenchError? = nil) async throws -> Response {
        let list = try await context.blocking { [store = context.store] in try Disposals.list(store) }
        let catalog = Catalog.of(context.user.language)
        var view: [String: Any] = [
            "canRequest": context.user.may(.custody),
            "disposals": list.disposals.map { disposal -> [String: Any] in
                ["id": disposal.id, "label": disposal.item, "method": methodWord(disposal.method, catalog),
                 "requestedBy": disposal.requestedBy, "state": stateWord(disposal.state, catalog)]
            },
        ]
        if let refusal { view["refusal"] = refusal.message }
        return context.page("disposals", title: "desk.disposal.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    /// Request `id` with the step that comes next for this examiner; `refusal` when a step failed
    /// (a requester approving their own request is refused by the store and shown here).
    static func disposalPage(_ id: Int64, _ context: DeskContext, refusal: WorkbenchError? = nil) async throws -> Response {
        let disposal = try await context.blocking { [store = context.store] in try Disposals.show(store, request: id) }
        let catalog = Catalog.of(context.user.language)
        var view: [String: Any] = [
            "id": disposal.id, "label": disposal.item, "method": methodWord(disposal.method, catalog), "reason": disposal.reason,
            "requestedBy": disposal.requestedBy, "approvedBy": disposal.approvedBy ?? "", "state": stateWord(disposal.state, catalog),
            "canApprove": disposal.state == DisposalState.requested.rawValue && context.user.may(.approve),
            "canExecute": disposal.state == DisposalState.approved.rawValue && context.user.may(.custody),
            "executed": disposal.state == DisposalState.executed.rawValue,
            "print": ["action": "/disposals/\(id)/record", "word": catalog.text("desk.disposal.record")],
        ]
        if let to = disposal.to { view["to"] = to }
        if let refusal { view["refusal"] = refusal.message }
        return context.page("disposal", title: "desk.disposal.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    static func methodWord(_ method: String, _ catalog: Catalog) -> String {
        catalog.text(method == DisposalMethod.giveBack.rawValue ? "desk.disposal.return" : "desk.disposal.destroy")
    }

    static func stateWord(_ state: String, _ catalog: Catalog) -> String {
        switch DisposalState(rawValue: state) {
        case .approved: catalog.text("desk.disposal.approved")
        case .executed: catalog.text("desk.disposal.executed")
        default: catalog.text("desk.disposal.requested")
        }
    }

    /// A form field or JSON value with its spaces trimmed; nil when nothing is left.
    static func given(_ text: String?) -> String? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
