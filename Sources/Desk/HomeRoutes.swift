import CaseStore
import Foundation
import Hummingbird
import Workbench

// The home page, `/`: the case, who is signed in, and the dashboard (docs/DESK.md, "Dashboard").
extension Desk {
    func addHomeRoutes(_ routes: DeskRoutes) {
        routes.page(.get, "/", needs: .read) { [self] request, context in
            let dashboard = try await context.blocking { [store, dashboards] () throws -> DeskDashboard in try Desk.inStore { try dashboards.current(store) } }
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

/// The dashboard as last worked out, reused while the ledger's head is the same and it is at
/// most `maximumAge` old: every change to the case is a ledger entry (from this desk, another
/// desk on the same PostgreSQL case, or the CLI), so an unchanged head means unchanged counts,
/// and the age bounds what depends on the clock alone (a batch counting as running, overdue
/// returns at midnight). Working it out counts every item of the case (≈ 25 ms at ten times
/// the seizure), which sixteen clerks' browsers would otherwise repeat for every page view.
/// `@unchecked Sendable`: every access holds `lock`.
final class DashboardCache: @unchecked Sendable {
    static let maximumAge: TimeInterval = 5
    private let lock = NSLock()
    private var last: (head: Int64, taken: Date, dashboard: DeskDashboard)?

    func current(_ store: CaseStore, now: Date = Date()) throws -> DeskDashboard {
        let head = try store.ledgerHead()
        if let last = lock.withLock({ last }), last.head == head, now.timeIntervalSince(last.taken) < Self.maximumAge, now >= last.taken {
            return last.dashboard
        }
        let dashboard = try DeskDashboard(store, now: now)
        lock.withLock { last = (head, now, dashboard) }
        return dashboard
    }
}
