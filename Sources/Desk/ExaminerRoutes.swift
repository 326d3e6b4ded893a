import CaseStore
import Foundation
import Hummingbird
import Wording
import Workbench

// The examiners page (docs/DESK.md, "Examiners"): a supervisor sees who may sign in, sets a
// first or forgotten password, lifts a lockout, issues a token for a script (shown once) and
// revokes one. The same use cases as `custody examiner password|unlock|token|tokens`; the store
// records each as a ledger entry attributed to the supervisor.
extension Desk {
    static func addExaminerRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/examiners", needs: .manageUsers) { request, context in
            try await Self.examinersPage(context)
        }
        routes.form(.post, "/examiners/{id}/password", needs: .manageUsers) { request, context in
            let form = context.form, examiner = try Self.examinerID(context)
            return try await context.change({ store, user in
                guard form["password"] == form["confirm"] else {
                    throw WorkbenchError("the two passwords typed for \(examiner) differ: type the same password twice; nothing was written")
                }
                try ExaminerAccess.setPassword(form["password"] ?? "", examiner: examiner, by: user.id, store: store)
                return "/examiners"
            }, refused: { try await Self.examinersPage(context, refusal: $0) })
        }
        routes.form(.post, "/examiners/{id}/unlock", needs: .manageUsers) { request, context in
            let examiner = try Self.examinerID(context)
            return try await context.change({ store, user in
                _ = try inCase { () throws(CaseStoreError) in try store.unlockExaminer(examiner, by: user.id) }
                return "/examiners"
            }, refused: { try await Self.examinersPage(context, refusal: $0) })
        }
        routes.form(.post, "/examiners/{id}/token", needs: .manageUsers) { request, context in
            let label = Self.given(context.form["label"]) ?? "", examiner = try Self.examinerID(context)
            do {
                let issued = try await context.blocking { [store = context.store, user = context.user] in
                    try ExaminerAccess.issueToken(examiner: examiner, label: label, by: user.id, store: store)
                }
                // Shown on this response only: the case keeps its SHA-256, and a reload does not post again.
                return try await Self.examinersPage(context, issued: (examiner, issued.record.id, issued.token))
            } catch let refusal as WorkbenchError {
                return try await Self.examinersPage(context, refusal: refusal)
            }
        }
        routes.form(.post, "/examiners/{id}/tokens/{token}/revoke", needs: .manageUsers) { request, context in
            let token = context.parameters.get("token") ?? ""
            return try await context.change({ store, user in
                _ = try inCase { () throws(CaseStoreError) in try store.revokeToken(id: token, by: user.id) }
                return "/examiners"
            }, refused: { try await Self.examinersPage(context, refusal: $0) })
        }
        routes.api(.get, "/api/v1/examiners", needs: .manageUsers) { request, context in
            struct Output: Encodable { var schema = "custody.desk.examiners/1"; var examiners: [ExaminerAccessOutput] }
            return try context.json(Output(examiners: try await context.blocking { [store = context.store] in try ExaminerAccess.roster(store) }))
        }
        routes.api(.post, "/api/v1/examiners/{id}/unlock", needs: .manageUsers) { request, context in
            let examiner = try Self.examinerID(context)
            let entry = try await context.blocking { [store = context.store, user = context.user] in
                try inCase { () throws(CaseStoreError) in try store.unlockExaminer(examiner, by: user.id) }
            }
            return try context.json(EntryOutput(entry))
        }
    }

    /// The roster with each examiner's state and the supervisor's forms; `issued` is a token
    /// just issued (shown this once), `refusal` a step that failed.
    static func examinersPage(_ context: DeskContext, issued: (examiner: String, id: String, token: String)? = nil,
                              refusal: WorkbenchError? = nil) async throws -> Response {
        let roster = try await context.blocking { [store = context.store] in try ExaminerAccess.roster(store) }
        let catalog = Catalog.of(context.user.language)
        var view: [String: Any] = [
            "examiners": roster.map { examiner -> [String: Any] in
                [
                    "id": examiner.id, "name": examiner.name, "role": ExaminerRole(rawValue: examiner.role).map { catalog.text(DeskPages.roleKey($0)) } ?? examiner.role,
                    "password": catalog.text(examiner.passwordSetAt == nil ? "desk.examiners.password-none" : "desk.examiners.password-set"),
                    "locked": examiner.lockedAt != nil,
                    "tokens": examiner.tokens.filter { $0.revokedAt == nil }.map { ["id": $0.id, "label": $0.label, "examiner": examiner.id] },
                ]
            },
            "minimumLength": ExaminerAccess.minimumPasswordLength,
        ]
        if let issued { view["issued"] = ["examiner": issued.examiner, "id": issued.id, "token": issued.token] }
        if let refusal { view["refusal"] = refusal.message }
        return context.page("examiners", title: "desk.examiners.title", view, status: refusal == nil ? .ok : .badRequest)
    }

    /// The examiner id of the path.
    static func examinerID(_ context: DeskContext) throws -> String {
        guard let id = given(context.parameters.get("id")) else {
            throw DeskFailure(.notFound, "the path names no examiner: use /examiners/ID/…")
        }
        return id
    }
}
