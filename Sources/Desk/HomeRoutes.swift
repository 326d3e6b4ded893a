import Foundation
import Hummingbird
import Workbench

// The home page, `/`: the case, who is signed in, and the dashboard (docs/DESK.md, "Dashboard").
extension Desk {
    func addHomeRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/", needs: .read) { [self] request, context in
            let dashboard = try await context.blocking { [store] () throws -> DeskDashboard in try Desk.inStore { try DeskDashboard(store) } }
            return context.page("home", title: "desk.home.title", homeView(context, dashboard))
        }
    }

    /// What the home page shows: the case, who is signed in, and the dashboard as `page`.
    func homeView(_ context: DeskContext, _ dashboard: DeskDashboard) -> [String: Any] {
        let record = store.caseRecord
        return ["case": ["name": record.name, "agency": record.agency, "authority": record.authority, "id": record.id],
                "examiner": ["id": context.user.id, "name": context.user.name],
                "page": DashboardView(dashboard, context.writer)]
    }
}
