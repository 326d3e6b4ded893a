import Foundation
import Hummingbird
import Wording
import Workbench

// Shelf audits on the desk (docs/DESK.md, "Shelf audit"): start an audit of a location, scan what
// is there with the scan field, finish with found / missing / unexpected / unknown, print the
// report; the items not audited for N days. Pages and their JSON API (custody.audit/1 and
// friends, as `custody audit … --json` prints them); the rules live in Workbench's ShelfAudits.
extension Desk {
    static func addAuditRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/audits", needs: .read) { request, context in
            try await Self.auditsPage(context)
        }
        routes.form(.post, "/audits", needs: .custody) { request, context in
            let location = Self.scanned(context.form["location"])
            return try await context.change({ store, user in
                "/audits/\(try ShelfAudits.start(store, location: location, by: user.id).1.id)"
            }, refused: { try await Self.auditsPage(context, refusal: $0) })
        }
        routes.page(.get, "/audits/overdue", needs: .read) { request, context in
            let days = try Self.days(request)
            let overdue = try await context.blocking { [store = context.store] in try ShelfAudits.overdue(store, days: days) }
            let catalog = Catalog.of(context.user.language)
            let items: [[String: Any]] = overdue.items.map { item in
                var row: [String: Any] = ["label": item.item]
                if let audited = item.lastAuditedAt {
                    row["last"] = catalog.text("desk.audit.last-seen", ["audit": String(item.lastAudit ?? 0), "time": context.localTime(audited)])
                }
                return row
            }
            return context.page("audits-overdue", title: "desk.audit.overdue-title", ["days": days, "items": items])
        }
        routes.page(.get, "/audits/{id}", needs: .read) { request, context in
            try await Self.auditPage(try Self.number(context), context)
        }
        routes.form(.post, "/audits/{id}/scan", needs: .custody) { request, context in
            let id = try Self.number(context)
            let code = Self.scanned(context.form["code"])
            return try await context.change({ store, user in
                _ = try ShelfAudits.scan(store, audit: id, code: code, by: user.id)
                return "/audits/\(id)"
            }, refused: { try await Self.auditPage(id, context, refusal: $0) })
        }
        routes.form(.post, "/audits/{id}/finish", needs: .custody) { request, context in
            let id = try Self.number(context)
            return try await context.change({ store, user in
                _ = try ShelfAudits.finish(store, audit: id, by: user.id)
                return "/audits/\(id)"
            }, refused: { try await Self.auditPage(id, context, refusal: $0) })
        }
        routes.form(.post, "/audits/{id}/report", needs: .download) { request, context in
            let id = try Self.number(context)
            return try await context.printed("audit-\(id)") { [store = context.store, user = context.user, tool = context.desk.tool] path in
                _ = try ShelfAudits.printReport(store, audit: id, language: user.language, to: path, tool: tool, by: user.id)
            }
        }

        routes.api(.get, "/api/v1/audits", needs: .read) { request, context in
            try context.json(try await context.blocking { [store = context.store] in try ShelfAudits.list(store) })
        }
        routes.api(.post, "/api/v1/audits", needs: .custody) { request, context in
            struct Body: Decodable { var location: String }
            let body = try await context.jsonBody(Body.self, of: request, shape: #"{"location": "LABEL"}"#)
            let (_, audit) = try await context.blocking { [store = context.store, user = context.user] in
                try ShelfAudits.start(store, location: body.location, by: user.id)
            }
            return try context.json(audit, status: .created)
        }
        routes.api(.get, "/api/v1/audits/overdue", needs: .read) { request, context in
            let days = try Self.days(request)
            return try context.json(try await context.blocking { [store = context.store] in try ShelfAudits.overdue(store, days: days) })
        }
        routes.api(.get, "/api/v1/audits/{id}", needs: .read) { request, context in
            let id = try Self.number(context)
            return try context.json(try await context.blocking { [store = context.store] in try ShelfAudits.show(store, audit: id) })
        }
        routes.api(.post, "/api/v1/audits/{id}/scan", needs: .custody) { request, context in
            struct Body: Decodable { var code: String }
            let id = try Self.number(context)
            let body = try await context.jsonBody(Body.self, of: request, shape: #"{"code": "LABEL"}"#)
            let (_, scan) = try await context.blocking { [store = context.store, user = context.user] in
                try ShelfAudits.scan(store, audit: id, code: Self.scanned(body.code), by: user.id)
            }
            return try context.json(scan)
        }
        routes.api(.post, "/api/v1/audits/{id}/finish", needs: .custody) { request, context in
            let id = try Self.number(context)
            let (_, audit) = try await context.blocking { [store = context.store, user = context.user] in
                try ShelfAudits.finish(store, audit: id, by: user.id)
            }
            return try context.json(audit)
        }
    }

    /// The audit list, the start form and the overdue form; `refusal` when a start failed.
    static func auditsPage(_ context: DeskContext, refusal: WorkbenchError? = nil) async throws -> Response {
        let list = try await context.blocking { [store = context.store] in try ShelfAudits.list(store) }
        let catalog = Catalog.of(context.user.language)
        var view: [String: Any] = [
            "canAudit": context.user.may(.custody), "days": defaultOverdueDays,
            "audits": list.audits.map { audit -> [String: Any] in
                ["id": audit.id, "location": audit.location, "started": context.localTime(audit.startedAt),
                 "state": catalog.text(audit.finished ? "desk.audit.finished" : "desk.audit.open")]
            },
        ]
        if let refusal { view["refusal"] = refusal.message }
        return context.page("audits", title: "desk.audit.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    /// Audit `id`: while open its scan field and scans (newest first, each in the colour of what
    /// it means now), once finished its four sets and the report; `refusal` when an action failed.
    static func auditPage(_ id: Int64, _ context: DeskContext, refusal: WorkbenchError? = nil) async throws -> Response {
        let audit = try await context.blocking { [store = context.store] in try ShelfAudits.show(store, audit: id) }
        let catalog = Catalog.of(context.user.language)
        let unexpected = Dictionary(audit.result.unexpected.map { ($0.item, $0.expectedAt) }) { first, _ in first }
        func unexpectedText(_ keptAt: String??) -> String {
            guard let keptAt = keptAt ?? nil else { return catalog.text("desk.scan.unexpected") }
            return catalog.text("desk.scan.unexpected-at", ["location": keptAt])
        }
        let scans: [[String: Any]] = audit.scans.reversed().map { scan in
            guard let item = scan.item else { return ["code": scan.code, "outcome": "scan-refused", "text": catalog.text("desk.scan.unknown")] }
            if let keptAt = unexpected[item] { return ["code": scan.code, "outcome": "scan-warning", "text": unexpectedText(keptAt)] }
            return ["code": scan.code, "outcome": "scan-accepted", "text": catalog.text("desk.scan.accepted")]
        }
        var view: [String: Any] = [
            "id": audit.id, "location": audit.location, "open": !audit.finished, "canAudit": context.user.may(.custody),
            "scan": ["action": "/audits/\(id)/scan", "api": "/api/v1/audits/\(id)/scan", "list": "audit-scans"],
            "scans": scans,
        ]
        if let last = scans.first { view["last"] = last }
        if audit.finished {
            func set(_ labels: [String]) -> [String: Any] { ["count": labels.count, "labels": labels] }
            view["result"] = [
                "found": set(audit.result.found), "missing": set(audit.result.missing), "unknown": set(audit.result.unknown),
                "unexpected": ["count": audit.result.unexpected.count,
                               "rows": audit.result.unexpected.map { ["item": $0.item, "text": unexpectedText($0.expectedAt)] }],
            ]
            view["print"] = ["action": "/audits/\(id)/report", "word": catalog.text("desk.audit.report")]
        }
        if let refusal { view["refusal"] = refusal.message }
        return context.page("audit", title: "desk.audit.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    /// The overdue list's default: items not audited for 90 days.
    static let defaultOverdueDays = 90

    /// `?days=N` (default `defaultOverdueDays`), else 400.
    static func days(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["days"] else { return defaultOverdueDays }
        guard let days = Int(text), days >= 0 else { throw DeskFailure(.badRequest, "days=\(text) is not a number of days: give 0 or more, e.g. days=90") }
        return days
    }

    /// The route's `{id}` (an audit or a disposal request), else 404.
    static func number(_ context: DeskContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw DeskFailure(.notFound, "\(context.parameters.get("id") ?? "") is not a number: the path takes the audit's or the request's number")
        }
        return id
    }

    /// What a scanner typed (the QR carries the item's label exactly; the scanner adds Enter),
    /// without the spaces and line ends around it.
    static func scanned(_ text: String?) -> String {
        (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
